// The committed schemas and compiled validators must be exactly what the generator produces today.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { KUBE_VERSION } from '../scripts/gen-schemas.mjs';

const root = join(import.meta.dirname, '..');
const committed = join(root, 'schemas', 'k8s', KUBE_VERSION);

describe('generated schemas', () => {
  it('are current: regenerating into a temp dir gives the committed files byte for byte', () => {
    const out = mkdtempSync(join(tmpdir(), 'daemonlint-schemas-'));
    try {
      // Run the script as a contributor would, so its default input (schemas/openapi/<version>) is exercised too.
      execFileSync(process.execPath, [join(root, 'scripts', 'gen-schemas.mjs'), '--out', out], { cwd: root, stdio: 'pipe' });
      const fresh = readdirSync(out).sort();
      expect(readdirSync(committed).sort(), 'file list (run `node scripts/gen-schemas.mjs`)').toEqual(fresh);
      const stale = fresh.filter((f) => readFileSync(join(out, f), 'utf8') !== readFileSync(join(committed, f), 'utf8'));
      expect(stale, 'stale generated files (run `node scripts/gen-schemas.mjs`)').toEqual([]);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 120_000);

  it('stay reasonably small', () => {
    const bytes = readdirSync(committed).reduce((n, f) => n + readFileSync(join(committed, f)).length, 0);
    expect(bytes).toBeLessThan(15_000_000);
  });

  it('compile without the ajv runtime and split validators by API group', () => {
    const index = readFileSync(join(committed, 'index.js'), 'utf8');
    for (const f of readdirSync(committed).filter((f) => f.endsWith('.validate.js'))) {
      const code = readFileSync(join(committed, f), 'utf8');
      expect(code, f).not.toMatch(/\brequire\(|from ['"]ajv/);
      expect(index, `${f} is loaded through a static dynamic import`).toContain(`import('./${f}')`);
    }
  });
});
