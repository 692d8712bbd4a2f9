import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allRules } from '../rules/index.js';
import { DANGEROUS_CAPABILITIES, LINUX_CAPABILITIES } from '../src/k8s/capabilities.js';
import { IGNORE_ANNOTATION } from '../src/engine/suppress.js';
import { RULE_DOC_SECTIONS, firstParagraph, loadRuleDoc } from '../src/rule-docs.js';
import { ROOT } from './helpers/cli.js';
import { expectations, fixedFilesOf, fixtureCases, lintCase } from './helpers/fixtures.js';
import { loadFixtureInventory } from './helpers/inventory.js';

/** Messages no fixture can produce, with the reason. */
const UNREACHABLE_MESSAGES: Record<string, Record<string, string>> = {
  schema: { mismatch: 'fallback for a disagreement of the explainer with the validator (test/schema-corpus.test.ts checks it never appears)' },
  kustomization: { outsideRepository: 'needs a path outside the repository, which fixtures (inside it) cannot hold: test/units.test.ts checks it through the CLI' },
};

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
      expect(m.description.length, `${m.id}.description`).toBeGreaterThan(20);
      expect(r.check || r.checkFile, m.id).toBeTruthy();
      if (m.securitySeverity !== undefined) expect(m.securitySeverity).toBeGreaterThanOrEqual(0);
    }
    expect([...ids]).toEqual([...ids].sort());
  });

  it('every rule has a document docs/rules/<id>.md with the fixed outline', () => {
    for (const r of allRules) {
      const id = r.meta.id;
      const doc = loadRuleDoc(id);
      expect(doc, `docs/rules/${id}.md`).toBeDefined();
      expect(doc!.title, `docs/rules/${id}.md title`).toBe(id);
      expect(doc!.summary.length, `docs/rules/${id}.md summary`).toBeGreaterThan(20);
      expect([...doc!.sections.keys()], `docs/rules/${id}.md sections`).toEqual([...RULE_DOC_SECTIONS]);
      // The first paragraphs of Why and How to fix are the rationale and the remediation of SARIF reports.
      expect(firstParagraph(doc!.sections.get('Why')).length, `${id}: Why`).toBeGreaterThan(40);
      expect(firstParagraph(doc!.sections.get('How to fix')).length, `${id}: How to fix (remediation)`).toBeGreaterThan(20);
      expect(doc!.sections.get('Examples'), `${id}: Examples has Invalid then Valid`).toMatch(/^### Invalid$[\s\S]*^### Valid$/m);
      const options = doc!.sections.get('Options')!;
      const props = Object.keys((r.meta.optionsSchema?.properties as Record<string, unknown> | undefined) ?? {});
      if (!props.length) expect(options, `${id}: Options`).toBe('None.');
      for (const p of props) expect(options, `${id}: Options documents ${p}`).toContain(`\`${p}\``);
      expect(doc!.sections.get('Configuration'), `${id}: Configuration`).toContain(`  ${id}:`);
      const fixNote = /--fix/.test(doc!.sections.get('How to fix')!);
      expect(fixNote, `${id}: How to fix says what --fix does exactly when the rule is fixable`).toBe(r.meta.fixable === true);
    }
  });

  it('documents agree with the tables the rules use', () => {
    const dangerous = loadRuleDoc('dangerous-capabilities')!.summary;
    for (const [name, why] of DANGEROUS_CAPABILITIES) expect(dangerous).toContain(`| \`${name}\` | ${why} |`);
    expect(dangerous.match(/^\| `[A-Z_]+` \|/gm)?.length).toBe(DANGEROUS_CAPABILITIES.size);
    expect(loadRuleDoc('unknown-capability')!.summary).toContain(`the ${LINUX_CAPABILITIES.length} Linux capabilities`);
    expect(loadRuleDoc('unused-suppression')!.summary).toContain(`\`${IGNORE_ANNOTATION}\``);
  });

  it('every declared message is well formed and pinned by a fixture marker; no marker names an undeclared one', () => {
    for (const r of allRules) {
      const declared = Object.keys(r.meta.messages);
      expect(declared.length, `${r.meta.id} declares messages`).toBeGreaterThan(0);
      for (const [id, template] of Object.entries(r.meta.messages)) {
        expect(id, `${r.meta.id} messageId`).toMatch(/^[a-z][A-Za-z0-9]*$/);
        expect(template.trim().length, `${r.meta.id}.${id}`).toBeGreaterThan(0);
        // Every {{ opening is a placeholder (a typo such as {{name} would otherwise print as text).
        expect(template.replace(/\{\{\s*[A-Za-z_]\w*\s*\}\}/g, ''), `${r.meta.id}.${id}`).not.toMatch(/\{\{|\}\}/);
      }
      const marked = new Set(fixtureCases(r.meta.id).flatMap((c) => expectations(c).map((e) => e.messageId)));
      const unreachable = UNREACHABLE_MESSAGES[r.meta.id] ?? {};
      for (const id of declared) expect(marked.has(id) || id in unreachable, `${r.meta.id}: no fixture marker uses message "${id}"`).toBe(true);
      for (const id of marked) expect(declared, `${r.meta.id}: markers use undeclared message "${id}"`).toContain(id);
    }
  });

  it('`fixable` is true exactly for the rules whose fixtures show a fix, and each has expected --fix output', async () => {
    for (const r of allRules) {
      let fixes = 0;
      for (const c of fixtureCases(r.meta.id)) {
        const nodes = c.inventory ? loadFixtureInventory(c.inventory) : undefined;
        fixes += (await lintCase(c, nodes, r.meta.id)).filter((f) => f.ruleId === r.meta.id && f.fix).length;
      }
      expect(fixes > 0, `${r.meta.id}: fixable is ${r.meta.fixable === true} but its fixtures show ${fixes} fixes`).toBe(r.meta.fixable === true);
      if (r.meta.fixable) expect(fixtureCases(r.meta.id).flatMap(fixedFilesOf).length, `${r.meta.id} has a .fixed.yaml fixture`).toBeGreaterThan(0);
    }
  });
});
