/**
 * Fixture driver: a fixture file marks each expected finding on its line with
 * `# expect: rule-id[, other-id]`. A case is a single file, or a folder whose files are linted
 * together as one run (for cross-resource rules; a `nodes.yaml` in it is the node inventory). A comment line
 * `# options: {json}` gives the rule options, `# kube-version: 1.N` the target Kubernetes version.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseSource } from '../../src/load/parse.js';
import { lintAsync } from '../../src/engine/lint.js';
import { allRules } from '../../rules/index.js';
import type { Finding, NodeInfo, SourceFile } from '../../src/types.js';

export const FIXTURES = join(import.meta.dirname, '..', 'fixtures');

export interface FixtureCase {
  name: string;
  files: { path: string; text: string }[];
  inventory?: string;
}

/** Rule options for a case: a `# options: {json}` comment line in any of its files. */
export function caseOptions(c: FixtureCase): Record<string, unknown> | undefined {
  for (const f of c.files) {
    const m = /^#\s*options:\s*(\{.*\})\s*$/m.exec(f.text);
    if (m) return JSON.parse(m[1]!) as Record<string, unknown>;
  }
  return undefined;
}

const MANIFEST = /\.(ya?ml|json)$/;
export const INVENTORY_NAMES = ['nodes.yaml', 'nodes.yml', 'nodes.json'];

export function fixtureCases(ruleId: string): FixtureCase[] {
  const dir = join(FIXTURES, ruleId);
  const cases: FixtureCase[] = [];
  for (const entry of readdirSync(dir).sort()) {
    const full = join(dir, entry);
    if (statSync(full).isDirectory()) {
      const files = readdirSync(full)
        .filter((f) => MANIFEST.test(f) && !INVENTORY_NAMES.includes(f))
        .sort()
        .map((f) => ({ path: relative(FIXTURES, join(full, f)), text: readFileSync(join(full, f), 'utf8') }));
      const inv = INVENTORY_NAMES.find((n) => {
        try {
          return statSync(join(full, n)).isFile();
        } catch {
          return false;
        }
      });
      cases.push({ name: entry, files, inventory: inv ? join(full, inv) : undefined });
    } else if (MANIFEST.test(entry)) {
      cases.push({ name: entry, files: [{ path: relative(FIXTURES, full), text: readFileSync(full, 'utf8') }] });
    }
  }
  return cases;
}

/** `file:line rule` keys of the findings a case's markers expect for one rule. */
export function expectedKeys(c: FixtureCase, ruleId: string): string[] {
  const keys: string[] = [];
  for (const f of c.files) {
    f.text.split(/\r?\n/).forEach((line, i) => {
      const m = /#\s*expect:\s*([\w\s,-]+)$/.exec(line);
      if (!m) return;
      for (const id of m[1]!.split(',').map((s) => s.trim()).filter(Boolean)) if (id === ruleId) keys.push(`${f.path}:${i + 1} ${id}`);
    });
  }
  return keys.sort();
}

/** The target Kubernetes version of a case: a `# kube-version: 1.N` comment line in any of its files (default 1.35). */
export function caseKubeVersion(c: FixtureCase): string | undefined {
  for (const f of c.files) {
    const m = /^#\s*kube-version:\s*(\S+)\s*$/m.exec(f.text);
    if (m) return m[1]!;
  }
  return undefined;
}

export async function lintCase(c: FixtureCase, nodes?: readonly NodeInfo[], ruleId?: string): Promise<Finding[]> {
  const files: SourceFile[] = c.files.map((f) => parseSource({ path: f.path, text: f.text }));
  const opts = caseOptions(c);
  const { findings, internalErrors } = await lintAsync(files, {
    rules: allRules,
    nodes,
    kubeVersion: caseKubeVersion(c),
    options: opts && ruleId ? (id) => (id === ruleId ? opts : undefined) : undefined,
  });
  if (internalErrors.length) throw internalErrors[0]!.error;
  return findings;
}

export function actualKeys(findings: Finding[], ruleId: string): string[] {
  return findings.filter((f) => f.ruleId === ruleId).map((f) => `${f.file}:${f.line} ${f.ruleId}`).sort();
}
