import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allRules } from '../rules/index.js';
import { FIXTURES, actualKeys, expectedKeys, fixtureCases, lintCase } from './helpers/fixtures.js';
import { loadFixtureInventory } from './helpers/inventory.js';

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
        it(`${c.name}: exactly the marked findings`, async () => {
          const nodes = c.inventory ? loadFixtureInventory(c.inventory) : undefined;
          const findings = await lintCase(c, nodes, id);
          const expected = expectedKeys(c, id);
          if (c.name.startsWith('valid')) expect(expected).toEqual([]);
          else expect(expected.length, 'an invalid fixture marks at least one finding').toBeGreaterThan(0);
          expect(actualKeys(findings, id)).toEqual(expected);
          for (const f of findings.filter((f) => f.ruleId === id)) {
            expect(f.message.length).toBeGreaterThan(20);
            expect(f.line).toBeGreaterThan(0);
            expect(f.column).toBeGreaterThan(0);
          }
        });
      }
    });
  }
});
