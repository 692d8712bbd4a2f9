// The schema rule on real upstream manifests: every finding reviewed (snapshot), and its verdict on each
// object equal to strict validation with the raw generated JSON schema compiled by ajv at test time.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseSource } from '../src/load/parse.js';
import { createRun, lintAsync } from '../src/engine/lint.js';
import { definitionOf } from '../src/schema/index.js';
import schemaRule from '../rules/schema.js';
import { AJV_OPTIONS, GROUP_DOCS, KUBE_VERSION } from '../scripts/gen-schemas.mjs';
import type { Manifest, Report, SourceFile } from '../src/types.js';
import { CORPUS_ROOT } from './helpers/sarif.js';

const require = createRequire(import.meta.url);
const Ajv = require('ajv').default as new (opts: Record<string, unknown>) => {
  addSchema(s: unknown): void;
  getSchema(ref: string): ((data: unknown) => boolean) | undefined;
};

const root = join(import.meta.dirname, '..');
const CORPUS = join(CORPUS_ROOT, 'real');
const FIXTURES = join(root, 'test', 'fixtures', 'schema');

function load(dir: string, label: string): SourceFile[] {
  return readdirSync(dir)
    .filter((f) => /\.(ya?ml|json)$/.test(f))
    .sort()
    .map((f) => parseSource({ path: `${label}/${f}`, text: readFileSync(join(dir, f), 'utf8') }));
}

/** Reference validators: the committed JSON schemas, compiled now (not the standalone code). */
function referenceValidator(): (m: Manifest) => boolean | undefined {
  const ajv = new Ajv({ ...AJV_OPTIONS });
  for (const gv of GROUP_DOCS) ajv.addSchema(JSON.parse(readFileSync(join(root, 'schemas', 'k8s', KUBE_VERSION, `${gv.key}.json`), 'utf8')));
  const ids = new Map(GROUP_DOCS.map((gv) => [gv.group ? `${gv.group}/${gv.version}` : gv.version, gv.key]));
  return (m) => {
    const def = definitionOf(KUBE_VERSION, m.ref.apiVersion, m.ref.kind);
    if (!def) return undefined;
    const v = ajv.getSchema(`https://daemonlint.dev/schemas/k8s/${KUBE_VERSION}/${ids.get(m.ref.apiVersion)}.json#/definitions/${def}`);
    if (!v) throw new Error(`no reference schema for ${m.ref.apiVersion} ${m.ref.kind}`);
    return v(m.object);
  };
}

/** Run only the schema rule, object by object, keeping each object's reports. */
async function reportsByObject(files: SourceFile[]): Promise<Map<Manifest, Report[]>> {
  const run = createRun(files, { kubeVersion: KUBE_VERSION });
  await schemaRule.prepare!(run);
  const out = new Map<Manifest, Report[]>();
  for (const m of run.manifests) {
    const reports: Report[] = [];
    schemaRule.check!({ manifest: m, object: m.object, run, options: {}, report: (r) => reports.push(r) });
    out.set(m, reports);
  }
  return out;
}

describe('schema rule on corpus/real', () => {
  let files: SourceFile[];
  beforeAll(() => {
    files = load(CORPUS, 'corpus/real');
  });

  it('reports only reviewed, real defects of the upstream files', async () => {
    const { findings, internalErrors } = await lintAsync(files, { rules: [schemaRule], kubeVersion: KUBE_VERSION });
    expect(internalErrors).toEqual([]);
    const lines = findings.map((f) => `${f.file}:${f.line}:${f.column} [${f.object?.kind} ${f.object?.name ?? ''}] ${f.message}`);
    expect(lines).toMatchSnapshot();
  });

  for (const [label, dir] of [
    ['corpus/real', CORPUS],
    ['test/fixtures/schema', FIXTURES],
  ] as const) {
    it(`${label}: the verdict on every bundled object equals strict validation with the raw JSON schema`, async () => {
      const sources = load(dir, label);
      const reference = referenceValidator();
      const reports = await reportsByObject(sources);
      let checked = 0;
      let invalid = 0;
      const disagreements: string[] = [];
      for (const [m, rs] of reports) {
        const expected = reference(m);
        if (expected === undefined) {
          // Custom resources and apiVersions without a bundled schema are never judged.
          expect(rs, `${m.file.path} ${m.ref.apiVersion} ${m.ref.kind}`).toEqual([]);
          continue;
        }
        checked++;
        if (!expected) invalid++;
        if (expected !== (rs.length === 0)) disagreements.push(`${m.file.path} ${m.ref.kind}/${m.ref.name}: ajv says ${expected ? 'valid' : 'invalid'}, rule reported ${rs.length}`);
        // Every rejection is explained in words, never by the generic fallback.
        for (const r of rs) expect(r.messageId).not.toBe('mismatch');
      }
      expect(disagreements).toEqual([]);
      expect(checked).toBeGreaterThan(label === 'corpus/real' ? 500 : 40);
      expect(invalid).toBeGreaterThan(0);
    });
  }
});
