/**
 * The Kubernetes documentation's ValidatingAdmissionPolicy examples (test/fixtures/admission-docs, see SOURCES): every
 * object must get the verdict the page documents, with the API server's message.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allRules } from '../rules/index.js';
import { lintAsync } from '../src/engine/lint.js';
import { parseSource } from '../src/load/parse.js';
import { FIXTURES } from './helpers/fixtures.js';

const DIR = join(FIXTURES, 'admission-docs');

describe('ValidatingAdmissionPolicy examples of the Kubernetes documentation', () => {
  for (const name of readdirSync(DIR).filter((n) => n !== 'SOURCES').sort()) {
    it(`${name}: the documented verdicts`, async () => {
      const files = readdirSync(join(DIR, name))
        .sort()
        .map((f) => parseSource({ path: `${name}/${f}`, text: readFileSync(join(DIR, name, f), 'utf8') }));
      const { findings, internalErrors } = await lintAsync(files, { rules: allRules.filter((r) => r.meta.id === 'admission-policy') });
      expect(internalErrors).toEqual([]);
      let checked = 0;
      for (const file of files) {
        const docs = file.text.split(/^---$/m);
        for (const m of file.manifests) {
          const verdict = /^# verdict: (allow|deny)(?: (.*))?$/m.exec(docs[m.docIndex] ?? '');
          if (!verdict) continue;
          checked++;
          const denials = findings.filter((f) => f.file === file.path && f.docIndex === m.docIndex && f.severity === 'error');
          const who = `${m.ref.kind} ${m.ref.name}`;
          if (verdict[1] === 'allow') {
            expect(denials.map((f) => f.message), `${who} is allowed`).toEqual([]);
          } else {
            expect(denials, `${who} is denied`).toHaveLength(1);
            expect(denials[0]!.message, who).toContain(`denied request: ${verdict[2]}`);
          }
        }
      }
      expect(checked).toBeGreaterThan(1);
      // Nothing is left undecided: every binding's namespaces and parameters are among the files.
      expect(findings.filter((f) => f.severity === 'info').map((f) => f.message)).toEqual([]);
    });
  }

  it('quotes the API server: policy, binding, and the failed expression; points at the field it reads', async () => {
    const files = ['policy.yaml', 'deployments.yaml'].map((f) => parseSource({ path: f, text: readFileSync(join(DIR, 'basic', f), 'utf8') }));
    const { findings } = await lintAsync(files, { rules: allRules.filter((r) => r.meta.id === 'admission-policy') });
    expect(findings).toHaveLength(1);
    const f = findings[0]!;
    expect(f.message).toBe(
      "Deployment test/web would be rejected: ValidatingAdmissionPolicy 'demo-policy.example.com' with binding 'demo-binding-test.example.com' denied request: failed expression: object.spec.replicas <= 5",
    );
    expect(f).toMatchObject({ file: 'deployments.yaml', line: 8, column: 3, path: 'spec.replicas' });
    expect(f.related?.map((r) => `${r.file}:${r.line}:${r.column}`)).toEqual(['policy.yaml:15:7', 'policy.yaml:20:3']);
  });
});
