/**
 * Fixture driver for the rule tests (test/fixtures.test.ts). Each rule has a folder test/fixtures/<rule-id>/ of cases:
 * a single YAML file, or a folder whose files are linted together as one run (for cross-resource rules; a `nodes.yaml`
 * in it is the node inventory). Names starting with `valid` expect no finding of the rule, `invalid` at least one.
 *
 * What a case expects, three ways (see test/fixtures/README.md):
 * - on the line of each finding, an inline marker `# expect: <rule-id>@<column> <severity> <messageId>` (several
 *   separated by commas);
 * - beside the case, `<case>.findings.txt`: every finding of the rule as users see it (range, severity, messageId,
 *   message, fix, related locations), written by `UPDATE_FIXTURES=1` and reviewed like code;
 * - when the rule's safe fixes change a file, the text `--fix` leaves: `<name>.fixed.yaml` next to the file.
 *
 * A comment line `# options: {json}` in a case gives the rule's options, `# kube-version: 1.N` the target Kubernetes
 * version of the run (default 1.35).
 */
import { existsSync, readdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseSource } from '../../src/load/parse.js';
import { lintAsync } from '../../src/engine/lint.js';
import { normalizeKubeVersion, supportedRange } from '../../src/k8s/kube-version.js';
import { fixUntilStable } from '../../src/fix/run.js';
import { allRules } from '../../rules/index.js';
import type { Finding, NodeInfo, Severity, SourceFile } from '../../src/types.js';

export const FIXTURES = join(import.meta.dirname, '..', 'fixtures');

/** `UPDATE_FIXTURES=1`: write the `.findings.txt` and `.fixed.yaml` files from what the rules report now. */
export const UPDATING = process.env.UPDATE_FIXTURES === '1';

export interface FixtureCase {
  /** File or folder name inside the rule's fixture folder. */
  name: string;
  /** The rule's fixture folder. */
  dir: string;
  /** Paths are relative to test/fixtures (as reported). */
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
/** Expected output of `--fix`: not a case and not linted as part of one. */
const FIXED = /\.fixed\.ya?ml$/;
export const INVENTORY_NAMES = ['nodes.yaml', 'nodes.yml', 'nodes.json'];

export function fixtureCases(ruleId: string): FixtureCase[] {
  const dir = join(FIXTURES, ruleId);
  const cases: FixtureCase[] = [];
  for (const entry of readdirSync(dir).sort()) {
    const full = join(dir, entry);
    if (statSync(full).isDirectory()) {
      const files = readdirSync(full)
        .filter((f) => MANIFEST.test(f) && !FIXED.test(f) && !INVENTORY_NAMES.includes(f))
        .sort()
        .map((f) => ({ path: relative(FIXTURES, join(full, f)), text: readFileSync(join(full, f), 'utf8') }));
      const inv = INVENTORY_NAMES.find((n) => existsSync(join(full, n)));
      cases.push({ name: entry, dir, files, inventory: inv ? join(full, inv) : undefined });
    } else if (MANIFEST.test(entry) && !FIXED.test(entry)) {
      cases.push({ name: entry, dir, files: [{ path: relative(FIXTURES, full), text: readFileSync(full, 'utf8') }] });
    }
  }
  return cases;
}

// ------------------------------------------------------------------ inline markers

/** One expected finding: `rule-id@column severity messageId` on the line it is reported on. */
export interface Expectation {
  file: string;
  line: number;
  ruleId: string;
  column: number;
  severity: Severity;
  messageId: string;
}

/**
 * The target Kubernetes version a text asks for with a `# kube-version: 1.N` comment line (the fixture and rule-doc
 * example directive), or undefined (the default, 1.35). Throws on a version daemonlint does not accept, so a typo
 * cannot silently test the default.
 */
export function kubeVersionDirective(text: string, where: string): string | undefined {
  const m = /^#\s*kube-version:\s*(\S+)\s*$/m.exec(text);
  if (!m) return undefined;
  const v = normalizeKubeVersion(m[1]!);
  if (!v) throw new Error(`${where}: "# kube-version: ${m[1]}" is not a version --kube-version accepts (${supportedRange()})`);
  return v;
}

/** The target Kubernetes version of a case: the `# kube-version:` directive of the first of its files that has one. */
export function caseKubeVersion(c: FixtureCase): string | undefined {
  for (const f of c.files) {
    const v = kubeVersionDirective(f.text, f.path);
    if (v) return v;
  }
  return undefined;
}

const MARKER = /#\s*expect:(.*)$/;
const ITEM = /^([a-z0-9]+(?:-[a-z0-9]+)*)@(\d+)\s+(error|warning|info)\s+([A-Za-z_]\w*)$/;

/** The inline markers of a case; throws on a marker that does not parse (so a typo cannot hide an expectation). */
export function expectations(c: FixtureCase): Expectation[] {
  const out: Expectation[] = [];
  for (const f of c.files) {
    f.text.split(/\r?\n/).forEach((text, i) => {
      const m = MARKER.exec(text);
      if (!m) return;
      for (const item of m[1]!.split(',').map((s) => s.trim())) {
        const p = ITEM.exec(item);
        if (!p) throw new Error(`${f.path}:${i + 1}: malformed marker "${item}"; write "# expect: <rule-id>@<column> <severity> <messageId>"`);
        out.push({ file: f.path, line: i + 1, ruleId: p[1]!, column: Number(p[2]), severity: p[3] as Severity, messageId: p[4]! });
      }
    });
  }
  return out;
}

/** A marker item as it would be written for a finding (also used to show what is missing). */
export function markerOf(f: Pick<Finding, 'ruleId' | 'column' | 'severity' | 'messageId'>): string {
  return `${f.ruleId}@${f.column} ${f.severity} ${f.messageId}`;
}

/** `file:line marker` keys, sorted, to compare expectations with findings. */
export function expectationKeys(list: readonly Expectation[]): string[] {
  return list.map((e) => `${e.file}:${e.line} ${markerOf(e)}`).sort();
}
export function findingKeys(findings: readonly Finding[]): string[] {
  return findings.map((f) => `${f.file}:${f.line} ${markerOf(f)}`).sort();
}

// ------------------------------------------------------------------ linting and fixing a case

export async function lintCase(c: FixtureCase, nodes?: readonly NodeInfo[], ruleId?: string): Promise<Finding[]> {
  return lintSources(
    c,
    // With their absolute paths, so that a case's kustomization finds its resources and patches.
    c.files.map((f) => parseSource({ path: f.path, absPath: join(FIXTURES, f.path), text: f.text })),
    nodes,
    ruleId,
  );
}

async function lintSources(c: FixtureCase, files: SourceFile[], nodes?: readonly NodeInfo[], ruleId?: string): Promise<Finding[]> {
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

/**
 * Apply the rule's safe fixes as `--fix` does (in passes, until nothing changes) and re-lint. Returns the texts that
 * changed, by path relative to test/fixtures, and the rule's findings after fixing.
 */
export async function fixCase(c: FixtureCase, ruleId: string, nodes?: readonly NodeInfo[]): Promise<{ changed: Map<string, string>; after: Finding[] }> {
  const sources = c.files.map((f) => parseSource({ path: f.path, absPath: join(FIXTURES, f.path), text: f.text }));
  const outcome = await fixUntilStable(sources, async (files) => ({ findings: (await lintSources(c, files, nodes, ruleId)).filter((f) => f.ruleId === ruleId) }));
  return { changed: new Map(outcome.changed.map((ch) => [ch.original.path, ch.text])), after: outcome.result.findings };
}

/** Where the expected `--fix` output of a case file lives: `x.yaml` → `x.fixed.yaml` beside it. */
export function fixedPath(fixturePath: string): string {
  return join(FIXTURES, fixturePath.replace(/\.(ya?ml|json)$/, '.fixed.$1'));
}

/** Every `*.fixed.yaml` belonging to a case. */
export function fixedFilesOf(c: FixtureCase): string[] {
  const full = join(c.dir, c.name);
  if (statSync(full).isDirectory()) return readdirSync(full).filter((f) => FIXED.test(f)).map((f) => join(full, f));
  const p = fixedPath(relative(FIXTURES, full));
  return existsSync(p) ? [p] : [];
}

// ------------------------------------------------------------------ the reviewed findings file

/** `invalid.yaml` → `invalid.findings.txt`; a folder case `invalid-x` → `invalid-x.findings.txt` beside it. */
export function findingsPath(c: FixtureCase): string {
  return join(c.dir, `${c.name.replace(MANIFEST, '')}.findings.txt`);
}

/** The findings of one rule as users see them, one block per finding; paths relative to the rule's fixture folder. */
export function renderFindings(c: FixtureCase, ruleId: string, findings: readonly Finding[]): string {
  const rel = (p: string) => relative(c.dir, join(FIXTURES, p));
  const lines = [
    `# ${ruleId} findings of ${c.name}, as users see them. Checked by test/fixtures.test.ts; after a deliberate change,`,
    '# rewrite with `UPDATE_FIXTURES=1 npx vitest run test/fixtures.test.ts` and review the diff.',
  ];
  for (const f of findings) {
    lines.push('', `${rel(f.file)}:${f.line}:${f.column}-${f.endLine}:${f.endColumn} ${f.severity} ${f.messageId}`, `  message: ${f.message}`);
    if (f.fix) {
      lines.push(`  fix: ${f.fix.description}${f.fix.safe === false ? ' (offered in editors, not applied by --fix)' : ''}`);
      for (const e of f.fix.edits) lines.push(`    ${JSON.stringify(e)}`);
    }
    for (const r of f.related ?? []) lines.push(`  related: ${rel(r.file)}:${r.line}:${r.column} ${r.message}`);
  }
  return lines.join('\n') + '\n';
}

/** Compare a generated file with the one on disk, or write it when updating; `undefined` content: must not exist. */
export function checkFile(path: string, content: string | undefined): { expected: string | undefined; actual: string | undefined } {
  const onDisk = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
  if (UPDATING && onDisk !== content) {
    if (content === undefined) unlinkSync(path);
    else writeFileSync(path, content);
    return { expected: content, actual: content };
  }
  return { expected: onDisk, actual: content };
}
