// Rule tests that pin what users see: for every case of test/fixtures/<rule-id>/ the rule's findings must be exactly
// the inline markers (line, column, severity, messageId), their full text must equal the reviewed `.findings.txt`
// (message, range, fix, related locations), and its safe fixes must produce the `.fixed.yaml` files and leave
// nothing --fix could still fix. See test/fixtures/README.md.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allRules } from '../rules/index.js';
import {
  FIXTURES,
  checkFile,
  expectationKeys,
  expectations,
  findingKeys,
  findingsPath,
  fixCase,
  fixedFilesOf,
  fixedPath,
  fixtureCases,
  lintCase,
  renderFindings,
} from './helpers/fixtures.js';
import { loadFixtureInventory } from './helpers/inventory.js';

/**
 * Safe fixes that `--fix` offers but cannot apply yet, by `file:line` of the finding after fixing. The applier gives up
 * when renaming the only key of a block mapping (it deletes the entry first, and an empty block mapping has no text
 * to keep). Listed so the test says so; remove an entry once the applier handles it.
 */
const NOT_APPLIED: Record<string, string> = {
  'schema/invalid-typos.yaml:12': 'rename of the only key of spec.template.spec',
};

describe('rule fixtures', () => {
  for (const rule of allRules) {
    const id = rule.meta.id;
    describe(id, () => {
      it('has fixtures that fire and fixtures that stay silent', () => {
        expect(existsSync(join(FIXTURES, id)), `test/fixtures/${id} is missing`).toBe(true);
        const names = readdirSync(join(FIXTURES, id));
        expect(names.some((n) => n.startsWith('valid')), 'a valid* fixture').toBe(true);
        expect(names.some((n) => n.startsWith('invalid')), 'an invalid* fixture').toBe(true);
      });
      if (!existsSync(join(FIXTURES, id))) return;
      for (const c of fixtureCases(id)) {
        it(`${c.name}: exactly the marked findings, worded as reviewed, fixed as expected`, async () => {
          const nodes = c.inventory ? loadFixtureInventory(c.inventory) : undefined;
          const findings = (await lintCase(c, nodes, id)).filter((f) => f.ruleId === id);
          const marked = expectations(c);
          expect(
            marked.filter((e) => e.ruleId !== id).map((e) => `${e.file}:${e.line}`),
            `markers in test/fixtures/${id} name ${id} only`,
          ).toEqual([]);
          if (c.name.startsWith('valid')) expect(marked).toEqual([]);
          else expect(marked.length, 'an invalid fixture marks at least one finding').toBeGreaterThan(0);

          // Line, column, severity and messageId of every finding, against the inline markers.
          expect(findingKeys(findings)).toEqual(expectationKeys(marked));

          // The full text users see, against the reviewed file (none for a case without findings).
          const text = checkFile(findingsPath(c), findings.length ? renderFindings(c, id, findings) : undefined);
          expect(text.actual, `${findingsPath(c)} (UPDATE_FIXTURES=1 rewrites it; review the diff)`).toBe(text.expected);

          // Safe fixes, applied as --fix does: the output is the reviewed .fixed file, and nothing fixable is left.
          const { changed, after } = await fixCase(c, id, nodes);
          const expectedFixed = new Set(fixedFilesOf(c));
          for (const [path, fixedText] of changed) {
            const out = checkFile(fixedPath(path), fixedText);
            expect(out.actual, `${fixedPath(path)} (UPDATE_FIXTURES=1 rewrites it; review the diff)`).toBe(out.expected);
            expectedFixed.delete(fixedPath(path));
          }
          for (const stale of expectedFixed) expect(checkFile(stale, undefined).expected, `${stale}: --fix changes nothing here`).toBeUndefined();
          const safe = findings.filter((f) => f.fix && f.fix.safe !== false);
          expect(changed.size > 0, 'files change exactly when a safe fix is offered').toBe(safe.length > 0);
          const left = after.filter((f) => f.fix && f.fix.safe !== false).map((f) => `${f.file}:${f.line}`);
          const known = Object.keys(NOT_APPLIED).filter((k) => c.files.some((f) => k.startsWith(`${f.path}:`)));
          expect(left, 'no safe fix is left after --fix (except the known ones)').toEqual(known);
          expect(after.length, 'each safe fix removes its finding').toBe(findings.length - safe.length + known.length);
        });
      }
    });
  }
});
