// The examples of every rule's documentation (docs/rules/<id>.md) are linted: each Invalid example produces that
// rule's finding, each Valid example none (neither reported nor suppressed). Examples are complete manifests: apart
// from the rules about unparseable or unrendered files and the schema itself, they pass the schema and parse cleanly.
// An example with a `# kube-version: 1.N` comment line is linted for that target version (as --kube-version 1.N).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allRules } from '../rules/index.js';
import { lintAsync } from '../src/engine/lint.js';
import { loadInventory } from '../src/load/inventory.js';
import { parseSource } from '../src/load/parse.js';
import { loadRuleDoc } from '../src/rule-docs.js';
import type { NodeInfo } from '../src/types.js';
import { kubeVersionDirective } from './helpers/fixtures.js';

/** Rules whose examples may be unparseable, unrendered or schema-invalid on purpose. */
const SYNTAX_RULES = new Set(['yaml-syntax', 'unrendered-template', 'schema']);

function inventory(text: string): NodeInfo[] {
  const dir = mkdtempSync(join(tmpdir(), 'daemonlint-doc-nodes-'));
  writeFileSync(join(dir, 'nodes.yaml'), text);
  return loadInventory([join(dir, 'nodes.yaml')], dir);
}

describe('rule documentation examples', () => {
  for (const rule of allRules) {
    const id = rule.meta.id;
    it(id, async () => {
      const doc = loadRuleDoc(id);
      expect(doc, `docs/rules/${id}.md`).toBeDefined();
      const nodes = doc!.nodes ? inventory(doc!.nodes) : undefined;
      expect(doc!.examples.filter((e) => e.kind === 'invalid').length, 'an Invalid example').toBeGreaterThan(0);
      expect(doc!.examples.filter((e) => e.kind === 'valid').length, 'a Valid example').toBeGreaterThan(0);
      for (const ex of doc!.examples) {
        const where = `docs/rules/${id}.md:${ex.line} (${ex.kind})`;
        // In a folder of its own (nothing beside it), so that a kustomization example is built as one.
        const file = parseSource({ path: `${id}.yaml`, absPath: join(mkdtempSync(join(tmpdir(), 'daemonlint-doc-')), `${id}.yaml`), text: ex.code });
        const kubeVersion = kubeVersionDirective(ex.code, where);
        const { findings, suppressed, internalErrors } = await lintAsync([file], { rules: allRules, nodes, kubeVersion });
        expect(internalErrors, where).toEqual([]);
        const mine = findings.filter((f) => f.ruleId === id);
        if (ex.kind === 'invalid') expect(mine.length, `${where} produces a ${id} finding`).toBeGreaterThan(0);
        else {
          expect(mine.map((f) => `${f.line}:${f.column} ${f.message}`), `${where} produces no ${id} finding`).toEqual([]);
          expect(suppressed.filter((f) => f.ruleId === id).length, `${where} suppresses no ${id} finding`).toBe(0);
        }
        if (SYNTAX_RULES.has(id) && ex.kind === 'invalid') continue;
        expect(file.manifests.length, `${where} holds Kubernetes objects`).toBeGreaterThan(0);
        const broken = findings.filter((f) => f.ruleId === 'schema' || f.ruleId === 'yaml-syntax' || f.ruleId === 'unrendered-template');
        expect(broken.map((f) => `${f.line}:${f.column} ${f.message}`), `${where} is a complete, valid manifest`).toEqual([]);
      }
    });
  }
});
