#!/usr/bin/env node
// `npm run bench`: whole-process timings of the built CLI on reproducible corpora, side by side with the baselines
// the targets are stated against (issue 7). Not a test: numbers depend on the machine, and are medians of several
// interleaved runs so that noise from other processes hits both sides of a ratio alike.
//
//   npm run bench                 1, 100, 2,000 and 20,000 documents, and the agents workload (issue 14): 2,000 and
//                                 20,000 documents in one file, 200,000 in 200 files; writes bench/results.json
//   npm run bench -- --quick      small corpora only (1 and 100 documents, 2,000 agents); writes
//                                 bench/corpora/results-quick.json
//   npm run bench -- --ci         like --quick, and exits 1 when a ratio is worse than its target by more than 50%
//   npm run bench -- --runs N     rounds per measurement (default 7; 3 for 20,000 documents, 1 for 200,000)
//   KUBECONFORM=/path/to/kubeconform npm run bench
//                                 also times kubeconform on the 2,000-agent file, in the same rounds as daemonlint
//                                 (without KUBECONFORM: a kubeconform on the PATH, if any; nothing is downloaded)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateCorpus } from './corpus.mjs';
import { generateAgents } from './agents.mjs';
import { generateKubeconformSchemas } from './kubeconform-schemas.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..');
const CORPORA = join(HERE, 'corpora');
const BIN = join(ROOT, 'bin', 'daemonlint.js');
const TIME = '/usr/bin/time';

const argv = process.argv.slice(2);
const ci = argv.includes('--ci');
const quick = ci || argv.includes('--quick');
const runsArg = argv.indexOf('--runs');
const RUNS = runsArg !== -1 ? Math.max(1, Number(argv[runsArg + 1])) : 7;

/** Targets of issue 7, and how far a --ci run may miss them (machines are noisy). */
const TARGETS = { R1: 2.0, R2: 1.7, R3: 20, rss20k: 400, scaling: 11, schemaShare: 1 / 3, agentsR1: 2.0, agentsRss20k: 400, agentsScaling: 11, agentsCores: 1.3, kubeconform: 2.0 };
const CI_SLACK = 1.5;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** Run one command to completion; wall and CPU seconds, peak RSS (MB) from GNU time when present, and the exit code. */
function measure(cmd, args) {
  const t0 = process.hrtime.bigint();
  const useTime = existsSync(TIME);
  const r = useTime
    ? spawnSync(TIME, ['-f', '@@ %e %U %S %M', cmd, ...args], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } })
    : spawnSync(cmd, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  const wallNs = Number(process.hrtime.bigint() - t0);
  if (r.error) throw r.error;
  const status = useTime ? Number(/Command exited with non-zero status (\d+)/.exec(r.stderr)?.[1] ?? 0) : r.status;
  if (status !== 0 && status !== 1) throw new Error(`${cmd} ${args.join(' ')} exited with ${status}:\n${r.stderr}`);
  const m = /@@ ([\d.]+) ([\d.]+) ([\d.]+) (\d+)/.exec(r.stderr ?? '');
  if (!m) return { wall: wallNs / 1e9, cpu: NaN, rss: NaN, status };
  return { wall: Number(m[1]) > 0.05 ? Number(m[1]) : wallNs / 1e9, cpu: Number(m[2]) + Number(m[3]), rss: Number(m[4]) / 1024, status };
}

function summarize(samples) {
  return { wall: median(samples.map((s) => s.wall)), cpu: median(samples.map((s) => s.cpu)), rss: median(samples.map((s) => s.rss)), runs: samples.length, status: samples[0]?.status };
}

/** Measure several commands side by side: each round runs every command once, in turn. */
function sideBySide(commands, runs) {
  const samples = commands.map(() => []);
  for (let r = 0; r < runs; r++) commands.forEach((c, i) => samples[i].push(measure(c.cmd, c.args)));
  return samples;
}

/** The median over rounds of a/b, each round's two runs taken next to each other. */
function ratio(a, b, key = 'wall') {
  return median(a.map((x, i) => x[key] / b[i][key]));
}

/** Bundle an in-process benchmark script (TypeScript under bench/) with esbuild. */
function buildScript(name) {
  const out = join(CORPORA, '.build', `${name}.mjs`);
  mkdirSync(dirname(out), { recursive: true });
  const r = spawnSync(
    process.execPath,
    [
      '-e',
      `import('esbuild').then(({ build }) => build({ entryPoints: [${JSON.stringify(join(HERE, `${name}.ts`))}], outfile: ${JSON.stringify(out)}, bundle: true, format: 'esm', platform: 'node', target: 'node20', logLevel: 'error', banner: { js: "import { createRequire as __r } from 'node:module'; const require = __r(import.meta.url);" } }))`,
    ],
    { cwd: ROOT, encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`cannot bundle bench/${name}.ts: ${r.stderr}`);
  return out;
}

function relint() {
  const bundle = buildScript('relint');
  const r = spawnSync(process.execPath, [bundle, join(CORPORA, 'relint-workspace'), quick ? '25' : '60'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 16 << 20 });
  if (r.status !== 0) throw new Error(`relint benchmark failed: ${r.stderr}`);
  const { samples, lines, pipeline } = JSON.parse(r.stdout);
  return { ms: median(samples), p90: [...samples].sort((a, b) => a - b)[Math.floor(samples.length * 0.9)], edits: samples.length, lines, pipeline };
}

/** Issue 3: the share of linting time spent in schema validation, in process, on a corpus. */
function schemaShare(dir) {
  const bundle = buildScript('schema-share');
  const r = spawnSync(process.execPath, [bundle, dir, quick ? '3' : '5'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 16 << 20 });
  if (r.status !== 0) throw new Error(`schema-share benchmark failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/**
 * kubeconform, for the comparison on the 2,000-agent file: the binary named by $KUBECONFORM, else the one on the PATH
 * (never downloaded: the benchmark runs offline), run against JSON schemas generated here from the repository's
 * Kubernetes OpenAPI documents (bench/kubeconform-schemas.mjs), so that it downloads nothing either. One run first
 * checks that it validated every document of the file against a schema; otherwise it is left out, with the reason.
 * Returns { cmd, args, version, summary } or { skipped: reason }.
 */
function kubeconform(file, docs) {
  let bin = process.env.KUBECONFORM;
  if (bin && !existsSync(bin)) return { skipped: `KUBECONFORM=${bin} does not exist` };
  if (!bin) {
    const r = spawnSync('sh', ['-c', 'command -v kubeconform'], { encoding: 'utf8' });
    bin = r.status === 0 ? r.stdout.trim() : '';
    if (!bin) return { skipped: 'no kubeconform binary (set KUBECONFORM or put it on the PATH; the benchmark never downloads it)' };
  }
  const version = spawnSync(bin, ['-v'], { encoding: 'utf8' });
  if (version.error || version.status !== 0) return { skipped: `${bin} -v failed: ${version.error?.message ?? version.stderr.trim()}` };
  const schemas = generateKubeconformSchemas(join(CORPORA, 'kubeconform-schemas'));
  // -strict: unknown fields and duplicate keys are errors, as daemonlint's schema check has them. Every kind of the
  // file has a schema, so no -ignore-missing-schemas: a document without one counts as an error and fails the check.
  const args = ['-summary', '-strict', '-kubernetes-version', schemas.kubernetesVersion, '-schema-location', schemas.template, file];
  const r = spawnSync(bin, args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20 });
  const m = /Summary: (\d+) resources? found in (\d+) files? - Valid: (\d+), Invalid: (\d+), Errors: (\d+), Skipped: (\d+)/.exec(r.stdout ?? '');
  const said = (r.stderr || r.stdout || '').trim().split('\n')[0];
  if (!m) return { skipped: `${bin} printed no summary (exit ${r.status})${said ? `: ${said}` : ''}` };
  const [found, , valid, invalid, errors, skipped] = m.slice(1).map(Number);
  const summary = { found, valid, invalid, errors, skipped };
  if (found !== docs || errors || skipped) {
    const first = r.stdout.split('\n').find((l) => / - .* (failed validation|is invalid)/.test(l)) ?? '';
    return { skipped: `${bin} did not validate all ${docs} documents (${m[0]})${first ? `: ${first}` : ''}` };
  }
  return { cmd: bin, args, version: version.stdout.trim(), summary };
}

if (!existsSync(join(ROOT, 'dist', 'cli.js'))) {
  console.error('bench: dist/cli.js is missing; run `npm run build` first');
  process.exit(2);
}

const sizes = quick ? [1, 100] : [1, 100, 2000, 20000];
const corpora = Object.fromEntries(sizes.map((n) => [n, { dir: join(CORPORA, `docs-${n}`), ...generateCorpus(join(CORPORA, `docs-${n}`), n) }]));
const nodeCmd = process.execPath;
const dl = (n) => ({ cmd: nodeCmd, args: [BIN, '--no-color', corpora[n].dir] });
const jsy = (n) => ({ cmd: nodeCmd, args: [join(HERE, 'jsyaml-baseline.mjs'), corpora[n].dir] });
const bare = { cmd: nodeCmd, args: ['-e', '0'] };

const results = { corpora: {}, ratios: {}, targets: TARGETS, mode: ci ? 'ci' : quick ? 'quick' : 'full' };
const log = (s) => process.stderr.write(s + '\n');

// R2: one small manifest against node's own start-up.
log(`bench: start-up (${RUNS * 2} rounds)…`);
{
  const [one, empty] = sideBySide([dl(1), bare], RUNS * 2);
  results.corpora[1] = { ...summarize(one), docs: 1, files: corpora[1].files, bytes: corpora[1].bytes };
  results.node = summarize(empty);
  results.ratios.R2 = ratio(one, empty);
}
for (const n of sizes.filter((s) => s > 1)) {
  const runs = n >= 20000 ? Math.min(RUNS, 3) : RUNS;
  log(`bench: ${n} documents (${runs} rounds)…`);
  const [a, b] = sideBySide([dl(n), jsy(n)], runs);
  const s = summarize(a);
  results.corpora[n] = { ...s, docs: n, files: corpora[n].files, bytes: corpora[n].bytes, docsPerSec: n / s.wall, jsyaml: summarize(b), ratio: ratio(a, b) };
}
// The agents workload (issue 14): 96% clean DaemonSets, 4% node-exporter-like agents that all claim host port 9100.
const agentSets = quick
  ? [{ docs: 2000, perFile: 2000 }]
  : [{ docs: 2000, perFile: 2000 }, { docs: 20000, perFile: 20000 }, { docs: 200000, perFile: 1000 }];
results.agents = {};
let kc;
for (const { docs, perFile } of agentSets) {
  const dir = join(CORPORA, `agents-${docs}`);
  const stats = generateAgents(dir, docs, { perFile });
  const runs = docs >= 200000 ? 1 : docs >= 20000 ? Math.min(RUNS, 3) : RUNS;
  log(`bench: agents, ${docs} documents in ${stats.files} file${stats.files === 1 ? '' : 's'} (${runs} rounds)…`);
  const commands = [
    { cmd: nodeCmd, args: [BIN, '--no-color', dir] },
    { cmd: nodeCmd, args: [join(HERE, 'jsyaml-baseline.mjs'), dir] },
  ];
  // Several files: also one thread only (--jobs 1), to show what the worker threads bring.
  const oneThread = stats.files > 1 ? commands.push({ cmd: nodeCmd, args: [BIN, '--no-color', '--jobs', '1', dir] }) - 1 : -1;
  // The 2,000-agent file: kubeconform in the same rounds (issue 14 compares CPU times on this file).
  if (docs === 2000) {
    kc = kubeconform(dir, docs);
    if (kc.skipped) results.kubeconformSkipped = kc.skipped;
  }
  const withKc = docs === 2000 && kc.cmd ? commands.push({ cmd: kc.cmd, args: kc.args }) - 1 : -1;
  const samples = sideBySide(commands, runs);
  const [a, b] = samples;
  const s = summarize(a);
  results.agents[docs] = { ...s, ...stats, jsyaml: summarize(b), ratio: ratio(a, b), cpuRatio: s.cpu / summarize(b).cpu, ...(oneThread > 0 ? { oneThread: summarize(samples[oneThread]) } : {}) };
  if (withKc > 0) {
    const k = samples[withKc];
    // Per round: kubeconform's CPU (or wall) time over daemonlint's, the two runs taken one after the other.
    const args = kc.args.map((x) => (x.startsWith(ROOT) ? x.slice(ROOT.length + 1) : x));
    results.kubeconform = { path: kc.cmd, version: kc.version, args, check: kc.summary, ...summarize(k), cpuRatio: ratio(k, a, 'cpu'), wallRatio: ratio(k, a) };
  }
}

// R1 is stated on 2,000 documents; quick runs state it on the largest small corpus (start-up weighs more there).
const r1Corpus = quick ? 100 : 2000;
results.ratios.R1 = results.corpora[r1Corpus].ratio;
results.ratios.R1corpus = r1Corpus;
log('bench: language-server re-lint…');
results.relint = relint();
results.ratios.R3 = results.relint.ms;
log('bench: schema validation share…');
results.schema = schemaShare(corpora[r1Corpus].dir);
results.ratios.schemaShare = results.schema.share;
if (!quick) {
  results.ratios.scaling = results.corpora[20000].wall / results.corpora[2000].wall;
  results.ratios.rss20k = results.corpora[20000].rss;
  results.ratios.agentsScaling = results.agents[20000].wall / results.agents[2000].wall;
  results.ratios.agentsRss20k = results.agents[20000].rss;
  results.ratios.agentsCores = results.agents[200000].cpu / results.agents[200000].wall;
}
results.ratios.agentsR1 = results.agents[2000].ratio;
results.machine = { nproc: availableParallelism(), cpu: cpus()[0]?.model ?? 'unknown', node: process.version, memGB: Math.round(totalmem() / 2 ** 30), date: new Date().toISOString().slice(0, 10) };

// Report.
const f = (x, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');
const rows = [['corpus', 'files', 'MB', 'wall s', 'cpu s', 'RSS MB', 'docs/s', 'js-yaml wall s', 'js-yaml cpu s', 'wall ratio', 'cpu ratio']];
for (const n of sizes) {
  const c = results.corpora[n];
  if (c.jsyaml) c.cpuRatio = c.cpu / c.jsyaml.cpu;
  rows.push([`${n} docs`, String(c.files), f(c.bytes / 1e6), f(c.wall), f(c.cpu), f(c.rss, 0), f(n / c.wall, 0), c.jsyaml ? f(c.jsyaml.wall) : '-', c.jsyaml ? f(c.jsyaml.cpu) : '-', c.ratio ? f(c.ratio) : '-', c.cpuRatio ? f(c.cpuRatio) : '-']);
}
results.corpora[1].cpuRatio = results.corpora[1].cpu / results.node.cpu;
rows.push(['node -e 0', '-', '-', f(results.node.wall), f(results.node.cpu), f(results.node.rss, 0), '-', '-', '-', '-', '-']);
for (const [n, c] of Object.entries(results.agents)) {
  rows.push([`agents ${n}`, String(c.files), f(c.bytes / 1e6), f(c.wall), f(c.cpu), f(c.rss, 0), f(Number(n) / c.wall, 0), f(c.jsyaml.wall), f(c.jsyaml.cpu), f(c.ratio), f(c.cpuRatio)]);
  if (c.oneThread) rows.push([`  --jobs 1`, String(c.files), f(c.bytes / 1e6), f(c.oneThread.wall), f(c.oneThread.cpu), f(c.oneThread.rss, 0), f(Number(n) / c.oneThread.wall, 0), '-', '-', '-', '-']);
  const k = n === '2000' && results.kubeconform;
  if (k) rows.push(['  kubeconform', String(c.files), f(c.bytes / 1e6), f(k.wall), f(k.cpu), f(k.rss, 0), f(Number(n) / k.wall, 0), '-', '-', '-', '-']);
}
const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
const table = rows.map((r) => r.map((c, i) => (i ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ')).join('\n');

const checks = [
  { id: 'R1', what: `daemonlint ÷ js-yaml loadAll, ${r1Corpus} docs`, value: results.ratios.R1, target: TARGETS.R1, unit: 'x' },
  { id: 'R2', what: 'daemonlint one small file ÷ node -e 0', value: results.ratios.R2, target: TARGETS.R2, unit: 'x' },
  { id: 'R3', what: `LSP re-lint, ${results.relint.lines}-line buffer`, value: results.ratios.R3, target: TARGETS.R3, unit: ' ms' },
  { id: 'schema', what: `schema share of linting, ${results.schema.docs} docs`, value: results.ratios.schemaShare, target: TARGETS.schemaShare, unit: '' },
];
checks.push({ id: 'A-R1', what: 'agents: daemonlint ÷ js-yaml, 2,000 docs', value: results.ratios.agentsR1, target: TARGETS.agentsR1, unit: 'x' });
// How many times daemonlint's CPU time kubeconform takes on the same file (higher is better for daemonlint).
if (results.kubeconform) {
  results.ratios.kubeconform = results.kubeconform.cpuRatio;
  // Reported, but not part of --ci's verdict: it is far from its target (a bare js-yaml parse of the file already takes
  // more than half of kubeconform's CPU time, see bench/README.md), and it needs a binary CI does not have.
  checks.push({ id: 'K', what: 'kubeconform CPU ÷ daemonlint CPU, 2,000 agents', value: results.ratios.kubeconform, target: TARGETS.kubeconform, unit: 'x', higherIsBetter: true, informational: true });
}
if (!quick) {
  checks.push({ id: 'RSS', what: 'peak RSS, 20,000 docs', value: results.ratios.rss20k, target: TARGETS.rss20k, unit: ' MB' });
  checks.push({ id: 'scale', what: 'wall 20,000 ÷ 2,000 docs', value: results.ratios.scaling, target: TARGETS.scaling, unit: 'x' });
  checks.push({ id: 'A-RSS', what: 'agents: peak RSS, 20,000 docs (one file)', value: results.ratios.agentsRss20k, target: TARGETS.agentsRss20k, unit: ' MB' });
  checks.push({ id: 'A-scl', what: 'agents: wall 20,000 ÷ 2,000 docs', value: results.ratios.agentsScaling, target: TARGETS.agentsScaling, unit: 'x' });
  // Both cores: CPU time over wall time of the 200-file run (1 would be one core; higher is better).
  checks.push({ id: 'A-2c', what: 'agents: 200,000 docs, CPU ÷ wall (cores used)', value: results.ratios.agentsCores, target: TARGETS.agentsCores, unit: 'x', higherIsBetter: true });
  const exit = results.agents[20000].status;
  checks.push({ id: 'A-ex', what: 'agents: exit code, 20,000 docs (1: findings)', value: exit, target: 1, unit: '', exact: true });
}
const within = (c, slack) => (c.exact ? c.value === c.target : c.higherIsBetter ? c.value * slack >= c.target : c.value <= c.target * slack);
for (const c of checks) c.status = within(c, 1) ? 'met' : within(c, CI_SLACK) ? 'missed (within the 50% CI slack)' : 'MISSED';
results.checks = checks;

console.log(`\n${table}\n`);
for (const c of checks) console.log(`${c.id.padEnd(5)} ${c.what.padEnd(48)} ${f(c.value)}${c.unit}  (target ${c.exact ? '=' : c.higherIsBetter ? '>=' : '<='} ${f(c.target)}${c.unit})  ${c.status}`);
if (kc?.skipped) console.log(`K     kubeconform comparison skipped: ${kc.skipped}`);
else if (results.kubeconform) console.log(`kubeconform ${results.kubeconform.version}: ${results.kubeconform.path} ${results.kubeconform.args.join(' ')}`);
console.log('(wall ratios are the targets; cpu ratios say the same without the noise of other processes on the machine)');
console.log(`\nmachine: ${results.machine.nproc} cores, ${results.machine.cpu}, Node ${results.machine.node}; medians of ${RUNS} rounds`);

// The same numbers as Markdown tables, for the README's performance section and bench/README.md.
{
  const n = (x, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');
  const mb = (b) => (b < 1e5 ? n(b / 1e6, 3) : n(b / 1e6, b < 1e7 ? 2 : 1));
  const md = [
    `Measured ${results.machine.date} (\`npm run bench\`${quick ? ' --quick' : ''}): ${results.machine.nproc} cores, ${results.machine.cpu}, ${results.machine.memGB} GB, Node ${results.machine.node}; medians of ${RUNS} rounds (3 for 20,000 documents, 1 for 200,000).`,
    '',
    '| corpus | files | MB | wall s | CPU s | peak RSS MB | js-yaml wall s | js-yaml CPU s | wall ratio | CPU ratio |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const k of sizes) {
    const c = results.corpora[k];
    md.push(`| ${k.toLocaleString('en')} document${k === 1 ? '' : 's'} | ${c.files.toLocaleString('en')} | ${mb(c.bytes)} | ${n(c.wall)} | ${n(c.cpu)} | ${n(c.rss, 0)} | ${c.jsyaml ? n(c.jsyaml.wall) : ''} | ${c.jsyaml ? n(c.jsyaml.cpu) : ''} | ${c.ratio ? n(c.ratio) : ''} | ${c.cpuRatio && c.jsyaml ? n(c.cpuRatio) : ''} |`);
  }
  md.push(`| \`node -e 0\` | | | ${n(results.node.wall)} | ${n(results.node.cpu)} | ${n(results.node.rss, 0)} | | | | |`);
  for (const [k, c] of Object.entries(results.agents)) {
    md.push(`| agents, ${Number(k).toLocaleString('en')} documents | ${c.files} | ${mb(c.bytes)} | ${n(c.wall)} | ${n(c.cpu)} | ${n(c.rss, 0)} | ${n(c.jsyaml.wall)} | ${n(c.jsyaml.cpu)} | ${n(c.ratio)} | ${n(c.cpuRatio)} |`);
    const kc = k === '2000' && results.kubeconform;
    if (kc) md.push(`| kubeconform ${kc.version} \`-strict\`, agents 2,000 documents | ${c.files} | ${mb(c.bytes)} | ${n(kc.wall)} | ${n(kc.cpu)} | ${n(kc.rss, 0)} | | | | |`);
    if (c.oneThread) md.push(`| agents, ${Number(k).toLocaleString('en')} documents, \`--jobs 1\` | ${c.files} | ${mb(c.bytes)} | ${n(c.oneThread.wall)} | ${n(c.oneThread.cpu)} | ${n(c.oneThread.rss, 0)} | | | | |`);
  }
  md.push('', '| check | value | target | |', '|---|---|---|---|');
  for (const c of checks) md.push(`| ${c.id}: ${c.what} | ${n(c.value)}${c.unit} | ${c.exact ? '=' : c.higherIsBetter ? '>=' : '<='} ${n(c.target)}${c.unit} | ${c.status} |`);
  mkdirSync(CORPORA, { recursive: true });
  writeFileSync(join(CORPORA, quick ? 'table-quick.md' : 'table.md'), md.join('\n') + '\n');
}

const outFile = quick ? join(CORPORA, 'results-quick.json') : join(HERE, 'results.json');
writeFileSync(outFile, JSON.stringify(results, null, 2) + '\n');
console.log(`written to ${outFile.slice(ROOT.length + 1)}`);

if (ci) {
  const bad = checks.filter((c) => !c.informational && !within(c, CI_SLACK));
  for (const c of bad) console.error(`bench: ${c.id} = ${f(c.value)}${c.unit} is worse than its target ${c.target}${c.unit} by more than ${Math.round((CI_SLACK - 1) * 100)}%`);
  process.exitCode = bad.length ? 1 : 0;
}
