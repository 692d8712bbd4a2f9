// Guards against Services whose selector matches no Pod template: they have no endpoints.
import { namespaceIndex, runLabelIndex, selectorCandidates, serviceSelector, type LabelIndex, type Workload } from '../src/k8s/run-index.js';
import { describeRequirement, requirementMatches, selectorMatches, type ParsedSelector, type Requirement } from '../src/k8s/selectors.js';
import { displayName } from '../src/k8s/workloads.js';
import type { Rule } from '../src/types.js';
import { defaultMaxDistance, editDistance } from '../src/util/suggest.js';

/**
 * Labels a controller adds to the Pods it creates, which no template carries: a selector may require them. Each maps
 * to the kinds that add it and, where the value is known from the object, a check of the value.
 */
interface RuntimeLabel {
  kinds: readonly string[];
  value?: (w: Workload, v: string) => boolean;
}
const RUNTIME_LABELS: ReadonlyMap<string, RuntimeLabel> = new Map<string, RuntimeLabel>([
  ['pod-template-hash', { kinds: ['Deployment', 'ReplicaSet'] }],
  ['controller-revision-hash', { kinds: ['DaemonSet', 'StatefulSet'] }],
  ['pod-template-generation', { kinds: ['DaemonSet'] }],
  ['statefulset.kubernetes.io/pod-name', { kinds: ['StatefulSet'], value: (w, v) => v.startsWith(`${w.manifest.ref.name}-`) && /^\d+$/.test(v.slice(`${w.manifest.ref.name}-`.length)) }],
  ['apps.kubernetes.io/pod-index', { kinds: ['StatefulSet'], value: (_, v) => /^\d+$/.test(v) }],
  ['batch.kubernetes.io/job-name', { kinds: ['Job', 'CronJob'], value: (w, v) => w.kind === 'CronJob' || v === w.manifest.ref.name }],
  ['job-name', { kinds: ['Job', 'CronJob'], value: (w, v) => w.kind === 'CronJob' || v === w.manifest.ref.name }],
  ['batch.kubernetes.io/controller-uid', { kinds: ['Job', 'CronJob'] }],
  ['controller-uid', { kinds: ['Job', 'CronJob'] }],
  ['batch.kubernetes.io/job-completion-index', { kinds: ['Job'], value: (_, v) => /^\d+$/.test(v) }],
]);

/** Whether a requirement on a label the workload's controller adds at run time holds for its Pods. */
function holdsAtRunTime(r: Requirement, w: Workload): boolean {
  const known = RUNTIME_LABELS.get(r.key);
  if (!known || r.operator !== 'In' || Object.hasOwn(w.labels, r.key) || !known.kinds.includes(w.kind)) return false;
  return r.values.some((v) => !known.value || known.value(w, v));
}

/** The selector without its run-time label requirements, and those requirements. */
function splitRuntime(sel: ParsedSelector): { fixed: ParsedSelector; runtime: Requirement[] } {
  const runtime = sel.requirements.filter((r) => RUNTIME_LABELS.has(r.key) && r.operator === 'In');
  if (!runtime.length) return { fixed: sel, runtime };
  return { fixed: { ...sel, requirements: sel.requirements.filter((r) => !runtime.includes(r)) }, runtime };
}

/** Whether some workload of `ix` runs Pods the selector matches, counting labels controllers add at run time. */
function selectsSomething(ix: LabelIndex, sel: ParsedSelector): boolean {
  const { fixed, runtime } = splitRuntime(sel);
  const candidates = fixed.requirements.length ? selectorCandidates(ix, fixed) : ix.workloads;
  return candidates.some((w) => selectorMatches(fixed, w.labels) && runtime.every((r) => holdsAtRunTime(r, w)));
}

/** How a workload's template misses a selector by one requirement. */
interface NearMiss {
  w: Workload;
  /** Requirements it meets (more is closer). */
  met: number;
  difference: string;
}

/** Distinct values (or keys) examined for a typo per requirement: bounds the work of one Service. */
const TYPO_BUDGET = 2000;

function isTypo(a: string, b: string): boolean {
  if (a === b) return false;
  if (a.toLowerCase() === b.toLowerCase()) return true;
  const limit = defaultMaxDistance(a);
  return Math.abs(a.length - b.length) <= limit && editDistance(a, b) <= limit;
}

const want = (r: Requirement) => `the selector wants ${describeRequirement(r)}`;

/**
 * The workload the Service most likely meant: one whose template fails exactly one of the selector's requirements
 * while meeting another (a missing label, or a value that differs by a typo), or, for a one-label selector, one whose label differs by a
 * typo in the value or the key. Undefined when no template comes that close: then nothing in the run is a near miss.
 */
function nearMiss(ix: LabelIndex, sel: ParsedSelector): NearMiss | undefined {
  if (sel.errors.length) return undefined;
  let best: NearMiss | undefined;
  const consider = (m: NearMiss) => {
    if (!best || m.met > best.met || (m.met === best.met && m.w.index < best.w.index)) best = m;
  };
  // Templates meeting some requirement, found through the label index: those that fail exactly one.
  const seen = new Set<Workload>();
  for (const r of sel.requirements) {
    if (r.operator !== 'In') continue;
    for (const v of new Set(r.values))
      for (const w of ix.byLabel.get(r.key)?.get(v) ?? []) {
        if (seen.has(w)) continue;
        seen.add(w);
        const failed = sel.requirements.filter((x) => !requirementMatches(x, w.labels) && !holdsAtRunTime(x, w));
        if (failed.length !== 1) continue;
        const f = failed[0]!;
        const has = Object.hasOwn(w.labels, f.key) ? w.labels[f.key] : undefined;
        // Another value that is not a typo may well be another component's Pods (an operator next to its agent).
        if (has !== undefined && !f.values.some((v) => isTypo(v, has))) continue;
        consider({ w, met: sel.requirements.length - 1, difference: has === undefined ? `no ${f.key} label (${want(f)})` : `${f.key}=${has} (${want(f)})` });
      }
  }
  if (best || sel.requirements.length !== 1) return best;
  // One requirement and no template with that label: a typo in its value or its key.
  const r = sel.requirements[0]!;
  if (r.operator !== 'In' || r.values.length !== 1) return undefined;
  const value = r.values[0]!;
  let budget = TYPO_BUDGET;
  for (const [v, ws] of ix.byLabel.get(r.key) ?? []) {
    if (budget-- <= 0) break;
    if (isTypo(value, v)) consider({ w: ws[0]!, met: 0, difference: `${r.key}=${v} (${want(r)})` });
  }
  if (best) return best;
  budget = TYPO_BUDGET;
  for (const [key, values] of ix.byLabel) {
    if (budget-- <= 0) break;
    const ws = values.get(value);
    if (ws && isTypo(r.key, key)) consider({ w: ws[0]!, met: 0, difference: `${key}=${value} (${want(r)})` });
  }
  return best;
}

const NO_MATCH = 'Service {{service}} selects {{selector}}, but no Pod template in namespace {{namespace}} has these labels';

const rule: Rule = {
  meta: {
    id: 'service-selects-nothing',
    severity: 'error',
    description: 'A Service selector must match the Pod template of a workload in its namespace.',
    kinds: ['Service'],
    tags: ['correctness', 'cross-resource'],
    messages: {
      nearMiss: `${NO_MATCH}: the Service has no endpoints and every connection to it fails. It most likely means {{workload}}, whose Pods have {{difference}}. Fix the selector or the template labels.`,
      otherNamespace: `${NO_MATCH}: the Service has no endpoints and every connection to it fails. {{workload}} in namespace {{otherNamespace}} matches: is the Service in the wrong namespace? Fix the selector or the template labels.`,
      noMatch: 'Service {{service}} selects {{selector}}, and no Pod template among the linted files in namespace {{namespace}} has these labels or comes close. Its Pods may come from elsewhere (another addon or chart, or labels a controller adds to the Pods it creates); if nothing provides them, the Service has no endpoints.',
    },
  },
  check(ctx) {
    const sel = serviceSelector(ctx.object);
    if (!sel) return;
    const ns = ctx.manifest.namespace;
    const ix = namespaceIndex(ctx.run, ns);
    if (!ix.workloads.length) return;
    if (selectsSomething(ix, sel)) return;
    const data = { service: displayName(ctx.manifest), selector: sel.requirements.map(describeRequirement).join(', '), namespace: ns };
    const name = (w: Workload) => `${w.kind} ${w.manifest.ref.name ?? '(unnamed)'}`;
    const related = (w: Workload) => [{ manifest: w.manifest, path: w.template.metadataPath.concat('labels'), message: `Pod template labels of ${name(w)}` }];
    const elsewhere = selectorCandidates(runLabelIndex(ctx.run), sel).find((w) => w.namespace !== ns && selectorMatches(sel, w.labels));
    if (elsewhere) {
      ctx.report({
        path: ['spec', 'selector'],
        severity: 'warning',
        messageId: 'otherNamespace',
        data: { ...data, workload: name(elsewhere), otherNamespace: elsewhere.namespace },
        related: related(elsewhere),
      });
      return;
    }
    const near = nearMiss(ix, sel);
    if (near) {
      ctx.report({ path: ['spec', 'selector'], messageId: 'nearMiss', data: { ...data, workload: name(near.w), difference: near.difference }, related: related(near.w) });
      return;
    }
    ctx.report({ path: ['spec', 'selector'], severity: 'info', messageId: 'noMatch', data });
  },
};
export default rule;
