// Guards against Services whose selector matches no Pod template: they have no endpoints.
import { namespaceIndex, runLabelIndex, selectorCandidates, serviceSelector, type LabelIndex, type Workload } from '../src/k8s/run-index.js';
import { describeRequirement, failedRequirements, selectorMatches, type ParsedSelector } from '../src/k8s/selectors.js';
import { displayName } from '../src/k8s/workloads.js';
import type { RunContext, Rule } from '../src/types.js';

/**
 * How close a template comes to a selector: two points per requirement met, one per requirement failed on a label
 * the template has with another value. Zero: unrelated.
 */
function score(sel: ParsedSelector, w: Workload): number {
  const failed = failedRequirements(sel, w.labels);
  return (sel.requirements.length - failed.length) * 2 + failed.filter((r) => w.labels[r.key] !== undefined).length;
}

/** Templates of a namespace grouped by their set of label keys; and the groups holding each key. */
interface KeyGroups {
  groups: { members: Workload[] }[];
  byKey: Map<string, { members: Workload[] }[]>;
}
const GROUPS_KEY = 'service-selects-nothing:key-groups';

function keyGroups(run: RunContext, namespace: string, ix: LabelIndex): KeyGroups {
  let all = run.cache.get(GROUPS_KEY) as Map<string, KeyGroups> | undefined;
  if (!all) run.cache.set(GROUPS_KEY, (all = new Map()));
  let kg = all.get(namespace);
  if (kg) return kg;
  const bySignature = new Map<string, { members: Workload[] }>();
  kg = { groups: [], byKey: new Map() };
  for (const w of ix.workloads) {
    const keys = Object.keys(w.labels).sort();
    const sig = JSON.stringify(keys);
    let g = bySignature.get(sig);
    if (!g) {
      bySignature.set(sig, (g = { members: [] }));
      kg.groups.push(g);
      for (const k of keys) {
        const l = kg.byKey.get(k);
        if (l) l.push(g);
        else kg.byKey.set(k, [g]);
      }
    }
    g.members.push(w);
  }
  all.set(namespace, kg);
  return kg;
}

/**
 * The first template (in run order) with the highest positive score, or undefined. Equivalent to scoring every
 * template of the namespace, without doing so: a template that meets a requirement carries one of the selector's
 * key=value labels (found through the label index and scored); one that meets none scores the number of selector
 * keys it has, the same for every template with the same label keys, so each such group needs only its first member.
 */
function closestWorkload(run: RunContext, namespace: string, ix: LabelIndex, sel: ParsedSelector): Workload | undefined {
  let best: { w: Workload; score: number } | undefined;
  const consider = (w: Workload, s: number) => {
    if (s > 0 && (!best || s > best.score || (s === best.score && w.index < best.w.index))) best = { w, score: s };
  };
  if (sel.errors.length || sel.requirements.some((r) => r.operator !== 'In')) {
    for (const w of ix.workloads) consider(w, score(sel, w));
    return best?.w;
  }
  const meetsOne = new Set<Workload>();
  for (const r of sel.requirements) {
    const values = ix.byLabel.get(r.key);
    for (const v of r.values) for (const w of values?.get(v) ?? []) meetsOne.add(w);
  }
  for (const w of meetsOne) consider(w, score(sel, w));
  const kg = keyGroups(run, namespace, ix);
  // A key every label set answers for (an Object.prototype member such as `constructor`) makes every group count.
  const inherited = sel.requirements.some((r) => ({} as Record<string, unknown>)[r.key] !== undefined);
  const groups = inherited ? kg.groups : new Set(sel.requirements.flatMap((r) => kg.byKey.get(r.key) ?? []));
  for (const g of groups) {
    const first = g.members.find((w) => !meetsOne.has(w));
    if (!first) continue;
    // Meets no requirement: its score is the number of requirements whose key it has.
    consider(first, sel.requirements.filter((r) => first.labels[r.key] !== undefined).length);
  }
  return best?.w;
}

const NO_MATCH =
  'Service {{service}} selects {{selector}}, but no Pod template in namespace {{namespace}} has these labels: the Service has no endpoints and every connection to it fails.';

const rule: Rule = {
  meta: {
    id: 'service-selects-nothing',
    severity: 'warning',
    description: 'A Service selector must match the Pod template of a workload in its namespace.',
    kinds: ['Service'],
    tags: ['correctness', 'cross-resource'],
    messages: {
      noMatch: `${NO_MATCH} Fix the selector or the template labels.`,
      otherNamespace: `${NO_MATCH} {{workload}} in namespace {{otherNamespace}} matches: is the Service in the wrong namespace? Fix the selector or the template labels.`,
      closest: `${NO_MATCH} The closest is {{workload}}, whose Pods have {{labels}}. Fix the selector or the template labels.`,
    },
  },
  check(ctx) {
    const sel = serviceSelector(ctx.object);
    if (!sel) return;
    const ns = ctx.manifest.namespace;
    const ix = namespaceIndex(ctx.run, ns);
    if (!ix.workloads.length) return;
    if (selectorCandidates(ix, sel).some((w) => selectorMatches(sel, w.labels))) return;
    const data = { service: displayName(ctx.manifest), selector: sel.requirements.map(describeRequirement).join(', '), namespace: ctx.manifest.namespace };
    const elsewhere = selectorCandidates(runLabelIndex(ctx.run), sel).find((w) => w.namespace !== ns && selectorMatches(sel, w.labels));
    const closest = elsewhere ? undefined : closestWorkload(ctx.run, ns, ix, sel);
    const message =
      elsewhere
        ? { messageId: 'otherNamespace', data: { ...data, workload: `${elsewhere.kind} ${elsewhere.manifest.ref.name ?? '(unnamed)'}`, otherNamespace: elsewhere.namespace } }
        : closest
          ? {
              messageId: 'closest',
              data: {
                ...data,
                workload: `${closest.kind} ${closest.manifest.ref.name ?? '(unnamed)'}`,
                labels: failedRequirements(sel, closest.labels)
                  .map((r) => (closest.labels[r.key] === undefined ? `no ${r.key} label` : `${r.key}=${closest.labels[r.key]}`))
                  .join(', '),
              },
            }
          : { messageId: 'noMatch', data };
    const near = elsewhere ?? closest;
    ctx.report({
      path: ['spec', 'selector'],
      ...message,
      related: near ? [{ manifest: near.manifest, path: near.template.metadataPath.concat('labels'), message: `Pod template labels of ${near.kind} ${near.manifest.ref.name ?? ''}` }] : undefined,
    });
  },
};
export default rule;
