import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allRules } from '../rules/index.js';
import { ROOT } from './helpers/cli.js';

describe('rule metadata', () => {
  it('rules/index.ts is current', async () => {
    const { ruleIndexSource } = await import('../scripts/gen-rule-index.mjs');
    expect(readFileSync(join(ROOT, 'rules/index.ts'), 'utf8')).toBe(ruleIndexSource());
  });

  it('the README rule table is current', () => {
    execFileSync(process.execPath, [join(ROOT, 'scripts/gen-readme-rules.mjs'), '--check'], { cwd: ROOT, stdio: 'pipe' });
  });

  it('every rule has complete, unique metadata', () => {
    const ids = new Set<string>();
    for (const r of allRules) {
      const m = r.meta;
      expect(ids.has(m.id), m.id).toBe(false);
      ids.add(m.id);
      expect(m.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(['error', 'warning', 'info']).toContain(m.severity);
      for (const field of ['description', 'rationale', 'remediation', 'docs'] as const) expect(m[field].length, `${m.id}.${field}`).toBeGreaterThan(20);
      expect(m.docs, `${m.id} docs show YAML examples`).toContain('```yaml');
      expect(r.check || r.checkFile, m.id).toBeTruthy();
      if (m.securitySeverity !== undefined) expect(m.securitySeverity).toBeGreaterThanOrEqual(0);
    }
    expect([...ids]).toEqual([...ids].sort());
  });
});
