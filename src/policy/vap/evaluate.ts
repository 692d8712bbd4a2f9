/**
 * One object through the admission policies of a run, the way the API server admits its creation: every (policy,
 * binding, parameter) that matches is evaluated — match conditions, then validations — and each failure is reported
 * with the severity of the binding's actions (Deny → error, Warn → warning, Audit → info). Evaluation errors follow
 * the policy's failurePolicy. What cannot be known offline (a namespace's labels, parameters that are not among the
 * files, the authorizer) is reported as not checked (info), never as a verdict.
 */
import { CostMeter, EvalContext, evaluate, toCelInput, typeName, type Program } from '../../cel/index.js';
import { resourceOf } from '../../k8s/resources.js';
import { displayName, isRecord, labelsOf } from '../../k8s/workloads.js';
import type { Manifest, Path, RelatedReport, Report, Severity } from '../../types.js';
import { celObject, namespaceObject, namespaceOf, withNameLabel, type PolicyRunIndex } from '../context.js';
import { failurePath, objectPath, pathFromReads } from '../pointer.js';
import { matches, type AdmissionRequest } from './match.js';
import type { AdmissionPolicy, Binding, Validation } from './model.js';
import { resolveParams } from './params.js';

/** After this many objects on which an expression ran out of budget, it is not evaluated again in the run. */
const RUNAWAY_STRIKES = 3;

export interface Admission {
  /** Policies that have at least one binding, with their bindings. */
  pairs: { policy: AdmissionPolicy; bindings: Binding[] }[];
  strikes: Map<Program, number>;
}

const SEVERITY: Record<Binding['actions'][number], Severity> = { Deny: 'error', Warn: 'warning', Audit: 'info' };

function severityOf(b: Binding): Severity | undefined {
  if (b.actions.includes('Deny')) return 'error';
  if (b.actions.includes('Warn')) return 'warning';
  return b.actions.length ? SEVERITY.Audit : undefined;
}

export function requestFor(m: Manifest, idx: PolicyRunIndex): AdmissionRequest {
  const r = resourceOf(m.ref.apiVersion, m.ref.kind, idx.crds, m.ref.namespace !== undefined);
  const namespace = namespaceOf(m, idx);
  const labels = labelsOf(isRecord(m.object.metadata) ? m.object.metadata : {});
  const req: AdmissionRequest = { group: r.group, version: r.version, kind: m.ref.kind, resource: r.resource, namespace, name: m.ref.name ?? '', operation: 'CREATE', labels };
  const nsLabels = (o: Record<string, any>) => labelsOf(isRecord(withNameLabel(o).metadata) ? withNameLabel(o).metadata : {});
  if (r.group === '' && r.resource === 'namespaces') req.namespaceLabels = nsLabels(m.object);
  else if (namespace !== undefined) {
    const ns = idx.namespaces.get(namespace);
    if (ns) req.namespaceLabels = nsLabels(ns.object);
    else req.namespaceName = namespace;
  }
  return req;
}

function requestValue(req: AdmissionRequest) {
  const kind = { group: req.group, version: req.version, kind: req.kind };
  const resource = { group: req.group, version: req.version, resource: req.resource };
  return toCelInput({
    uid: '',
    kind,
    resource,
    subResource: '',
    requestKind: kind,
    requestResource: resource,
    requestSubResource: '',
    name: req.name,
    namespace: req.namespace ?? '',
    operation: req.operation,
    userInfo: { username: '', uid: '', groups: [], extra: {} },
    dryRun: false,
    options: { apiVersion: 'meta.k8s.io/v1', kind: 'CreateOptions' },
  });
}

/** A message expression's result is used when it is a non-empty single line. */
function usable(v: unknown): v is string {
  return typeof v === 'string' && v.trim() !== '' && !/[\r\n]/.test(v);
}

interface Pass {
  m: Manifest;
  policy: AdmissionPolicy;
  binding: Binding;
  param?: Manifest;
  severity: Severity;
  who: string;
  report: (r: Report) => void;
  strikes: Map<Program, number>;
}

function related(p: Pass, path: Path, what: string): RelatedReport[] {
  const out: RelatedReport[] = [
    { manifest: p.policy.manifest, path, message: `${what} of ValidatingAdmissionPolicy ${p.policy.name}` },
    { manifest: p.binding.manifest, path: ['metadata', 'name'], message: `ValidatingAdmissionPolicyBinding ${p.binding.name}` },
  ];
  if (p.param) out.push({ manifest: p.param, path: ['metadata', 'name'], message: `parameters: ${p.param.ref.kind} ${displayName(p.param)}` });
  return out;
}

/** The admission-policy message reporting a failure with each severity (the binding's strongest action). */
const FAILURE_MESSAGE: Record<Severity, string> = { error: 'denied', warning: 'warned', info: 'audited' };

/** Report a failure the way the binding's actions enforce it. */
function fail(p: Pass, path: Path, message: string, rel: RelatedReport[]): void {
  p.report({
    path,
    messageId: FAILURE_MESSAGE[p.severity],
    data: { object: p.who, policy: p.policy.name, binding: p.binding.name, message },
    severity: p.severity,
    related: rel,
  });
}

/** An evaluation error, handled by failurePolicy: Fail enforces it with the binding's actions, Ignore drops it. */
function failed(p: Pass, path: Path, message: string, rel: RelatedReport[]): void {
  if (p.policy.failurePolicy === 'Fail') fail(p, path, `${message} (failurePolicy: Fail)`, rel);
}

function notChecked(p: Pass, why: string): void {
  p.report({
    path: objectPath(p.m),
    messageId: 'notChecked',
    data: { object: p.who, policy: p.policy.name, binding: p.binding.name, reason: why },
    severity: 'info',
    related: related(p, ['metadata', 'name'], 'definition'),
  });
}

function run(p: Pass, program: Program, ctx: EvalContext) {
  if ((p.strikes.get(program) ?? 0) >= RUNAWAY_STRIKES) return { ok: false as const, error: `not evaluated: the expression exceeded its cost budget on ${RUNAWAY_STRIKES} objects already`, costExceeded: true };
  const o = evaluate(program, ctx);
  if (!o.ok && o.costExceeded) p.strikes.set(program, (p.strikes.get(program) ?? 0) + 1);
  return o;
}

function validate(p: Pass, v: Validation, ctx: () => EvalContext): void {
  const rel = related(p, v.path, `validations[${v.index}]${v.reason ? ` (reason: ${v.reason})` : ''}`);
  if (v.unsupported || !v.program) {
    notChecked(p, `validations[${v.index}] cannot be evaluated offline (${v.unsupported})`);
    return;
  }
  const c = ctx();
  const o = run(p, v.program, c);
  const at = o.ok && o.value === false ? failurePath(p.m, v.program, c) : pathFromReads(p.m, v.program.reads);
  if (!o.ok) {
    failed(p, at, `expression '${v.source}' resulted in error: ${o.error}`, rel);
    return;
  }
  if (o.value === true) return;
  if (o.value !== false) {
    failed(p, at, `expression '${v.source}' resulted in error: it gave ${typeName(o.value)}, not a bool`, rel);
    return;
  }
  let message = v.message ?? `failed expression: ${v.source}`;
  if (v.messageExpression) {
    const me = run(p, v.messageExpression, ctx());
    if (me.ok && usable(me.value)) message = me.value;
  }
  fail(p, at, message, rel);
}

function evaluatePass(p: Pass, bindings: Record<string, unknown>): void {
  const { policy } = p;
  // Each expression gets its own budget; variables are shared (evaluated once) within one pass.
  const shared = new EvalContext(bindings as never, new CostMeter(), policy.variables);
  const ctx = () => shared.next();
  const errors: string[] = [];
  for (const c of policy.matchConditions) {
    if (c.unsupported || !c.program) {
      notChecked(p, `match condition ${c.name} cannot be evaluated offline (${c.unsupported})`);
      return;
    }
    const o = run(p, c.program, ctx());
    if (o.ok && o.value === false) return;
    if (!o.ok) errors.push(`match condition ${c.name} resulted in error: ${o.error}`);
    else if (o.value !== true) errors.push(`match condition ${c.name} gave ${typeName(o.value)}, not a bool`);
  }
  if (errors.length) {
    failed(p, objectPath(p.m), errors[0]!, related(p, ['spec', 'matchConditions'], 'matchConditions'));
    return;
  }
  for (const v of policy.validations) validate(p, v, ctx);
}

/** Check one object against every admission policy of the run. */
export function checkObject(m: Manifest, adm: Admission, idx: PolicyRunIndex, report: (r: Report) => void): void {
  if (!adm.pairs.length) return;
  const req = requestFor(m, idx);
  let requestCel: unknown;
  const who = `${m.ref.kind} ${displayName(m)}`;
  for (const { policy, bindings } of adm.pairs) {
    if (policy.broken) continue;
    const pm = matches(policy.matchConstraints, req);
    if (pm === 'no-match') continue;
    for (const binding of bindings) {
      const severity = severityOf(binding);
      if (!severity) continue;
      const pass: Pass = { m, policy, binding, severity, who, report, strikes: adm.strikes };
      const bm = binding.matchResources ? matches(binding.matchResources, req) : 'match';
      if (bm === 'no-match') continue;
      const unknown = typeof pm === 'object' ? pm : typeof bm === 'object' ? bm : undefined;
      if (unknown) {
        notChecked(pass, `its namespace selector needs the labels of namespace ${unknown.unknownNamespace}, which is not among the files (add its Namespace manifest, or give it with --policy)`);
        continue;
      }
      const params = resolveParams(policy, binding, req.namespace, idx);
      if (params.kind === 'misconfigured') {
        failed(pass, objectPath(m), params.why, related(pass, ['spec', 'paramKind'], 'paramKind'));
        continue;
      }
      if (params.kind === 'not-found') {
        if (binding.paramRef?.notFound === 'Allow') continue;
        if (params.anyOfKind) failed(pass, objectPath(m), `no params found for policy binding with Deny parameterNotFoundAction (needs ${params.what})`, related(pass, ['spec', 'paramKind'], 'paramKind'));
        else notChecked(pass, `it needs ${params.what}, which is not among the files (give the parameter objects with --policy)`);
        continue;
      }
      requestCel ??= requestValue(req);
      const base = { object: celObject(m.object), oldObject: null, request: requestCel, namespaceObject: namespaceObject(m, idx).value, variables: new Map([...policy.variables.keys()].map((k) => [k, null])) };
      for (const param of params.kind === 'found' ? params.params : [undefined]) {
        evaluatePass({ ...pass, param }, { ...base, params: param ? celObject(param.object) : null });
      }
    }
  }
}
