/** The benchmark's seeded generator (mulberry32), so generated test inputs are reproducible from a seed. */
export { rng } from '../../bench/corpus.mjs';
