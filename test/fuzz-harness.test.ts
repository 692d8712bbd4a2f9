/**
 * The reliability fuzz harness (issue 20): raw bytes through the decoder, every column checked against its line, every
 * report inert, `--fix` round trips, configs, baselines, the language server, and many files at once for the
 * cross-resource rules; plus the time and memory budgets of each (checked by the harness, in `npm run fuzz`).
 *
 * `npm test` runs it with fixed seeds and few runs. `npm run fuzz` (scripts/fuzz.mjs) runs it with many runs, a fresh
 * seed (DAEMONLINT_FUZZ_RUNS, DAEMONLINT_FUZZ_SEED) and DAEMONLINT_FUZZ_BUDGETS=1: every input must then finish within
 * its time budget, the heap stay bounded, and the scale cases (200 fixes in one file, a config with 80,000 keys, 2,000
 * files in one run) meet their budgets.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { Parser } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import {
  CodeActionRequest,
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  InitializeRequest,
  InitializedNotification,
  PublishDiagnosticsNotification,
  ShutdownRequest,
  createProtocolConnection,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';
import { allRules } from '../rules/index.js';
import { ConfigError, clearConfigCache, loadConfigFile } from '../src/config/index.js';
import { BaselineError, applyBaseline, baselineText, readBaseline } from '../src/engine/baseline.js';
import { lintAsync } from '../src/engine/lint.js';
import { applyFixesDetailed } from '../src/fix/apply.js';
import { fixTargets } from '../src/fix/run.js';
import { fromBuffer } from '../src/load/files.js';
import { decodeJson, isJsonInput } from '../src/load/json.js';
import { parseSource } from '../src/load/parse.js';
import { formatGithub } from '../src/report/github.js';
import { formatText } from '../src/report/text.js';
import type { Finding, SourceFile } from '../src/types.js';
import { BIN } from './helpers/cli.js';
import { STYLES, configText, corpusFiles, crossResourceFiles, fixableManifest, mutateFile } from './fuzz-mutations.js';

const RUNS = Number(process.env.DAEMONLINT_FUZZ_RUNS) || 0;
const SEED = Number(process.env.DAEMONLINT_FUZZ_SEED) || 20260901;
const BUDGETS = process.env.DAEMONLINT_FUZZ_BUDGETS === '1';
const params = (ciRuns: number, fuzzRuns = RUNS): fc.Parameters<unknown> => ({ seed: SEED, numRuns: RUNS ? fuzzRuns : ciRuns, endOnFailure: true });

const corpus = corpusFiles();
const dirs: string[] = [];
const slowest = new Map<string, { ms: number; what: string }>();
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  if (RUNS || BUDGETS) for (const [area, s] of slowest) process.stdout.write(`fuzz budget ${area}: slowest ${s.ms.toFixed(0)} ms (${s.what})\n`);
});
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'daemonlint-harness-'));
  dirs.push(d);
  return d;
}

/**
 * Time `fn`; in budget mode the time must stay under `limitMs`. The budgets are generous multiples of what the work
 * costs on an idle machine: they catch hangs and quadratic loops, not small slowdowns.
 */
async function timed<T>(area: string, what: string, limitMs: number, fn: () => T | Promise<T>): Promise<T> {
  const start = performance.now();
  const out = await fn();
  const ms = performance.now() - start;
  const s = slowest.get(area);
  if (!s || ms > s.ms) slowest.set(area, { ms, what });
  if (BUDGETS) expect(ms, `${area}: ${what} took ${ms.toFixed(0)} ms, over the ${limitMs} ms budget`).toBeLessThan(limitMs);
  return out;
}

/** Budget for work on `bytes` of input: a fixed part plus a linear part (2 s per MB). */
const linear = (bytes: number, base = 2000) => base + (bytes / 1048576) * 2000;

function heapBudget(what: string, mb: number): void {
  if (!BUDGETS) return;
  globalThis.gc?.();
  const used = process.memoryUsage().heapUsed / 1048576;
  expect(used, `${what}: heap ${used.toFixed(0)} MB`).toBeLessThan(mb);
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

/** Every finding (and related location in the same file) lies on a line of its file, its columns inside that line. */
function expectOnTheLines(file: SourceFile, findings: readonly Finding[], where: string, text = file.text): void {
  const lines = text.split(/\r\n|\r|\n/);
  const check = (line: number, column: number, endLine: number | undefined, endColumn: number | undefined, what: string) => {
    expect(line, what).toBeGreaterThanOrEqual(1);
    expect(line, what).toBeLessThanOrEqual(Math.max(1, file.lineCount));
    expect(column, what).toBeGreaterThanOrEqual(1);
    expect(column, what).toBeLessThanOrEqual((lines[line - 1] ?? '').length + 1);
    if (endLine !== undefined && endColumn !== undefined) {
      expect(endLine, what).toBeGreaterThanOrEqual(line);
      expect(endLine, what).toBeLessThanOrEqual(Math.max(1, file.lineCount));
      expect(endColumn, what).toBeLessThanOrEqual((lines[endLine - 1] ?? '').length + 1);
    }
  };
  for (const f of findings) {
    if (f.file !== file.path) continue;
    check(f.line, f.column, f.endLine, f.endColumn, `${f.ruleId} in ${where}`);
    for (const r of f.related ?? []) if (r.file === file.path) check(r.line, r.column, r.endLine, r.endColumn, `related of ${f.ruleId} in ${where}`);
  }
}

/** The text and GitHub reports hold no control character, and the text report no line a CI runner would obey. */
function expectInertReports(findings: readonly Finding[], where: string): void {
  const text = formatText(findings, { files: 1, objects: 1, color: false });
  expect(text, where).not.toMatch(CONTROL);
  for (const l of text.split('\n')) expect(l.startsWith('::'), `${where}: ${l}`).toBe(false);
  const gh = formatGithub(findings);
  expect(gh, where).not.toMatch(CONTROL);
  expect(gh.split('\n').filter(Boolean)).toHaveLength(findings.length);
}

async function lintOne(file: SourceFile) {
  const r = await lintAsync([file], { rules: allRules });
  expect(r.internalErrors.map((e) => `${e.ruleId}: ${(e.error as Error)?.stack ?? e.error}`)).toEqual([]);
  return r;
}

describe('raw bytes through the decoder', () => {
  /** Bytes: random, or a corpus file with bytes flipped, cut, or spliced with control and multi-byte characters. */
  const bytes = fc.oneof(
    fc.uint8Array({ maxLength: 3000 }).map((b) => Buffer.from(b)),
    fc.record({ i: fc.nat({ max: corpus.length - 1 }), flips: fc.array(fc.record({ at: fc.nat(), b: fc.integer({ min: 0, max: 255 }) }), { maxLength: 8 }), cut: fc.option(fc.nat()) }).map(({ i, flips, cut }) => {
      const b = Buffer.from(corpus[i]!.text, 'utf8');
      for (const f of flips) b[f.at % b.length] = f.b;
      return cut === null ? b : b.subarray(0, cut % (b.length + 1));
    }),
    fc.array(fc.constantFrom('apiVersion: v1\n', 'kind: Pod\n', '{"a": ', '}', '\r', '\r\n', '\u2028', '\u001b[2J', '::error::x', '\ufeff', 'é', '\ud83d\ude00', '# c\n', '  - ', ': ', '{{ .x }}'), { maxLength: 40 }).map((xs) => Buffer.from(xs.join(''), 'utf8')),
  );
  it('never throw, put every finding on its line, and print inert reports', async () => {
    await fc.assert(
      fc.asyncProperty(bytes, fc.constantFrom('x.yaml', 'x.json'), async (buf, name) => {
        await timed('decode+lint', `${buf.length} bytes as ${name}`, linear(buf.length), async () => {
          const file = fromBuffer(buf, name);
          const { findings, suppressed } = await lintOne(file);
          const where = `${name}: ${JSON.stringify(buf.toString('latin1').slice(0, 200))}`;
          // A file that is not UTF-8 text has no text: its one finding is placed on the bytes, decoded leniently.
          const text = file.text || new TextDecoder().decode(buf).replace(/^\ufeff/, '');
          expectOnTheLines(file, [...findings, ...suppressed], where, text);
          expectInertReports(findings, where);
        });
      }),
      params(300, RUNS * 2),
    );
  });
});

/** Every comment of a YAML text (from the CST: `#` inside scalars is not one), as a multiset. */
function comments(text: string): Map<string, number> {
  const out = new Map<string, number>();
  const stack: unknown[] = [...new Parser().parse(text)];
  while (stack.length) {
    const v = stack.pop();
    if (!v || typeof v !== 'object') continue;
    if (Array.isArray(v)) stack.push(...v);
    else {
      const t = v as { type?: string; source?: string };
      if (t.type === 'comment' && typeof t.source === 'string') out.set(t.source, (out.get(t.source) ?? 0) + 1);
      for (const x of Object.values(v)) if (x && typeof x === 'object') stack.push(x);
    }
  }
  return out;
}

const findingKey = (f: Finding) => JSON.stringify([f.ruleId, f.docIndex, f.path, f.message]);

describe('--fix round trips', () => {
  const inputs = fc.oneof(
    { weight: 3, arbitrary: fc.record({ seed: fc.nat(), style: fc.constantFrom(...STYLES) }).map(({ seed, style }) => fixableManifest(seed, style)) },
    { weight: 1, arbitrary: fc.record({ i: fc.nat({ max: corpus.length - 1 }), way: fc.nat({ max: 9 }), seed: fc.nat() }).map(({ i, way, seed }) => ({ name: corpus[i]!.name, text: mutateFile(corpus[i]!.text, way, seed) })) },
  );
  it('the fixed file re-parses, keeps every comment, and re-linting shows the fixed findings gone', async () => {
    let fixed = 0;
    await fc.assert(
      fc.asyncProperty(inputs, async ({ name, text }) => {
        const where = `${name}: ${JSON.stringify(text.slice(0, 300))}`;
        const file = parseSource({ path: name, text });
        const before = await lintOne(file);
        const targets = fixTargets(before.findings);
        const r = await timed('fix', `${targets.length} fixes in ${text.length} chars`, linear(text.length), () => applyFixesDetailed(file.text, targets, { json: isJsonInput(name, file.text) }));
        if (!r.applied.length) {
          expect(r.text, where).toBe(file.text);
          return;
        }
        fixed++;
        const after = parseSource({ path: name, text: r.text });
        expect(after.problems.filter((p) => p.ruleId === 'yaml-syntax').length, where).toBeLessThanOrEqual(file.problems.filter((p) => p.ruleId === 'yaml-syntax').length);
        expect(after.manifests.length, where).toBe(file.manifests.length);
        if (isJsonInput(name, file.text)) expect('error' in decodeJson(r.text), where).toBe(false);
        else for (const [c, n] of comments(file.text)) expect(comments(r.text).get(c) ?? 0, `comment ${c} in ${where}`).toBeGreaterThanOrEqual(n);
        // Line breaks: a CRLF file stays CRLF.
        if (/\r\n/.test(file.text) && !/(^|[^\r])\n/.test(file.text)) expect(r.text, where).not.toMatch(/(^|[^\r])\n/);
        const relinted = await lintOne(after);
        const remaining = new Set(relinted.findings.map(findingKey));
        const appliedFixes = new Set(r.applied.map((t) => t.fix));
        for (const f of before.findings) if (f.fix && appliedFixes.has(f.fix)) expect(remaining.has(findingKey(f)), `${f.ruleId} ${f.path} still there in ${where}`).toBe(false);
        expectOnTheLines(after, relinted.findings, where);
        // What --fix may never do: switch on host networking through a rename.
        if (!/hostNetwork/.test(file.text)) expect(r.text).not.toMatch(/hostNetwork/);
      }),
      params(150),
    );
    expect(fixed).toBeGreaterThan(RUNS ? RUNS / 10 : 30);
  });
});

describe('configs', () => {
  it('a broken, hostile or huge config is one ConfigError line, never a crash, a hang or a quote of a foreign file', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'base.yaml'), 'rules: {host-pid: off}\n');
    spawnSync('mkfifo', [join(dir, 'fifo.yaml')]);
    await fc.assert(
      fc.asyncProperty(fc.nat(), async (seed) => {
        const text = configText(seed);
        writeFileSync(join(dir, '.daemonlint.yaml'), text);
        clearConfigCache();
        await timed('config', `${text.length} chars`, linear(text.length), () => {
          try {
            loadConfigFile(join(dir, '.daemonlint.yaml'), allRules);
          } catch (err) {
            expect(err, text).toBeInstanceOf(ConfigError);
            const m = (err as Error).message;
            expect(m, text).not.toMatch(/\n/);
            expect(m).not.toMatch(/root:|\/bin\/(?:ba)?sh/); // nothing of /etc/passwd
          }
        });
      }),
      params(100),
    );
  });
});

describe('baselines', () => {
  it('any file named as a baseline is read or refused in one line; a written baseline matches its own findings', async () => {
    const dir = tempDir();
    const file = parseSource({ path: 'a.yaml', text: corpus[0]!.text });
    const { findings } = await lintOne(file);
    const good = baselineText(findings, dir, 'b.json');
    const variants = fc.oneof(
      fc.constant(good),
      fc.record({ cut: fc.nat(), at: fc.nat(), ins: fc.constantFrom('', '"', '{', ']', ',', 'null', '"version": 2,', '\u0000', 'root:x:0:0') }).map(({ cut, at, ins }) => {
        const s = good.slice(0, good.length - (cut % 50));
        const i = at % (s.length + 1);
        return s.slice(0, i) + ins + s.slice(i);
      }),
      fc.string({ maxLength: 300 }),
    );
    await fc.assert(
      fc.asyncProperty(variants, async (text) => {
        writeFileSync(join(dir, 'b.json'), text);
        await timed('baseline', `${text.length} chars`, linear(text.length), () => {
          try {
            const b = readBaseline('b.json', dir);
            const split = applyBaseline(findings, b, dir, 'b.json');
            expect(split.findings.length + split.suppressed.length).toBe(findings.length);
            if (text === good) expect(split.findings).toEqual([]);
          } catch (err) {
            expect(err, text).toBeInstanceOf(BaselineError);
            expect((err as Error).message).not.toMatch(/\n|root:x/);
          }
        });
      }),
      params(100),
    );
  });
});

/** Findings plus related locations per rule for `n` generated files. */
async function outputPerRule(n: number): Promise<{ files: SourceFile[]; findings: Finding[]; size: Map<string, number> }> {
  const files = crossResourceFiles(n, SEED).map((f) => parseSource({ path: f.name, text: f.text }));
  const r = await timed('many files', `${n} files`, 60_000, () => lintAsync(files, { rules: allRules }));
  expect(r.internalErrors).toEqual([]);
  const size = new Map<string, number>();
  for (const f of r.findings) size.set(f.ruleId, (size.get(f.ruleId) ?? 0) + 1 + (f.related?.length ?? 0));
  return { files, findings: r.findings, size };
}

describe('many files with the cross-resource rules', () => {
  const n = RUNS ? 1000 : 300;

  it('every finding on its line; the output of every rule linear in the input (twice the files, at most about twice the output); within budget', async () => {
    const small = await outputPerRule(n);
    const big = await outputPerRule(2 * n);
    for (const f of big.files) expectOnTheLines(f, big.findings, f.path);
    // The rules that used to grow with the pairs (every colliding pair, every selected workload) have output to measure.
    for (const rule of ['host-port-conflict', 'service-target-port', 'overlapping-selectors']) expect(small.size.get(rule), rule).toBeGreaterThan(10);
    for (const [rule, count] of big.size) {
      expect(count, `${rule}: ${small.size.get(rule) ?? 0} → ${count}`).toBeLessThanOrEqual(2.6 * (small.size.get(rule) ?? 0) + 20);
    }
    heapBudget(`${2 * n} files`, 1024);
  }, 300_000);
});

describe('the language server', () => {
  it('answers every version of random documents with diagnostics on their lines, and shuts down', async () => {
    const root = tempDir();
    const child = spawn(process.execPath, [BIN, 'lsp', '--stdio'], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
    const conn = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
    const latest = new Map<string, PublishDiagnosticsParams>();
    const texts = new Map<string, string>(); // `${uri} ${version}` → the text of that version
    const waiters: (() => void)[] = [];
    const problems: string[] = [];
    conn.onNotification(PublishDiagnosticsNotification.type, (p) => {
      latest.set(p.uri, p);
      // Every versioned publication is checked against the text of its version.
      const text = p.version === undefined ? undefined : texts.get(`${p.uri} ${p.version}`);
      if (text !== undefined) {
        const ls = text.split(/\r\n|\r|\n/);
        for (const dg of p.diagnostics) {
          const message = typeof dg.message === 'string' ? dg.message : dg.message.value;
          const bad =
            CONTROL.test(message) ||
            dg.range.start.line >= ls.length ||
            dg.range.end.line >= ls.length ||
            dg.range.start.character > ls[dg.range.start.line]!.length ||
            dg.range.end.character > ls[dg.range.end.line]!.length;
          if (bad) problems.push(`${p.uri} v${p.version}: ${JSON.stringify(dg.range)} ${message.slice(0, 80)}`);
        }
      }
      for (const w of waiters.splice(0)) w();
    });
    conn.onNotification('window/logMessage', () => undefined);
    conn.onRequest('client/registerCapability', () => null);
    conn.listen();
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await conn.sendRequest(InitializeRequest.type, { processId: process.pid, rootUri: pathToFileURL(root).href, workspaceFolders: [{ uri: pathToFileURL(root).href, name: 'ws' }], capabilities: {} });
      await conn.sendNotification(InitializedNotification.type, {});
      const docs = fc.sample(
        fc.oneof(
          fc.record({ seed: fc.nat(), style: fc.constantFrom(...STYLES) }).map(({ seed, style }) => fixableManifest(seed, style)),
          fc.record({ i: fc.nat({ max: corpus.length - 1 }), way: fc.nat({ max: 9 }), seed: fc.nat() }).map(({ i, way, seed }) => ({ name: corpus[i]!.name, text: mutateFile(corpus[i]!.text, way, seed) })),
        ),
        { seed: SEED, numRuns: RUNS ? Math.min(RUNS, 200) : 8 },
      );
      for (const [i, d] of docs.entries()) {
        const uri = pathToFileURL(join(root, `d${i}-${d.name}`)).href;
        /**
         * The server publishes a version it linted; a document it finds is not a manifest gets no diagnostics at all.
         * So: wait a little for the version, and either way the server must answer a request at once.
         */
        const settle = (version: number) =>
          timed('language server', `${d.name} v${version}`, 10_000, async () => {
            const until = Date.now() + 2000;
            while (latest.get(uri)?.version !== version && Date.now() < until) {
              await new Promise<void>((resolve) => {
                const t = setTimeout(resolve, until - Date.now());
                waiters.push(() => (clearTimeout(t), resolve()));
              });
            }
            const actions = await conn.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, context: { diagnostics: [] } });
            expect(Array.isArray(actions)).toBe(true);
          });
        texts.set(`${uri} 1`, d.text);
        await conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: d.name.endsWith('.json') ? 'json' : 'yaml', version: 1, text: d.text } });
        await settle(1);
        // An edit that breaks it somewhere.
        const edited = mutateFile(d.text, i % 10, SEED + i);
        texts.set(`${uri} 2`, edited);
        await conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version: 2 }, contentChanges: [{ text: edited }] });
        await settle(2);
      }
      expect(problems).toEqual([]);
      expect([...latest.values()].filter((p) => p.version !== undefined).length).toBeGreaterThan(docs.length / 3);
      await conn.sendRequest(ShutdownRequest.type);
      await conn.sendNotification(ExitNotification.type);
      expect(await exited).toBe(0);
    } finally {
      conn.dispose();
      if (child.exitCode === null) child.kill();
    }
  }, 300_000);
});

describe.runIf(BUDGETS)('scale budgets', () => {
  it('200 fixes in a 54 KB file: well under a second', async () => {
    const one = (i: number) => `apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: a-${i}\nspec:\n  selector:\n    matchLabels: {app: a-${i}}\n  template:\n    metadata:\n      labels: {app: a-${i}}\n    spec:\n      hostNetwork: true\n      containers:\n        - name: a\n          image: a:1\n`;
    const text = Array.from({ length: 200 }, (_, i) => one(i)).join('---\n');
    expect(text.length).toBeGreaterThan(50_000);
    const file = parseSource({ path: 'many.yaml', text });
    const { findings } = await lintOne(file);
    const targets = fixTargets(findings);
    expect(targets.length).toBeGreaterThanOrEqual(200);
    const r = await timed('scale', '200 fixes in 54 KB', 1000, () => applyFixesDetailed(text, targets));
    expect(r.applied.length).toBe(targets.length);
  });

  it('a config with 80,000 keys: seconds, not minutes', async () => {
    const dir = tempDir();
    const body = Array.from({ length: 80_000 }, (_, i) => `  - {files: [d${i}/], rules: {host-pid: off}}\n`).join('');
    writeFileSync(join(dir, '.daemonlint.yaml'), `overrides:\n${body}`);
    clearConfigCache();
    await timed('scale', 'config with 80,000 overrides', 20_000, () => loadConfigFile(join(dir, '.daemonlint.yaml'), allRules).severity('host-pid', join(dir, 'd7/x.yaml')));
  }, 60_000);
});
