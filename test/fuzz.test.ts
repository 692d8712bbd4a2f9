/**
 * Property-based fuzzing (issue 8): whatever the input, the loader and every rule finish without throwing, every
 * finding points at a line of its file, and the text, JSON, GitHub and SARIF reports are produced (SARIF validated
 * against the OASIS schema). In-process for speed, plus the corpus mutated ten ways through the real CLI.
 *
 * Bounded for CI: a fixed seed and a few hundred runs. `npm run fuzz` (scripts/fuzz.mjs) runs the same properties
 * longer with a random seed via DAEMONLINT_FUZZ_RUNS and DAEMONLINT_FUZZ_SEED.
 */
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { allRules } from '../rules/index.js';
import { lintAsync } from '../src/engine/lint.js';
import { loadFile } from '../src/load/files.js';
import { parseSource } from '../src/load/parse.js';
import { formatGithub } from '../src/report/github.js';
import { formatJson } from '../src/report/json.js';
import { formatSarif } from '../src/report/sarif.js';
import { formatText } from '../src/report/text.js';
import type { Finding, SourceFile } from '../src/types.js';
import { BIN } from './helpers/cli.js';
import { validateSarif } from './helpers/sarif.js';
import { corpusFiles, mutateFile, mutatedManifest, yamlishText } from './fuzz-mutations.js';

const RUNS = Number(process.env.DAEMONLINT_FUZZ_RUNS) || 0;
const SEED = Number(process.env.DAEMONLINT_FUZZ_SEED) || 20260815;
const params = (ciRuns: number): fc.Parameters<unknown> => ({ seed: SEED, numRuns: RUNS || ciRuns, endOnFailure: true });

const execFileAsync = promisify(execFile);
const corpus = corpusFiles();
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function expectInside(f: { line: number; column: number; endLine?: number }, file: SourceFile, what: string): void {
  expect(f.line, what).toBeGreaterThanOrEqual(1);
  expect(f.column, what).toBeGreaterThanOrEqual(1);
  expect(f.line, what).toBeLessThanOrEqual(file.lineCount);
  if (f.endLine !== undefined) expect(f.endLine, what).toBeLessThanOrEqual(file.lineCount);
}

/** Lint one text in-process and check every invariant. */
async function lintChecked(name: string, text: string): Promise<void> {
  const file = parseSource({ path: name, text });
  const { findings, suppressed, internalErrors } = await lintAsync([file], { rules: allRules });
  const where = `${name}: ${JSON.stringify(text.slice(0, 300))}`;
  expect(internalErrors.map((e) => `${e.ruleId}: ${(e.error as Error)?.stack ?? e.error}`), where).toEqual([]);
  const all: Finding[] = [...findings, ...suppressed];
  for (const f of all) {
    expectInside(f, file, `${f.ruleId} in ${where}`);
    for (const r of f.related ?? []) expectInside(r, file, `related of ${f.ruleId} in ${where}`);
  }
  const ctx = { files: 1, objects: file.manifests.length, suppressed, color: false };
  expect(typeof formatText(findings, ctx)).toBe('string');
  expect(typeof formatGithub(findings)).toBe('string');
  expect(JSON.parse(formatJson(findings, ctx)).findings).toHaveLength(findings.length);
  const sarif = JSON.parse(formatSarif(findings, { rules: allRules, cwd: '/work/project', suppressed }));
  expect(validateSarif(sarif), where).toEqual([]);
}

describe('fuzzing the loader, the rules and the reporters', () => {
  it('random YAML-shaped text and arbitrary unicode never break them', async () => {
    await fc.assert(fc.asyncProperty(yamlishText, (text) => lintChecked('random.yaml', text)), params(400));
  });

  it('structured and textual mutations of real manifests never break them', async () => {
    await fc.assert(fc.asyncProperty(mutatedManifest(corpus), (m) => lintChecked(`${m.name}#${m.way}@${m.seed}`, m.text)), params(150));
  });

  it('a few random inputs through the CLI: exit 0 or 1, nothing on stderr, valid SARIF', () => {
    const dir = mkdtempSync(join(tmpdir(), 'daemonlint-fuzz-cli-'));
    dirs.push(dir);
    const samples = fc.sample(fc.oneof(yamlishText, mutatedManifest(corpus).map((m) => m.text)), { seed: SEED, numRuns: 20 });
    samples.forEach((text, i) => writeFileSync(join(dir, `s${i}.yaml`), text));
    const r = spawnSync(process.execPath, [BIN, '--no-config', '-f', 'sarif', '.'], { cwd: dir, encoding: 'utf8', timeout: 120_000, maxBuffer: 256 << 20 });
    expect(r.error).toBeUndefined();
    expect(r.stderr).toBe('');
    expect([0, 1]).toContain(r.status);
    expect(validateSarif(JSON.parse(r.stdout))).toEqual([]);
  });
});

describe('the whole corpus mutated ten ways, through the CLI', () => {
  it('no crash, no hang, valid SARIF, every region on a line of its file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'daemonlint-fuzz-corpus-'));
    dirs.push(dir);
    for (let way = 0; way < 10; way++) {
      mkdirSync(join(dir, `w${way}`));
      corpus.forEach((f, i) => writeFileSync(join(dir, `w${way}`, f.name), mutateFile(f.text, way, SEED + i)));
    }
    // One CLI run per way, in parallel; the child's timeout is the hang guard.
    const runs = await Promise.all(
      Array.from({ length: 10 }, (_, way) =>
        execFileAsync(process.execPath, [BIN, '--no-config', '-f', 'sarif', '.'], { cwd: join(dir, `w${way}`), encoding: 'utf8', timeout: 180_000, maxBuffer: 1 << 30 }).then(
          (r) => ({ way, code: 0, ...r }),
          (e: { code?: number; killed?: boolean; stdout: string; stderr: string }) => ({ way, code: e.killed ? -1 : (e.code ?? -1), stdout: e.stdout, stderr: e.stderr }),
        ),
      ),
    );
    let total = 0;
    for (const r of runs) {
      const sub = join(dir, `w${r.way}`);
      expect(r.stderr, `way ${r.way}`).toBe('');
      expect([0, 1], `way ${r.way}`).toContain(r.code);
      const log = JSON.parse(r.stdout);
      expect(validateSarif(log), `way ${r.way}`).toEqual([]);
      const lineCounts = new Map<string, number>();
      const results = log.runs[0].results as { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number; endLine: number; startColumn: number } } }[] }[];
      total += results.length;
      for (const res of results) {
        const loc = res.locations[0]!.physicalLocation;
        const name = decodeURIComponent(loc.artifactLocation.uri);
        if (!lineCounts.has(name)) lineCounts.set(name, loadFile(join(sub, name), sub).lineCount);
        const what = `${res.ruleId} in w${r.way}/${name}`;
        expect(loc.region.startLine, what).toBeGreaterThanOrEqual(1);
        expect(loc.region.startColumn, what).toBeGreaterThanOrEqual(1);
        expect(loc.region.endLine, what).toBeLessThanOrEqual(lineCounts.get(name)!);
      }
    }
    expect(total).toBeGreaterThan(1000);
  }, 240_000); // generous: the child processes' own timeouts are the hang guard
});
