// The comparison view (src/k8s/view.ts): a large run keeps only this view of each object for the rules that compare
// objects. Those rules must find exactly the same on views as on whole objects; a rule that starts reading a field
// the view drops fails here.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allRules } from '../rules/index.js';
import { comparesObjects, lintAsync } from '../src/engine/lint.js';
import { comparisonView } from '../src/k8s/view.js';
import { parseSource } from '../src/load/parse.js';
import type { Finding, NodeInfo, SourceFile } from '../src/types.js';
import type { UnitPlan } from '../src/units/plan.js';
import { INVENTORY, corpus } from './helpers/cross-corpus.js';
import { FIXTURES } from './helpers/fixtures.js';
import { ROOT } from './helpers/cli.js';

const comparing = allRules.filter(comparesObjects);

/** The same file with every object replaced by its view (positions still come from the file's text). */
function viewed(file: SourceFile): SourceFile {
  const copy: SourceFile = Object.create(file);
  const manifests = file.manifests.map((m) => ({ ...m, file: copy, object: comparisonView(m.object) }));
  Object.defineProperty(copy, 'manifests', { value: manifests });
  return copy;
}

/**
 * Views serve the file-by-file pipeline (src/app/pipeline.ts), which lints runs of one plain deployment unit: the rules
 * compare every object of the run with every other. The same here, rather than units worked out from whole objects.
 */
const oneUnit = (files: readonly SourceFile[]): UnitPlan => ({
  units: [{ name: '.', source: 'directory', manifests: files.flatMap((f) => f.manifests), shadowed: new Map() }],
  context: [],
  patches: [],
  partial: new Set(),
  problems: new Map(),
});

async function findings(files: SourceFile[], nodes?: NodeInfo[]): Promise<Finding[]> {
  const r = await lintAsync(files, { rules: comparing, nodes, plan: oneUnit });
  expect(r.internalErrors).toEqual([]);
  return [...r.findings, ...r.suppressed];
}

function yamlFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yamlFiles(p, out);
    else if (/\.ya?ml$/.test(name) && !/^nodes\.ya?ml$/.test(name)) out.push(p);
  }
  return out;
}

describe('rules that compare objects find the same on views as on whole objects', () => {
  it('the rules that compare objects are the cross-resource ones', () => {
    expect(comparing.map((r) => r.meta.id).sort()).toEqual(allRules.filter((r) => r.meta.tags.includes('cross-resource')).map((r) => r.meta.id).sort());
    expect(comparing.length).toBeGreaterThan(3);
  });

  for (const seed of [31, 32, 33]) {
    for (const inventory of [false, true]) {
      it(`generated corpus, seed ${seed}, ${inventory ? 'with' : 'without'} a node inventory`, async () => {
        const files = corpus(seed, 400).map((f) => parseSource({ path: f.path, text: f.text }));
        const nodes = inventory ? INVENTORY : undefined;
        const whole = await findings(files, nodes);
        expect(whole.length).toBeGreaterThan(50);
        expect(await findings(files.map(viewed), nodes)).toEqual(whole);
      });
    }
  }

  it('every fixture, corpus manifest and example, each folder as one run', async () => {
    const folders = new Map<string, SourceFile[]>();
    for (const p of [...yamlFiles(FIXTURES), ...yamlFiles(join(ROOT, 'examples'))]) {
      const dir = p.slice(0, p.lastIndexOf('/'));
      const list = folders.get(dir) ?? [];
      list.push(parseSource({ path: p.slice(ROOT.length + 1), text: readFileSync(p, 'utf8') }));
      folders.set(dir, list);
    }
    let total = 0;
    for (const files of folders.values()) {
      const whole = await findings(files);
      total += whole.length;
      expect(await findings(files.map(viewed))).toEqual(whole);
    }
    expect(total).toBeGreaterThan(20);
  });

  it('drops container details, volumes, config data and last-applied copies, and never modifies the object', () => {
    const obj = {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'a', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{…}', keep: 'x' }, managedFields: [{}] },
      spec: {
        selector: { matchLabels: { app: 'a' } },
        template: {
          metadata: { labels: { app: 'a' } },
          spec: { hostNetwork: true, volumes: [{ name: 'v' }], containers: [{ name: 'c', image: 'i', env: [{ name: 'E' }], ports: [{ containerPort: 1 }] }] },
        },
      },
    };
    const before = JSON.stringify(obj);
    expect(comparisonView(obj)).toEqual({
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'a', annotations: { keep: 'x' } },
      spec: {
        selector: { matchLabels: { app: 'a' } },
        template: { metadata: { labels: { app: 'a' } }, spec: { hostNetwork: true, containers: [{ name: 'c', ports: [{ containerPort: 1 }] }] } },
      },
    });
    expect(comparisonView({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { big: 'x' } })).toEqual({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } });
    expect(JSON.stringify(obj)).toBe(before);
  });
});
