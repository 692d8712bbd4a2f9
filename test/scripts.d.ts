declare module '*/gen-rule-index.mjs' { export function ruleIndexSource(): string; }
declare module '*/bench/corpus.mjs' {
  export function sampleDocuments(seed: number, n: number): string[];
  export function generateCorpus(dir: string, docs: number, seed?: number): { docs: number; files: number; bytes: number; seed: number };
}
