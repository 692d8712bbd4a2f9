/**
 * ValidatingAdmissionPolicies and their bindings, read from objects and compiled once per run. What the API server
 * would refuse to store (an expression that does not compile) is a problem of the policy object; what daemonlint
 * cannot evaluate offline (the authorizer, optional syntax) is remembered, so the checks it affects are reported as
 * not done instead of passing silently.
 */
import { compile, type Program } from '../../cel/index.js';
import { parseLabelSelector, type ParsedSelector } from '../../k8s/selectors.js';
import { isRecord } from '../../k8s/workloads.js';
import type { Manifest, Path } from '../../types.js';

export const ADMISSION_GROUP = 'admissionregistration.k8s.io';
const VERSIONS = ['v1', 'v1beta1', 'v1alpha1'];
export const isAdmissionKind = (m: Manifest, kind: string) => m.ref.kind === kind && VERSIONS.some((v) => m.ref.apiVersion === `${ADMISSION_GROUP}/${v}`);

/** Variables of every admission policy expression (`authorizer` is known, and not supported offline). */
export const ADMISSION_VARIABLES = ['object', 'oldObject', 'request', 'params', 'namespaceObject', 'variables'];

export interface ResourceRule {
  apiGroups: string[];
  apiVersions: string[];
  resources: string[];
  operations: string[];
  scope: string;
  resourceNames: string[];
}

export interface MatchResources {
  /** Undefined: every namespace. */
  namespaceSelector?: ParsedSelector;
  objectSelector?: ParsedSelector;
  resourceRules: ResourceRule[];
  excludeResourceRules: ResourceRule[];
}

export interface Expression {
  source: string;
  /** Where it is written in its object. */
  path: Path;
  program?: Program;
  /** Why it cannot be evaluated offline, when it cannot. */
  unsupported?: string;
}

export interface Validation extends Expression {
  index: number;
  message?: string;
  messageExpression?: Program;
  reason?: string;
}

export interface AdmissionPolicy {
  manifest: Manifest;
  name: string;
  failurePolicy: 'Fail' | 'Ignore';
  paramKind?: { apiVersion: string; kind: string };
  matchConstraints: MatchResources;
  matchConditions: (Expression & { name: string })[];
  variables: Map<string, Program>;
  /** Variables that cannot be evaluated offline, and why. */
  unsupportedVariables: Map<string, string>;
  validations: Validation[];
  /** Set when an expression does not compile: the API server would not store the policy, so it never runs. */
  broken?: boolean;
}

export interface Binding {
  manifest: Manifest;
  name: string;
  policyName: string;
  paramRef?: { name?: string; namespace?: string; selector?: ParsedSelector; notFound: 'Allow' | 'Deny' };
  matchResources?: MatchResources;
  actions: ('Deny' | 'Warn' | 'Audit')[];
}

export interface Problem {
  manifest: Manifest;
  path: Path;
  message: string;
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

function rules(v: unknown): ResourceRule[] {
  if (!Array.isArray(v)) return [];
  return v.filter(isRecord).map((r) => ({
    apiGroups: strings(r.apiGroups),
    apiVersions: strings(r.apiVersions),
    resources: strings(r.resources),
    operations: strings(r.operations),
    scope: typeof r.scope === 'string' ? r.scope : '*',
    resourceNames: strings(r.resourceNames),
  }));
}

/** Absent selectors select everything; so does `{}`. */
function selector(v: unknown): ParsedSelector | undefined {
  if (v === undefined || v === null) return undefined;
  return parseLabelSelector(v);
}

export function matchResources(v: unknown): MatchResources {
  const r = isRecord(v) ? v : {};
  return {
    namespaceSelector: selector(r.namespaceSelector),
    objectSelector: selector(r.objectSelector),
    resourceRules: rules(r.resourceRules),
    excludeResourceRules: rules(r.excludeResourceRules),
  };
}

/** Compile one expression of a policy; problems go to `problems` (compile errors) or into `unsupported`. */
function expression(m: Manifest, path: Path, source: unknown, exprVariables: string[], problems: Problem[]): Expression | undefined {
  if (typeof source !== 'string') return undefined;
  const c = compile(source, { variables: ADMISSION_VARIABLES, exprVariables, readRoots: ['object'] });
  if (c.ok) return { source, path, program: c.program };
  if (c.error.unsupported) return { source, path, unsupported: c.error.message };
  // A function daemonlint does not know may be in a newer Kubernetes library: not evaluable, not proof of an error.
  if (c.error.unknownFunction) return { source, path, unsupported: `${c.error.message.replace(/;.*$/, '')} is not in daemonlint's CEL library` };
  problems.push({ manifest: m, path, message: c.error.message });
  return undefined;
}

export function readPolicy(m: Manifest, problems: Problem[]): AdmissionPolicy | undefined {
  const spec = m.object.spec;
  if (!isRecord(spec) || !m.ref.name) return undefined;
  const before = problems.length;
  const variables = new Map<string, Program>();
  const unsupportedVariables = new Map<string, string>();
  const names: string[] = [];
  if (Array.isArray(spec.variables)) {
    spec.variables.forEach((v: unknown, i: number) => {
      if (!isRecord(v) || typeof v.name !== 'string') return;
      // A variable may use the ones defined before it.
      const e = expression(m, ['spec', 'variables', i, 'expression'], v.expression, [...names], problems);
      names.push(v.name);
      if (e?.program) variables.set(v.name, e.program);
      else if (e?.unsupported) unsupportedVariables.set(v.name, e.unsupported);
    });
  }
  const matchConditions: AdmissionPolicy['matchConditions'] = [];
  if (Array.isArray(spec.matchConditions)) {
    spec.matchConditions.forEach((c: unknown, i: number) => {
      if (!isRecord(c)) return;
      const e = expression(m, ['spec', 'matchConditions', i, 'expression'], c.expression, names, problems);
      if (e) matchConditions.push({ ...e, name: typeof c.name === 'string' ? c.name : `matchConditions[${i}]` });
    });
  }
  const validations: Validation[] = [];
  if (Array.isArray(spec.validations)) {
    spec.validations.forEach((v: unknown, i: number) => {
      if (!isRecord(v)) return;
      const e = expression(m, ['spec', 'validations', i, 'expression'], v.expression, names, problems);
      if (!e) return;
      const val: Validation = { ...e, index: i };
      if (typeof v.message === 'string') val.message = v.message;
      if (typeof v.reason === 'string') val.reason = v.reason;
      if (typeof v.messageExpression === 'string') {
        const me = expression(m, ['spec', 'validations', i, 'messageExpression'], v.messageExpression, names, problems);
        // A message expression that cannot run offline leaves the static message.
        if (me?.program) val.messageExpression = me.program;
      }
      // A validation that uses a variable daemonlint cannot evaluate cannot be evaluated either.
      for (const [name, why] of unsupportedVariables) if (new RegExp(`\\bvariables\\.${name}\\b`).test(e.source)) val.unsupported ??= `it uses variables.${name}: ${why}`;
      validations.push(val);
    });
  }
  const pk = isRecord(spec.paramKind) ? spec.paramKind : undefined;
  const policy: AdmissionPolicy = {
    manifest: m,
    name: m.ref.name,
    failurePolicy: spec.failurePolicy === 'Ignore' ? 'Ignore' : 'Fail',
    matchConstraints: matchResources(spec.matchConstraints),
    matchConditions,
    variables,
    unsupportedVariables,
    validations,
  };
  if (pk && typeof pk.apiVersion === 'string' && typeof pk.kind === 'string') policy.paramKind = { apiVersion: pk.apiVersion, kind: pk.kind };
  if (problems.length > before) policy.broken = true;
  return policy;
}

export function readBinding(m: Manifest): Binding | undefined {
  const spec = m.object.spec;
  if (!isRecord(spec) || !m.ref.name || typeof spec.policyName !== 'string') return undefined;
  const binding: Binding = {
    manifest: m,
    name: m.ref.name,
    policyName: spec.policyName,
    actions: strings(spec.validationActions).filter((a): a is 'Deny' | 'Warn' | 'Audit' => a === 'Deny' || a === 'Warn' || a === 'Audit'),
  };
  // Before v1 a binding without actions denied.
  if (!binding.actions.length && !Array.isArray(spec.validationActions)) binding.actions = ['Deny'];
  if (isRecord(spec.paramRef)) {
    const r = spec.paramRef;
    binding.paramRef = { notFound: r.parameterNotFoundAction === 'Allow' ? 'Allow' : 'Deny' };
    if (typeof r.name === 'string' && r.name) binding.paramRef.name = r.name;
    if (typeof r.namespace === 'string' && r.namespace) binding.paramRef.namespace = r.namespace;
    if (r.selector !== undefined && r.selector !== null) binding.paramRef.selector = parseLabelSelector(r.selector);
  }
  if (isRecord(spec.matchResources)) binding.matchResources = matchResources(spec.matchResources);
  return binding;
}
