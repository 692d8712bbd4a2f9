// Guards against two controllers that select each other's Pods and fight over them.
import { templatesMayShareNode } from '../src/k8s/nodes.js';
import { CONTROLLER_KINDS, namespaceIndex, push, selectorCandidates, workloadOf, type LabelIndex, type Workload } from '../src/k8s/run-index.js';
import { describeRequirement, selectorMatches } from '../src/k8s/selectors.js';
import { isRecord } from '../src/k8s/workloads.js';
import type { RunContext, Rule } from '../src/types.js';

function ownedByController(w: Workload): boolean {
  const md = w.manifest.object.metadata;
  return isRecord(md) && Array.isArray(md.ownerReferences) && md.ownerReferences.some((o: unknown) => isRecord(o) && o.controller === true);
}

/**
 * The controllers a pair can be made with, per namespace: selector present, not owned by another controller. Each
 * selector is filed under labels it requires (the key=value labels of its `In` requirement with the fewest matching
 * templates, else the key of an `Exists` requirement, else nowhere: checked against every controller), so that a
 * controller finds the selectors that may match its template through its own labels instead of trying them all.
 */
interface Contenders {
  eligible: Set<Workload>;
  byLabel: Map<string, Map<string, Workload[]>>;
  byKey: Map<string, Workload[]>;
  unfiled: Workload[];
}
const CONTENDERS_KEY = 'overlapping-selectors:contenders';

function contenders(run: RunContext, namespace: string, ix: LabelIndex): Contenders {
  let all = run.cache.get(CONTENDERS_KEY) as Map<string, Contenders> | undefined;
  if (!all) run.cache.set(CONTENDERS_KEY, (all = new Map()));
  let c = all.get(namespace);
  if (c) return c;
  c = { eligible: new Set(), byLabel: new Map(), byKey: new Map(), unfiled: [] };
  for (const w of ix.workloads) {
    if (!w.selector || !(CONTROLLER_KINDS as readonly string[]).includes(w.kind) || ownedByController(w)) continue;
    c.eligible.add(w);
    const sel = w.selector;
    if (sel.errors.length) continue; // Matches nothing.
    let best: { key: string; values: string[]; size: number } | undefined;
    let exists: string | undefined;
    for (const r of sel.requirements) {
      if (r.operator === 'In') {
        const values = [...new Set(r.values)];
        const size = values.reduce((n, v) => n + (ix.byLabel.get(r.key)?.get(v)?.length ?? 0), 0);
        if (!best || size < best.size) best = { key: r.key, values, size };
      } else if (r.operator === 'Exists' && exists === undefined) exists = r.key;
    }
    if (best) {
      let byValue = c.byLabel.get(best.key);
      if (!byValue) c.byLabel.set(best.key, (byValue = new Map()));
      for (const v of best.values) push(byValue, v, w);
    } else if (exists !== undefined) push(c.byKey, exists, w);
    else c.unfiled.push(w);
  }
  all.set(namespace, c);
  return c;
}

/**
 * Controllers after `self` (in run order) in its namespace whose selector matches its template or whose template its
 * selector matches: candidates from the label index and the selector index, checked exactly by the caller.
 */
function candidatesAfter(run: RunContext, self: Workload): Workload[] {
  const ix = namespaceIndex(run, self.namespace);
  const c = contenders(run, self.namespace, ix);
  const out = new Set<Workload>();
  const take = (list: readonly Workload[] | undefined) => {
    if (list) for (const w of list) if (w.index > self.index && c.eligible.has(w)) out.add(w);
  };
  take(selectorCandidates(ix, self.selector!));
  for (const key of Object.keys(self.labels)) {
    take(c.byLabel.get(key)?.get(self.labels[key]!));
    take(c.byKey.get(key));
  }
  take(c.unfiled);
  return [...out].sort((a, b) => a.index - b.index);
}

/**
 * Two DaemonSets whose node restrictions no node meets together (Linux and Windows twins): each controller manages only
 * the Pods whose controllerRef names it, and their Pods never share a node, so nothing is fought over.
 */
function disjointDaemonSets(a: Workload, b: Workload): boolean {
  return a.kind === 'DaemonSet' && b.kind === 'DaemonSet' && !templatesMayShareNode(a.template, b.template);
}

function label(w: Workload): string {
  return `${w.kind} ${w.manifest.ref.name ?? '(unnamed)'}`;
}

/** Overlapping controllers named in one finding before the rest are counted. */
const MAX_NAMED = 5;

const rule: Rule = {
  meta: {
    id: 'overlapping-selectors',
    severity: 'warning',
    description: 'Two controllers in one namespace must not have selectors that match the same Pod template.',
    kinds: CONTROLLER_KINDS,
    tags: ['correctness', 'cross-resource'],
    messages: {
      overlap:
        "{{controller}} and {{others}} in namespace {{namespace}} select the same Pods: {{how}}, so the controllers fight over them and delete or replace each other's Pods. Add a label unique to each template and select on it.",
    },
  },
  check(ctx) {
    const self = workloadOf(ctx.run, ctx.manifest);
    if (!self?.selector || ownedByController(self)) return;
    const overlaps: { other: Workload; how: string }[] = [];
    const sel = (w: Workload) => w.selector!.requirements.map(describeRequirement).join(', ');
    for (const other of candidatesAfter(ctx.run, self)) {
      const mineMatchesTheirs = selectorMatches(self.selector, other.labels);
      const theirsMatchesMine = selectorMatches(other.selector!, self.labels);
      if (!mineMatchesTheirs && !theirsMatchesMine) continue;
      if (disjointDaemonSets(self, other)) continue;
      const how =
        mineMatchesTheirs && theirsMatchesMine
          ? `each selector (${sel(self)} / ${sel(other)}) matches both Pod templates`
          : mineMatchesTheirs
            ? `the selector ${sel(self)} of ${label(self)} also matches the Pods of ${label(other)}`
            : `the selector ${sel(other)} of ${label(other)} also matches the Pods of ${label(self)}`;
      overlaps.push({ other, how });
    }
    if (!overlaps.length) return;
    // One finding per controller, however many others it overlaps: n identical controllers give n findings, not n².
    const first = overlaps[0]!;
    const shown = overlaps.slice(0, MAX_NAMED);
    const others =
      overlaps.length === 1
        ? label(first.other)
        : `${shown.map((o) => label(o.other)).join(', ')}${overlaps.length > MAX_NAMED ? ` and ${overlaps.length - MAX_NAMED} more` : ''}`;
    const how = overlaps.length === 1 ? first.how : `e.g. with ${label(first.other)}, ${first.how}`;
    ctx.report({
      path: ['spec', 'selector'],
      messageId: 'overlap',
      data: { controller: label(self), others, namespace: self.namespace, how },
      related: shown.map((o) => ({ manifest: o.other.manifest, path: ['spec', 'selector'], message: `selector of ${label(o.other)}` })),
    });
  },
};
export default rule;
