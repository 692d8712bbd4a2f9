/**
 * What the Kustomize builder reports instead of building: what kustomize itself refuses (errors), what daemonlint
 * does not model (notes) and what it may not read (outside the repository), each on the line concerned. Built in
 * memory: the files are given to the plan, nothing is read from disk.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSource } from '../src/load/parse.js';
import { planUnits, type PlanOptions } from '../src/units/plan.js';
import type { SourceFile } from '../src/types.js';

/** A folder that does not exist: every file of these plans is given, none is on disk. */
const ROOT = join(import.meta.dirname, 'fixtures', 'in-memory-kustomizations');

function plan(files: Record<string, string>, opts: PlanOptions = {}) {
  const sources: SourceFile[] = Object.entries(files).map(([path, text]) => parseSource({ path, absPath: `${ROOT}/${path}`, text }));
  const p = planUnits(sources, opts);
  const problems = [...p.problems].flatMap(([f, list]) => list.map((x) => `${f.path}:${x.range.line}:${x.range.column} ${x.severity} ${x.messageId} ${x.message}`));
  return { plan: p, problems };
}

const DS = 'apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: agent}\nspec:\n  template:\n    spec:\n      containers: [{name: agent, image: a:1}]\n';

describe('kustomization problems', () => {
  it('fields of the wrong shape, missing files, cycles and directories without a kustomization are errors kustomize shares', () => {
    const { problems } = plan({
      'k/kustomization.yaml': [
        'resources:',
        '  - agent.yaml',
        '  - missing.yaml',
        '  - ../empty',
        '  - 42',
        'patches: {path: x.yaml}',
        'commonLabels: [a]',
        'components: [../nowhere]',
        'bases: ../loop',
      ].join('\n'),
      'k/agent.yaml': DS,
      'empty/notes.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: notes}\n',
    });
    expect(problems).toEqual([
      'k/kustomization.yaml:5:5 error unbuildable This `resources` entry must be a path (a string); kustomize cannot build this.',
      'k/kustomization.yaml:3:5 error unbuildable missing.yaml does not exist; kustomize cannot build this.',
      'k/kustomization.yaml:4:5 error unbuildable ../empty is a directory without a kustomization.yaml; kustomize cannot build it.',
      'k/kustomization.yaml:9:1 error unbuildable `bases` must be a list of paths; kustomize cannot build this.',
      'k/kustomization.yaml:6:1 error unbuildable `patches` must be a list; kustomize cannot build this.',
      'k/kustomization.yaml:7:1 error unbuildable `commonLabels` must be a mapping of names to values; kustomize cannot build this.',
      'k/kustomization.yaml:8:14 error unbuildable The component ../nowhere is not a directory with a kustomization.',
    ]);
    // A cycle of kustomizations is named where it closes, seen from each of them (none is an overlay of the other).
    expect(plan({ 'loop/kustomization.yaml': 'resources: [../loop2]\n', 'loop2/kustomization.yaml': 'resources: [../loop]\n' }).problems.sort()).toEqual([
      'loop/kustomization.yaml:1:13 error unbuildable ../loop2 is already being built (a cycle of kustomizations).',
      'loop2/kustomization.yaml:1:13 error unbuildable ../loop is already being built (a cycle of kustomizations).',
    ]);
    // Below an overlay, once.
    expect(
      plan({ 'o/kustomization.yaml': 'resources: [../loop]\n', 'loop/kustomization.yaml': 'resources: [../loop2]\n', 'loop2/kustomization.yaml': 'resources: [../loop]\n' }).problems,
    ).toEqual(['loop2/kustomization.yaml:1:13 error unbuildable ../loop is already being built (a cycle of kustomizations).']);
  });

  it('a kustomization that is not a mapping is not built', () => {
    expect(plan({ 'k/kustomization.yaml': '- resources\n' }).problems).toEqual(['k/kustomization.yaml:1:1 error unbuildable This kustomization is not a mapping of fields; it was not built.']);
  });

  it('remote resources and components and unmodelled fields are notes; the rest is built', () => {
    const { plan: p, problems } = plan({
      'k/kustomization.yaml': 'resources:\n  - https://github.com/example/repo//base?ref=v1\n  - agent.yaml\ncomponents: [github.com/example/component]\nsecretGenerator:\n  - name: s\n    literals: [a=b]\n',
      'k/agent.yaml': DS,
    });
    expect(problems).toEqual([
      'k/kustomization.yaml:5:1 info unmodelled daemonlint does not model `secretGenerator`: what it adds or changes is missing from the objects linted for this kustomization.',
      'k/kustomization.yaml:2:5 info unmodelled daemonlint does not fetch remote resources; their objects are missing from this build.',
      'k/kustomization.yaml:4:14 info unmodelled daemonlint does not fetch remote components; its objects are missing from this build.',
    ]);
    expect(p.units.map((u) => u.manifests.map((m) => m.ref.name))).toEqual([['agent']]);
  });

  it('patches that cannot apply: no target, no match, a failed operation, broken inline text, a directory', () => {
    const { problems } = plan({
      'k/kustomization.yaml': [
        'resources: [agent.yaml]',
        'patches:',
        '  - patch: "- {op: add, path: /spec/x, value: 1}"',
        '  - patch: "{ not yaml"',
        '  - target: {kind: DaemonSet, name: agent}',
        '    patch: "- {op: remove, path: /spec/nothing}"',
        '  - target: {kind: Service}',
        '    patch: "- {op: add, path: /spec/x, value: 1}"',
        '  - path: ops.yaml',
        '  - path: sub',
        'patchesJson6902:',
        '  - path: ops.yaml',
        '  - target: {kind: DaemonSet, name: agent}',
        '    path: gone.yaml',
        '  - target: {kind: DaemonSet, name: agent}',
        '    path: bad-op.yaml',
      ].join('\n'),
      'k/agent.yaml': DS,
      'k/ops.yaml': '- {op: add, path: /spec/x, value: 1}\n',
      'k/bad-op.yaml': '- {op: frobnicate, path: /spec/x}\n',
      'k/sub/a.yaml': DS,
    });
    expect(problems).toEqual([
      'k/kustomization.yaml:3:5 error unbuildable A JSON patch needs a target.',
      'k/kustomization.yaml:4:5 error unbuildable This inline patch is not valid YAML.',
      'k/kustomization.yaml:5:5 error unbuildable This JSON patch cannot be applied to DaemonSet agent: cannot remove /spec/nothing: it does not exist.',
      'k/kustomization.yaml:7:5 error unbuildable This patch matches no object of the build (Service); kustomize refuses it.',
      'k/kustomization.yaml:9:5 error unbuildable A JSON patch needs a target.',
      'k/kustomization.yaml:10:5 error unbuildable sub is a directory, not a patch file; kustomize cannot build this.',
      'k/kustomization.yaml:12:5 error unbuildable A JSON patch needs a target.',
      'k/kustomization.yaml:14:5 error unbuildable gone.yaml does not exist; kustomize cannot build this.',
      'k/kustomization.yaml:15:5 error unbuildable This JSON patch cannot be applied to DaemonSet agent: unknown operation "frobnicate".',
    ]);
  });

  it('with a boundary, what lies outside it is reported, not read; what the run was given is used', () => {
    const files = {
      'repo/k/kustomization.yaml': 'resources:\n  - ../../platform/base\n  - agent.yaml\n',
      'repo/k/agent.yaml': DS,
    };
    const outside = (abs: string) => (abs.startsWith(`${ROOT}/repo/`) ? undefined : 'repo');
    const read: string[] = [];
    const readFile = (abs: string) => {
      read.push(abs);
      return undefined;
    };
    expect(plan(files, { outside, readFile }).problems).toEqual([
      'repo/k/kustomization.yaml:2:5 warning outsideRepository ../../platform/base is outside the repository of this kustomization (repo) and was not read: its objects and changes are missing from this build. Name it on the command line to build it with this kustomization.',
    ]);
    expect(read.filter((p) => p.includes('platform'))).toEqual([]);
    const given = plan({ ...files, 'platform/base/kustomization.yaml': 'resources: [proxy.yaml]\n', 'platform/base/proxy.yaml': DS.replace('name: agent', 'name: proxy') }, { outside, readFile });
    expect(given.problems).toEqual([]);
    expect(given.plan.units.map((u) => u.manifests.map((m) => m.ref.name).sort())).toEqual([['agent', 'proxy']]);
  });
});
