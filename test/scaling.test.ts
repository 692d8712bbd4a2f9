// Scaling: the cross-resource rules and the suppression pass look objects up through per-run and per-file indexes
// instead of scanning (src/k8s/run-index.ts, the rules' own indexes, src/engine/suppress.ts). An index may only narrow
// what is checked, never change a result: here the real rules and the real `applySuppressions` are compared, on
// generated multi-namespace corpora full of overlaps, near misses and collisions, with brute-force references kept in
// this file (the implementations before the indexes: a linear search per lookup, every pair compared).
import { Parser, stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { allRules } from '../rules/index.js';
import { createRun, lintAsync, renderMessage } from '../src/engine/lint.js';
import {
  IGNORE_ANNOTATION,
  UNUSED_SUPPRESSION,
  annotationDirectives,
  applySuppressions,
  commentDirectives,
  parseRuleList,
  waiverMatchesObject,
  type AnnotationDirective,
  type CommentDirective,
  type DirectiveKind,
  type SuppressOptions,
  type SuppressResult,
  type Waiver,
} from '../src/engine/suppress.js';
import { collectComments, type CstComment } from '../src/engine/directives.js';
import { describeReasonShort, analyzeTemplate, listNames, onlyLinuxRestricted, templatesMayShareNode, type ExclusionReason } from '../src/k8s/nodes.js';
import { claimsCollide, declaredPorts, describeClaim, type DeclaredPort, type HostPortClaim } from '../src/k8s/ports.js';
import { CONTROLLER_KINDS, matchingWorkloads, namespaceIndex, placementsOf, runLabelIndex, runWorkloads, serviceSelector, workloadOf, type Workload } from '../src/k8s/run-index.js';
import { describeRequirement, failedRequirements, parseLabelSelector, selectorMatches } from '../src/k8s/selectors.js';
import { displayName, isRecord, type PodTemplate } from '../src/k8s/workloads.js';
import { parseSource } from '../src/load/parse.js';
import { closest, defaultMaxDistance, editDistance } from '../src/util/suggest.js';
import { INVENTORY, corpus, rng } from './helpers/cross-corpus.js';
import type { Finding, Manifest, NodeInfo, Path, Range, RelatedReport, Rule, RunContext, SourceFile, Suppression } from '../src/types.js';

// ------------------------------------------------------------------ brute-force references

function realRule(id: string): Rule {
  const r = allRules.find((x) => x.meta.id === id);
  if (!r) throw new Error(`no rule ${id}`);
  return r;
}

const KUBELET_PORT = 10250;
type PolicyField = 'internalTrafficPolicy' | 'externalTrafficPolicy';

function refWorkloadOf(run: RunContext, m: Manifest): Workload | undefined {
  return runWorkloads(run).find((w) => w.manifest === m);
}

function refSelectedWorkloads(run: RunContext, service: Manifest): Workload[] {
  const sel = serviceSelector(service.object);
  if (!sel) return [];
  return runWorkloads(run).filter((w) => w.namespace === service.namespace && w.kind !== 'Job' && w.kind !== 'CronJob' && selectorMatches(sel, w.labels));
}

function refHostPortClaims(t: PodTemplate): HostPortClaim[] {
  const hostNetwork = t.spec.hostNetwork === true;
  const out: HostPortClaim[] = [];
  for (const p of declaredPorts(t)) {
    let claim: HostPortClaim | undefined;
    if (p.hostPort !== undefined) claim = { port: p.hostPort, protocol: p.protocol, hostIP: p.hostIP, container: p.container, via: 'hostPort', path: [...p.path, 'hostPort'] };
    else if (hostNetwork && p.containerPort !== undefined)
      claim = { port: p.containerPort, protocol: p.protocol, hostIP: p.hostIP, container: p.container, via: 'hostNetwork', path: [...p.path, 'containerPort'] };
    if (claim && !out.some((o) => o.port === claim.port && o.protocol === claim.protocol && o.hostIP === claim.hostIP)) out.push(claim);
  }
  return out;
}

function refClaimsOf(run: RunContext, w: Workload): HostPortClaim[] {
  let map = run.cache.get('test:ref-claims') as Map<Workload, HostPortClaim[]> | undefined;
  if (!map) run.cache.set('test:ref-claims', (map = new Map()));
  let c = map.get(w);
  if (!c) map.set(w, (c = refHostPortClaims(w.template)));
  return c;
}

function refSharedNodes(run: RunContext, a: Workload, b: Workload): string[] | undefined {
  const pa = placementsOf(run, a);
  const pb = placementsOf(run, b);
  if (!pa || !pb || !run.nodes?.length) return undefined;
  return pa.filter((p, i) => p.runs && pb[i]!.runs).map((p) => p.node.name);
}

function refOwnedByController(w: Workload): boolean {
  const md = w.manifest.object.metadata;
  return isRecord(md) && Array.isArray(md.ownerReferences) && md.ownerReferences.some((o: unknown) => isRecord(o) && o.controller === true);
}

function refLabel(w: Workload): string {
  return `${w.kind} ${w.manifest.ref.name ?? '(unnamed)'}`;
}

function refPolicyField(spec: Record<string, any>): PolicyField | undefined {
  if (spec.internalTrafficPolicy === 'Local') return 'internalTrafficPolicy';
  const type = spec.type ?? 'ClusterIP';
  if (spec.externalTrafficPolicy === 'Local' && (type === 'NodePort' || type === 'LoadBalancer')) return 'externalTrafficPolicy';
  return undefined;
}

function refReasonPath(w: Workload, r: ExclusionReason): Path {
  return r.kind === 'taint' ? w.constraints.tolerationsPath : r.path;
}

function refNames(ws: readonly Workload[]): string {
  return listNames(ws.map((w) => w.manifest.ref.name ?? '(unnamed)'));
}

function refDescribePort(p: DeclaredPort): string {
  return `${p.name ? `${p.name} ` : ''}${p.containerPort ?? '?'}/${p.protocol}`;
}

/** The cross-resource rules as they were before the indexes: every lookup a scan, every pair compared. */
const referenceRules: Rule[] = [
  {
    meta: realRule('overlapping-selectors').meta,
  check(ctx) {
    const self = refWorkloadOf(ctx.run, ctx.manifest);
    if (!self?.selector || refOwnedByController(self)) return;
    const overlaps: { other: Workload; how: string }[] = [];
    for (const other of runWorkloads(ctx.run)) {
      if (other.index <= self.index || other.namespace !== self.namespace || !other.selector) continue;
      if (!(CONTROLLER_KINDS as readonly string[]).includes(other.kind) || refOwnedByController(other)) continue;
      const mineMatchesTheirs = selectorMatches(self.selector, other.labels);
      const theirsMatchesMine = selectorMatches(other.selector, self.labels);
      if (!mineMatchesTheirs && !theirsMatchesMine) continue;
      if (self.kind === 'DaemonSet' && other.kind === 'DaemonSet' && !templatesMayShareNode(self.template, other.template)) continue;
      const sel = (w: Workload) => w.selector!.requirements.map(describeRequirement).join(', ');
      const how =
        mineMatchesTheirs && theirsMatchesMine
          ? `each selector (${sel(self)} / ${sel(other)}) matches both Pod templates`
          : mineMatchesTheirs
            ? `the selector ${sel(self)} of ${refLabel(self)} also matches the Pods of ${refLabel(other)}`
            : `the selector ${sel(other)} of ${refLabel(other)} also matches the Pods of ${refLabel(self)}`;
      overlaps.push({ other, how });
    }
    if (!overlaps.length) return;
    const shown = overlaps.slice(0, 5);
    const names = overlaps.length === 1 ? refLabel(overlaps[0]!.other) : shown.map((o) => refLabel(o.other)).join(', ') + (overlaps.length > 5 ? ` and ${overlaps.length - 5} more` : '');
    const how = overlaps.length === 1 ? overlaps[0]!.how : `e.g. with ${refLabel(overlaps[0]!.other)}, ${overlaps[0]!.how}`;
    ctx.report({
      path: ['spec', 'selector'],
      messageId: 'overlap',
      data: { controller: refLabel(self), others: names, namespace: self.namespace, how },
      related: shown.map((o) => ({ manifest: o.other.manifest, path: ['spec', 'selector'], message: `selector of ${refLabel(o.other)}` })),
    });
  },
  },
  {
    meta: realRule('host-port-conflict').meta,
  check(ctx) {
    const self = refWorkloadOf(ctx.run, ctx.manifest);
    if (!self) return;
    const mine = refClaimsOf(ctx.run, self);
    if (!mine.length) return;
    const name = `${self.kind} ${displayName(ctx.manifest)}`;
    for (const c of mine) {
      if (c.port !== KUBELET_PORT) continue;
      ctx.report({ path: c.path, messageId: 'kubeletPort', data: { workload: name, claim: describeClaim(c) } });
    }
    if (self.kind !== 'DaemonSet') return;
    // Every other workload it collides with, in run order; one finding naming the first five and counting the rest.
    const colliding: { other: Workload; pairs: { a: HostPortClaim; b: HostPortClaim }[]; shared?: string[] }[] = [];
    for (const other of runWorkloads(ctx.run)) {
      if (other === self) continue;
      const theirs = refClaimsOf(ctx.run, other);
      const pairs = mine.flatMap((a) => theirs.filter((b) => claimsCollide(a, b) && a.port !== KUBELET_PORT).map((b) => ({ a, b })));
      if (!pairs.length) continue;
      const shared = refSharedNodes(ctx.run, self, other);
      if (shared ? shared.length === 0 : !templatesMayShareNode(self.template, other.template)) continue;
      colliding.push({ other, pairs, ...(shared ? { shared } : {}) });
    }
    if (!colliding.length) return;
    const collidingPorts = new Set(colliding.flatMap((c) => c.pairs.map(({ a }) => `${a.port}/${a.protocol}`)));
    const ports = [...new Set(mine.map((c) => `${c.port}/${c.protocol}`))].filter((p) => collidingPorts.has(p));
    const path = mine.find((c) => c.port !== KUBELET_PORT && collidingPorts.has(`${c.port}/${c.protocol}`))!.path;
    const label = (w: Workload) => `${w.kind} ${displayName(w.manifest)}`;
    const shown = colliding.slice(0, 5);
    const related = shown.flatMap((c) =>
      c.pairs.map(({ b }) => ({ manifest: c.other.manifest, path: b.path, message: `${label(c.other)} claims ${describeClaim(b)}${colliding.length > 1 && c.shared ? ` (nodes in common: ${listNames(c.shared)})` : ''}` })),
    );
    const one = colliding[0]!;
    if (colliding.length === 1) {
      const data = { workload: name, other: label(one.other), ports: ports.join(', ') };
      ctx.report({
        path,
        ...(one.shared ? { messageId: 'conflict', data: { ...data, nodes: listNames(one.shared) } } : { messageId: 'conflictNoInventory', data }),
        related,
      });
      return;
    }
    const others = `${shown.map((c) => label(c.other)).join(', ')}${colliding.length > 5 ? ` and ${colliding.length - 5} more` : ''}`;
    ctx.report({
      path,
      messageId: one.shared ? 'conflictMany' : 'conflictManyNoInventory',
      data: { workload: name, ports: ports.join(', '), count: colliding.length, others },
      related,
    });
  },
  },
  {
    meta: realRule('service-selects-nothing').meta,
  check(ctx) {
    // The generated corpus uses no label a controller adds at run time: a plain match is the whole test here.
    const sel = serviceSelector(ctx.object);
    if (!sel) return;
    const inNs = runWorkloads(ctx.run).filter((w) => w.namespace === ctx.manifest.namespace);
    if (!inNs.length) return;
    if (inNs.some((w) => selectorMatches(sel, w.labels))) return;
    const data = { service: displayName(ctx.manifest), selector: sel.requirements.map(describeRequirement).join(', '), namespace: ctx.manifest.namespace };
    const name = (w: Workload) => `${w.kind} ${w.manifest.ref.name ?? '(unnamed)'}`;
    const related = (w: Workload) => [{ manifest: w.manifest, path: w.template.metadataPath.concat('labels'), message: `Pod template labels of ${name(w)}` }];
    const elsewhere = runWorkloads(ctx.run).find((w) => w.namespace !== ctx.manifest.namespace && selectorMatches(sel, w.labels));
    if (elsewhere) {
      ctx.report({ path: ['spec', 'selector'], severity: 'warning', messageId: 'otherNamespace', data: { ...data, workload: name(elsewhere), otherNamespace: elsewhere.namespace }, related: related(elsewhere) });
      return;
    }
    const has = (w: Workload, k: string) => Object.prototype.hasOwnProperty.call(w.labels, k);
    const typo = (a: string, b: string) => a !== b && (a.toLowerCase() === b.toLowerCase() || editDistance(a, b) <= defaultMaxDistance(a));
    const want = (r: (typeof sel.requirements)[number]) => `the selector wants ${describeRequirement(r)}`;
    let near: { w: Workload; difference: string } | undefined;
    if (!sel.errors.length) {
      // Every template that meets one requirement and fails exactly one other, by a missing label or a typo.
      for (const w of inNs) {
        if (near) break;
        const failed = failedRequirements(sel, w.labels);
        if (failed.length !== 1 || failed.length === sel.requirements.length) continue;
        const f = failed[0]!;
        if (!has(w, f.key)) near = { w, difference: `no ${f.key} label (${want(f)})` };
        else if (f.values.some((v) => typo(v, w.labels[f.key]!))) near = { w, difference: `${f.key}=${w.labels[f.key]} (${want(f)})` };
      }
      const r = sel.requirements[0];
      if (!near && sel.requirements.length === 1 && r!.operator === 'In' && r!.values.length === 1) {
        const value = r!.values[0]!;
        const byValue = inNs.find((w) => has(w, r!.key) && typo(value, w.labels[r!.key]!));
        if (byValue) near = { w: byValue, difference: `${r!.key}=${byValue.labels[r!.key]} (${want(r!)})` };
        else {
          for (const w of inNs) {
            const key = Object.keys(w.labels).find((k) => w.labels[k] === value && typo(r!.key, k));
            if (key !== undefined) {
              near = { w, difference: `${key}=${value} (${want(r!)})` };
              break;
            }
          }
        }
      }
    }
    if (near) ctx.report({ path: ['spec', 'selector'], messageId: 'nearMiss', data: { ...data, workload: name(near.w), difference: near.difference }, related: related(near.w) });
    else ctx.report({ path: ['spec', 'selector'], severity: 'info', messageId: 'noMatch', data });
  },
  },
  {
    meta: realRule('service-target-port').meta,
  check(ctx) {
    const spec = ctx.object.spec;
    if (!isRecord(spec) || !Array.isArray(spec.ports)) return;
    const selected = refSelectedWorkloads(ctx.run, ctx.manifest);
    if (!selected.length) return;
    const declared = selected.flatMap((w) => declaredPorts(w.template).map((p) => ({ w, p })));
    // However many workloads the Service selects, a finding names the first five and counts the rest.
    const who = listNames(selected.map((w) => `${w.kind} ${w.manifest.ref.name ?? '(unnamed)'}`));
    const shown = selected.slice(0, 5);
    const svc = `Service ${displayName(ctx.manifest)}`;
    const listDeclared = () => (declared.length ? `declared: ${listNames([...new Set(declared.map(({ p }) => refDescribePort(p)))], 10)}` : 'no container declares any port');
    spec.ports.forEach((port: unknown, i: number) => {
      if (!isRecord(port)) return;
      const protocol = typeof port.protocol === 'string' && port.protocol !== '' ? port.protocol : 'TCP';
      const hasTarget = port.targetPort !== undefined && port.targetPort !== null;
      const target = hasTarget ? port.targetPort : port.port;
      const path = ['spec', 'ports', i, hasTarget ? 'targetPort' : 'port'];
      const label = typeof port.name === 'string' && port.name ? `port ${port.name} (${String(port.port)})` : `port ${String(port.port)}`;
      if (typeof target === 'string' && !/^\d+$/.test(target)) {
        if (declared.some(({ p }) => p.name === target && p.protocol === protocol)) return;
        const otherProto = declared.find(({ p }) => p.name === target);
        const data = { service: svc, port: label, target, protocol, workloads: who };
        ctx.report({
          path,
          ...(otherProto
            ? { messageId: 'namedPortOtherProtocol', data: { ...data, container: otherProto.p.container, otherProtocol: otherProto.p.protocol } }
            : { messageId: 'namedPort', data: { ...data, declared: listDeclared() } }),
          related: shown.map((w) => ({ manifest: w.manifest, path: w.template.specPath.concat('containers'), message: `containers of ${w.kind} ${w.manifest.ref.name ?? ''}` })),
        });
        return;
      }
      const n = typeof target === 'number' ? target : typeof target === 'string' ? Number(target) : NaN;
      if (!Number.isInteger(n) || n <= 0) return;
      if (declared.some(({ p }) => p.containerPort === n && p.protocol === protocol)) return;
      ctx.report({
        path,
        severity: 'info',
        messageId: 'numericPort',
        data: { service: svc, port: label, number: n, protocol, workloads: who, declared: listDeclared() },
        related: shown.map((w) => ({ manifest: w.manifest, path: w.template.specPath.concat('containers'), message: `containers of ${w.kind} ${w.manifest.ref.name ?? ''}` })),
      });
    });
  },
  },
  {
    meta: realRule('local-traffic-gap').meta,
  check(ctx) {
    const spec = ctx.object.spec;
    if (!isRecord(spec)) return;
    const field = refPolicyField(spec);
    if (!field) return;
    const selected = refSelectedWorkloads(ctx.run, ctx.manifest);
    if (!selected.length) return;
    const svc = `Service ${displayName(ctx.manifest)}`;
    const path = ['spec', field];
    const daemons = selected.filter((w) => w.kind === 'DaemonSet');
    const others = selected.filter((w) => w.kind !== 'DaemonSet');

    if (!daemons.length) {
      const kinds = [...new Set(others.map((w) => w.kind))].join('/');
      ctx.report({
        path,
        messageId: field === 'internalTrafficPolicy' ? 'notPerNode' : 'notPerNodeExternal',
        data: { service: svc, workloads: `${kinds} ${refNames(others)}`, verb: others.length === 1 ? 'does' : 'do' },
        related: others.slice(0, 5).map((w) => ({ manifest: w.manifest, path: ['kind'], message: `${w.kind} ${w.manifest.ref.name ?? ''} runs a fixed number of replicas, not one per node` })),
      });
      return;
    }

    const nodes = ctx.run.nodes;
    if (nodes && nodes.length) {
      const placements = daemons.map((w) => ({ w, p: placementsOf(ctx.run, w)! }));
      const uncovered = nodes.map((n, i) => ({ n, i })).filter(({ i }) => placements.every(({ p }) => !p[i]!.runs));
      if (!uncovered.length) return;
      const reasons: string[] = [];
      const related: RelatedReport[] = [];
      for (const { w, p } of placements.slice(0, 5)) {
        for (const { i } of uncovered) {
          for (const r of p[i]!.reasons) {
            const short = describeReasonShort(r);
            const text = daemons.length > 1 ? `${w.manifest.ref.name}: ${short}` : short;
            if (!reasons.includes(text)) reasons.push(text);
            const rp = refReasonPath(w, r);
            const nodesHere = uncovered.filter(({ i: j }) => p[j]!.reasons.some((x) => describeReasonShort(x) === short)).map(({ n }) => n.name);
            const message = `DaemonSet ${w.manifest.ref.name}: ${short} (${listNames(nodesHere)})`;
            if (!related.some((x) => x.manifest === w.manifest && x.message === message)) related.push({ manifest: w.manifest, path: rp, message });
          }
        }
      }
      const ds = daemons.length === 1 ? `DaemonSet ${refNames(daemons)} does not run there` : `none of DaemonSets ${refNames(daemons)} runs there`;
      ctx.report({
        path,
        messageId: field === 'internalTrafficPolicy' ? 'uncovered' : 'uncoveredExternal',
        data: {
          nodes: listNames(uncovered.map(({ n }) => n.name)),
          service: svc,
          absent: ds,
          reasons: reasons.join('; ') + (daemons.length > 5 ? `; ${daemons.length - 5} more DaemonSets not described here` : ''),
        },
        related,
      });
      return;
    }

    // No inventory: judge from the templates alone.
    const analyses = daemons.map((w) => ({ w, a: analyzeTemplate(w.template) }));
    if (analyses.some(({ a }) => !a.restricted)) return;
    const what =
      analyses
        .slice(0, 5)
        .map(({ w, a }) => `DaemonSet ${w.manifest.ref.name} runs only on nodes matching ${a.summary}`)
        .join(', and ') + (analyses.length > 5 ? `, and ${analyses.length - 5} more DaemonSets are restricted too` : '');
    const linuxOnly = analyses.every(({ a }) => onlyLinuxRestricted(a));
    ctx.report({
      path,
      ...(linuxOnly ? { severity: 'info' as const } : {}),
      messageId: linuxOnly ? (field === 'internalTrafficPolicy' ? 'linuxOnly' : 'linuxOnlyExternal') : field === 'internalTrafficPolicy' ? 'restricted' : 'restrictedExternal',
      data: { service: svc, restrictions: what },
      related: analyses.slice(0, 5).flatMap(({ w, a }) => a.restrictions.map((r) => ({ manifest: w.manifest, path: r.path, message: `DaemonSet ${w.manifest.ref.name} is restricted by ${r.summary}` }))),
    });
  },
  },
];

// applySuppressions before its per-file indexes: every finding scans its file's directives, annotations and manifests.
function sameBase(a: Path | undefined, b: Path): boolean {
  return a !== undefined && a.length === b.length && a.every((s, i) => s === b[i]);
}

function describeRules(rules: readonly string[]): string {
  return rules.length === 1 ? rules[0]! : rules.join(', ');
}

function refApplySuppressions(findings: readonly Finding[], files: readonly SourceFile[], opts: SuppressOptions): SuppressResult {
  const kept: Finding[] = [];
  const suppressed: Finding[] = [];
  const byPath = new Map(files.map((f) => [f.path, f]));
  const known = new Set(opts.ruleIds);

  // Per file: comment directives and annotations, each with a per-rule "used" record.
  interface Entry {
    rules: string[];
    used: Set<string>;
    /** Rules named but strict for this file. */
    strictHit: Set<string>;
  }
  const comments = new Map<SourceFile, { d: CommentDirective; e: Entry }[]>();
  const annotations = new Map<SourceFile, { a: AnnotationDirective; e: Entry }[]>();
  const entry = (rules: string[]): Entry => ({ rules, used: new Set(), strictHit: new Set() });
  for (const file of files) {
    comments.set(
      file,
      commentDirectives(file)
        .filter((d) => d.kind !== 'enable')
        .map((d) => ({ d, e: entry(d.rules) })),
    );
    annotations.set(
      file,
      file.manifests.flatMap(annotationDirectives).map((a) => ({ a, e: entry(a.rules) })),
    );
  }
  const waiverUse = new Map<Waiver, { used: Set<string>; objectSeen: boolean; file?: SourceFile }>();
  for (const file of files) {
    for (const w of opts.waivers?.(file) ?? []) {
      let u = waiverUse.get(w);
      if (!u) waiverUse.set(w, (u = { used: new Set(), objectSeen: false, file }));
      if (file.manifests.some((m) => waiverMatchesObject(w, m.ref, m.namespace))) u.objectSeen = true;
    }
  }

  for (const f of findings) {
    const file = byPath.get(f.file);
    if (!file || f.ruleId === UNUSED_SUPPRESSION) {
      kept.push(f);
      continue;
    }
    const strict = opts.strict?.(f.ruleId, file) ?? false;
    const waived: Suppression[] = [];
    for (const { d, e } of comments.get(file) ?? []) {
      if (!d.rules.includes(f.ruleId) || f.line < d.from! || f.line > d.to!) continue;
      if (strict) e.strictHit.add(f.ruleId);
      else {
        e.used.add(f.ruleId);
        waived.push({ kind: 'inSource', source: 'comment', ...(d.reason ? { justification: d.reason } : {}) });
      }
    }
    if (f.docIndex !== undefined) {
      for (const { a, e } of annotations.get(file) ?? []) {
        if (!a.rules.includes(f.ruleId) || a.manifest.docIndex !== f.docIndex || !sameBase(f.base, a.manifest.base)) continue;
        if (strict) e.strictHit.add(f.ruleId);
        else {
          e.used.add(f.ruleId);
          waived.push({ kind: 'inSource', source: 'annotation', ...(a.reason ? { justification: a.reason } : {}) });
        }
      }
      const m = file.manifests.find((x) => x.docIndex === f.docIndex && sameBase(f.base, x.base));
      for (const w of m ? (opts.waivers?.(file) ?? []) : []) {
        if (!w.rules.includes(f.ruleId) || !waiverMatchesObject(w, m!.ref, m!.namespace)) continue;
        waiverUse.get(w)?.used.add(f.ruleId);
        waived.push({ kind: 'external', source: 'config', ...(w.reason ? { justification: w.reason } : {}) });
      }
    }
    if (waived.length) suppressed.push({ ...f, suppressions: [...(f.suppressions ?? []), ...waived] });
    else kept.push(f);
  }

  // Unused suppressions.
  const report = (file: SourceFile | undefined, displayFile: string, range: Range, message: string) => {
    const sev = opts.unusedSeverity(file);
    if (sev === undefined || sev === 'off') return;
    const messageId = message.endsWith(' or fix the rule id.') ? 'noEffectUnknownRule' : 'noEffect';
    kept.push({ ruleId: UNUSED_SUPPRESSION, severity: sev, message, messageId, file: displayFile, ...range, path: '' });
  };
  const unknownNote = (id: string): string => {
    const near = closest(id, known);
    return `"${id}" is not a daemonlint rule${near ? ` (did you mean ${near}?)` : ''}`;
  };
  const explain = (e: Entry, what: string, strictOf: (r: string) => boolean): string | undefined => {
    const unknown = e.rules.filter((r) => !known.has(r));
    const strictNamed = e.rules.filter((r) => known.has(r) && strictOf(r));
    const idle = e.rules.filter((r) => known.has(r) && !strictOf(r) && !e.used.has(r) && r !== UNUSED_SUPPRESSION);
    const parts: string[] = [];
    if (unknown.length) parts.push(unknown.map(unknownNote).join('; '));
    if (strictNamed.length)
      parts.push(
        `${describeRules(strictNamed)} ${strictNamed.length === 1 ? 'is' : 'are'} strict in the configuration and cannot be suppressed by a comment or annotation${e.strictHit.size ? ' (the finding is still reported)' : ''}`,
      );
    if (idle.length) parts.push(`no ${describeRules(idle)} finding here to suppress`);
    if (!parts.length) return undefined;
    return `This ${what} has no effect: ${parts.join('; ')}. Remove it${unknown.length ? ' or fix the rule id' : ''}.`;
  };
  for (const file of files) {
    const strictOf = (r: string) => opts.strict?.(r, file) ?? false;
    for (const { d, e } of comments.get(file) ?? []) {
      if (!e.rules.length) continue; // Malformed: reported by the rule's file check.
      const msg = explain(e, `daemonlint-${d.kind} comment`, strictOf);
      if (msg) report(file, file.path, d.range, msg);
    }
    for (const { a, e } of annotations.get(file) ?? []) {
      if (!e.rules.length) continue;
      const msg = explain(e, `${IGNORE_ANNOTATION} annotation`, strictOf);
      if (msg) report(file, file.path, file.locate(a.manifest.docIndex, [...a.manifest.base, ...a.path], 'node'), msg);
    }
  }
  for (const [w, u] of waiverUse) {
    const unknown = w.rules.filter((r) => !known.has(r));
    // A waiver for an object this run did not see may be for files outside it: only stale ones are reported.
    const idle = u.objectSeen ? w.rules.filter((r) => known.has(r) && !u.used.has(r)) : [];
    const parts: string[] = [];
    if (unknown.length) parts.push(unknown.map(unknownNote).join('; '));
    if (idle.length) parts.push(`no ${describeRules(idle)} finding on the objects it names`);
    if (parts.length) report(u.file, w.origin.file, w.origin.range, `This waiver has no effect: ${parts.join('; ')}. Remove it${unknown.length ? ' or fix the rule id' : ''}.`);
  }
  return { findings: kept, suppressed };
}


// commentDirectives before its indexes: a linear search per document end, per next line and per enable.
const REF_DIRECTIVE = /^#\s*daemonlint-(disable-next-line|disable-line|disable|enable)(?=\s|$)(.*)$/;
function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}
function lineOf(starts: readonly number[], offset: number): number {
  let lo = 0,
    hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}
function refCommentDirectives(file: SourceFile): CommentDirective[] {
  const text = file.text;
  const out: CommentDirective[] = [];
  if (!text.includes('daemonlint-') || file.problems.some((p) => p.ruleId === 'unrendered-template')) {
    return out;
  }
  const starts = lineStarts(text);
  const comments: CstComment[] = [];
  const docStarts: number[] = [];
  try {
    for (const token of new Parser().parse(text)) {
      if (token.type === 'document') docStarts.push(token.offset);
      collectComments(token, comments);
    }
  } catch {
    return out;
  }
  const lastLine = starts.length;
  // A directive's scope ends with its YAML document: the line before the next document's start.
  const docEndLine = (offset: number): number => {
    const next = docStarts.find((s) => s > offset);
    return next === undefined ? lastLine : Math.max(lineOf(starts, next) - 1, lineOf(starts, offset));
  };
  // Lines holding only a comment or nothing are skipped by disable-next-line.
  const isBlankOrComment = (line: number): boolean => {
    const s = starts[line - 1]!;
    const e = line < starts.length ? starts[line]! - 1 : text.length;
    const t = text.slice(s, e).trim();
    return t === '' || t.startsWith('#');
  };
  comments.sort((a, b) => a.offset - b.offset);
  for (const c of comments) {
    const m = REF_DIRECTIVE.exec(c.source.trimEnd());
    if (!m) continue;
    const kind = m[1] as DirectiveKind;
    const { rules, reason } = parseRuleList(m[2] ?? '');
    const line = lineOf(starts, c.offset);
    const col = c.offset - starts[line - 1]! + 1;
    const d: CommentDirective = { kind, rules, range: { line, column: col, endLine: line, endColumn: col + c.source.trimEnd().length } };
    if (reason) d.reason = reason;
    if (kind === 'disable-line') {
      d.from = d.to = line;
    } else if (kind === 'disable-next-line') {
      let next = line + 1;
      while (next <= lastLine && isBlankOrComment(next)) next++;
      d.from = d.to = Math.min(next, lastLine);
    } else if (kind === 'disable') {
      d.from = line + 1;
      d.to = docEndLine(c.offset);
    }
    out.push(d);
  }
  // Close each disable at the first later enable of the same rule inside its scope.
  for (const d of out) {
    if (d.kind !== 'disable') continue;
    for (const e of out) {
      if (e.kind !== 'enable' || e.range.line <= d.range.line || e.range.line > d.to!) continue;
      if (d.rules.some((r) => e.rules.includes(r))) {
        d.to = e.range.line - 1;
        break;
      }
    }
  }
  return out;
}

// ------------------------------------------------------------------ generated corpora (test/helpers/cross-corpus.ts)

const CROSS_RULES = ['overlapping-selectors', 'host-port-conflict', 'service-selects-nothing', 'service-target-port', 'local-traffic-gap'];

async function lintWith(rules: Rule[], files: { path: string; text: string }[], nodes?: NodeInfo[]): Promise<Finding[]> {
  const parsed = files.map((f) => parseSource({ path: f.path, text: f.text }));
  const { findings, suppressed, internalErrors } = await lintAsync(parsed, { rules, nodes });
  expect(internalErrors).toEqual([]);
  expect(suppressed).toEqual([]);
  return findings;
}

describe('cross-resource rules find exactly what the brute-force references find', () => {
  const real = CROSS_RULES.map(realRule);
  for (const seed of [1, 2, 3, 4, 5, 6]) {
    for (const inventory of [false, true]) {
      it(`seed ${seed}, ${inventory ? 'with' : 'without'} a node inventory`, async () => {
        const files = corpus(seed, 500);
        const nodes = inventory ? INVENTORY : undefined;
        const actual = await lintWith(real, files, nodes);
        const expected = await lintWith(referenceRules, files, nodes);
        expect(actual).toEqual(expected);
        // The corpus exercises every rule (so the comparison compares something).
        const hit = new Set(expected.map((f) => f.ruleId));
        expect([...hit].sort()).toEqual([...CROSS_RULES].sort());
      });
    }
  }
});

describe('applySuppressions with per-file indexes equals the brute-force reference', () => {
  const SUPPRESSIBLE = ['host-network', 'host-port', 'overlapping-selectors', 'service-target-port', 'host-port-conflict', 'schema', 'restart-policy', 'not-a-rule', UNUSED_SUPPRESSION];
  const origin = { file: '.daemonlint.yaml', range: { line: 1, column: 1, endLine: 1, endColumn: 2 } };
  const WAIVERS: Waiver[] = [
    { kind: 'DaemonSet', name: 'o-1*', rules: ['host-network', 'host-port'], reason: 'agents', origin },
    { namespace: 'team-a', rules: ['schema', 'bogus-rule'], origin },
    { name: 'nothing-*', rules: ['host-port'], origin },
  ];

  /** A corpus with directive comments of every form and ignore annotations sprinkled over it. */
  function withWaivers(seed: number): { path: string; text: string }[] {
    const r = rng(seed * 7919);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
    const list = () => Array.from({ length: 1 + Math.floor(r() * 2) }, () => pick(SUPPRESSIBLE)).join(', ');
    return corpus(seed, 400).map((f) => {
      const out: string[] = [];
      for (const line of f.text.split('\n')) {
        const t = r();
        if (t < 0.04) out.push(`# daemonlint-disable-next-line ${list()} -- generated`);
        else if (t < 0.06) out.push(`# daemonlint-disable ${list()}`);
        else if (t < 0.07) out.push(`# daemonlint-enable ${list()}`);
        if (/^ {2}name: o-\d+$/.test(line) && r() < 0.15) {
          out.push(line, `  annotations: { ${IGNORE_ANNOTATION}: "${list()}", daemonlint.io/ignore-reason: generated }`);
        } else out.push(line !== '' && r() < 0.04 ? `${line} # daemonlint-disable-line ${list()}` : line);
      }
      return { path: f.path, text: out.join('\n') };
    });
  }

  for (const seed of [11, 12, 13, 14]) {
    it(`seed ${seed}`, async () => {
      const files = withWaivers(seed).map((f) => parseSource({ path: f.path, text: f.text }));
      const ruleIds = allRules.map((x) => x.meta.id);
      const run = await lintAsync(files, { rules: allRules, nodes: INVENTORY });
      expect(run.internalErrors).toEqual([]);
      // Every finding before suppression, and findings on random lines of random documents besides.
      const r = rng(seed);
      const raw: Finding[] = [...run.findings, ...run.suppressed]
        .filter((f) => f.ruleId !== UNUSED_SUPPRESSION)
        .map(({ suppressions: _s, ...f }) => f);
      for (const file of files) {
        for (let k = 0; k < 20; k++) {
          const m = file.manifests[Math.floor(r() * file.manifests.length)];
          const line = 1 + Math.floor(r() * file.lineCount);
          raw.push({
            ruleId: SUPPRESSIBLE[Math.floor(r() * SUPPRESSIBLE.length)]!,
            severity: 'warning',
            message: `synthetic ${k}`,
            file: file.path,
            line,
            column: 1,
            endLine: line,
            endColumn: 2,
            path: '',
            ...(m && r() < 0.8 ? { object: { ...m.ref }, docIndex: m.docIndex, base: m.base } : {}),
          });
        }
      }
      const opts: SuppressOptions = {
        ruleIds,
        unusedSeverity: (file) => (file && file.path.endsWith('-3.yaml') ? 'off' : 'warning'),
        unusedMessage: (id, data) => renderMessage(realRule(UNUSED_SUPPRESSION), id, data),
        strict: (id, file) => id === 'restart-policy' || (id === 'host-port' && file.path.endsWith('1.yaml')),
        waivers: () => WAIVERS,
      };
      for (const file of files) expect(commentDirectives(file), file.path).toEqual(refCommentDirectives(file));
      const actual = applySuppressions(raw, files, opts);
      const expected = refApplySuppressions(raw, files, opts);
      expect(actual).toEqual(expected);
      // Something was suppressed by each kind of waiver, and something reported unused.
      const sources = new Set(expected.suppressed.flatMap((f) => (f.suppressions ?? []).map((s) => s.source)));
      expect([...sources].sort()).toEqual(['annotation', 'comment', 'config']);
      expect(expected.findings.some((f) => f.ruleId === UNUSED_SUPPRESSION)).toBe(true);
    });
  }
});

describe('comment directives: indexed scopes equal the brute-force reference', () => {
  it('on runs of directive lines, blank tails, enables across documents and many documents in one file', () => {
    const r = rng(99);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
    const RULES = ['host-network', 'host-port', 'schema', 'restart-policy'];
    const list = () => Array.from({ length: 1 + Math.floor(r() * 3) }, () => pick(RULES)).join(', ');
    for (let n = 0; n < 30; n++) {
      const lines: string[] = [];
      const docs = 1 + Math.floor(r() * 40);
      for (let d = 0; d < docs; d++) {
        if (d > 0 || r() < 0.3) lines.push('---');
        const body = ['apiVersion: v1', 'kind: ConfigMap', 'metadata:', `  name: c-${d}`, 'data:', '  a: "1"', '  b: "2"'];
        for (const line of body) {
          const t = r();
          if (t < 0.15) for (let k = Math.floor(r() * 4); k >= 0; k--) lines.push(r() < 0.2 ? '' : `# daemonlint-${pick(['disable-next-line', 'disable', 'enable', 'disable-line'])} ${list()}`);
          lines.push(r() < 0.1 ? `${line} # daemonlint-disable-line ${list()}` : line);
        }
      }
      for (let k = Math.floor(r() * 3); k > 0; k--) lines.push(r() < 0.5 ? '' : `# daemonlint-${pick(['disable-next-line', 'disable'])} ${list()}`);
      const file = parseSource({ path: `d-${n}.yaml`, text: lines.join('\n') + (r() < 0.5 ? '\n' : '') });
      expect(commentDirectives(file)).toEqual(refCommentDirectives(file));
    }
  });
});

describe('selector candidates', () => {
  it('matchingWorkloads equals a filter over the namespace, for every controller selector and Service selector', async () => {
    const files = corpus(21, 600).map((f) => parseSource({ path: f.path, text: f.text }));
    const run = createRun(files, {});
    let compared = 0;
    for (const m of run.manifests) {
      const w = runWorkloads(run).find((x) => x.manifest === m);
      const sel = m.ref.kind === 'Service' ? serviceSelector(m.object) : w?.selector;
      if (!sel) continue;
      const inNs = runWorkloads(run).filter((x) => x.namespace === m.namespace);
      expect(matchingWorkloads(namespaceIndex(run, m.namespace), sel)).toEqual(inNs.filter((x) => selectorMatches(sel, x.labels)));
      expect(matchingWorkloads(runLabelIndex(run), sel)).toEqual(runWorkloads(run).filter((x) => selectorMatches(sel, x.labels)));
      expect(workloadOf(run, m)).toBe(w);
      compared++;
    }
    expect(compared).toBeGreaterThan(300);
  });

  it('merges the buckets of an In requirement with several values back into run order', () => {
    const files = [
      parseSource({
        path: 'in.yaml',
        text: ['b', 'a', 'c', 'a', 'b']
          .map((tier, i) => stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: `p${i}`, labels: { tier } }, spec: { containers: [{ name: 'c', image: 'i' }] } }))
          .join('---\n'),
      }),
    ];
    const run = createRun(files, {});
    const sel = parseLabelSelector({ matchExpressions: [{ key: 'tier', operator: 'In', values: ['a', 'b', 'a'] }] });
    expect(matchingWorkloads(namespaceIndex(run, 'default'), sel).map((w) => w.manifest.ref.name)).toEqual(['p0', 'p1', 'p3', 'p4']);
  });
});
