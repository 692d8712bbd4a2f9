import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import { CORPUS_ROOT, validateSarif } from './helpers/sarif.js';
import { loadFile } from '../src/load/files.js';

const CORPUS = join(CORPUS_ROOT, 'real');

describe('the real-manifest corpus', () => {
  it('lints every file as valid SARIF with every region on a real line', () => {
    const r = runCli(['--format', 'sarif', CORPUS]);
    expect(r.stderr).toBe('');
    expect([0, 1]).toContain(r.code);
    const log = JSON.parse(r.stdout);
    expect(validateSarif(log)).toEqual([]);
    const lines = new Map<string, number>();
    for (const name of readdirSync(CORPUS)) if (/\.ya?ml$/.test(name)) lines.set(name, loadFile(join(CORPUS, name), CORPUS).lineCount);
    const results = log.runs[0].results as { locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number; endLine: number; startColumn: number } } }[] }[];
    expect(results.length).toBeGreaterThan(50);
    for (const res of results) {
      const loc = res.locations[0]!.physicalLocation;
      const name = decodeURIComponent(loc.artifactLocation.uri.split('/').pop()!);
      const count = lines.get(name);
      expect(count, name).toBeDefined();
      expect(loc.region.startLine).toBeGreaterThanOrEqual(1);
      expect(loc.region.endLine).toBeLessThanOrEqual(count!);
      expect(loc.region.startColumn).toBeGreaterThanOrEqual(1);
    }
  });

  it('finds the objects of every file and no internal error', () => {
    const r = runCli(['--format', 'json', CORPUS]);
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout);
    expect(out.summary.files).toBe(127);
    expect(out.summary.objects).toBeGreaterThan(170);
  });
});
