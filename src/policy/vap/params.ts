/**
 * The parameter objects of a (policy, binding) pair for one request, found among the objects of the run: by name or
 * by label selector, in `paramRef.namespace`, else (for a namespaced parameter kind) in the request's namespace.
 */
import { selectorMatches } from '../../k8s/selectors.js';
import { labelsOf, isRecord } from '../../k8s/workloads.js';
import { resourceOf } from '../../k8s/resources.js';
import type { Manifest } from '../../types.js';
import type { PolicyRunIndex } from '../context.js';
import type { AdmissionPolicy, Binding } from './model.js';

export type ParamResolution =
  /** No paramKind or no paramRef: `params` is null. */
  | { kind: 'none' }
  | { kind: 'found'; params: Manifest[] }
  /** Nothing matched. `anyOfKind`: some objects of the parameter kind are among the files (so this one is missing). */
  | { kind: 'not-found'; what: string; anyOfKind: boolean }
  /** The binding names parameters but the policy declares no paramKind: the API server fails the request. */
  | { kind: 'misconfigured'; why: string };

export function resolveParams(policy: AdmissionPolicy, binding: Binding, requestNamespace: string | undefined, idx: PolicyRunIndex): ParamResolution {
  const ref = binding.paramRef;
  if (!ref) return { kind: 'none' };
  const pk = policy.paramKind;
  if (!pk) return { kind: 'misconfigured', why: `binding ${binding.name} sets paramRef but policy ${policy.name} declares no paramKind` };
  const ofKind = idx.all.filter((m) => m.ref.apiVersion === pk.apiVersion && m.ref.kind === pk.kind);
  const namespaced = resourceOf(pk.apiVersion, pk.kind, idx.crds, ofKind.some((m) => m.ref.namespace !== undefined)).namespaced;
  const namespace = namespaced ? (ref.namespace ?? requestNamespace) : undefined;
  const where = namespace ? ` in namespace ${namespace}` : '';
  if (namespaced && namespace === undefined) return { kind: 'not-found', what: `a ${pk.kind} for a cluster-scoped object (paramRef names no namespace)`, anyOfKind: ofKind.length > 0 };
  const inScope = ofKind.filter((m) => !namespaced || m.namespace === namespace);
  let params: Manifest[];
  let what: string;
  if (ref.name !== undefined) {
    params = inScope.filter((m) => m.ref.name === ref.name).slice(0, 1);
    what = `${pk.kind} ${ref.name}${where}`;
  } else if (ref.selector) {
    const sel = ref.selector;
    params = sel.empty ? inScope : inScope.filter((m) => selectorMatches(sel, labelsOf(isRecord(m.object.metadata) ? m.object.metadata : {})));
    what = `${pk.kind} objects${where} matching the binding's paramRef.selector`;
  } else {
    return { kind: 'misconfigured', why: `binding ${binding.name} has a paramRef with neither name nor selector` };
  }
  return params.length ? { kind: 'found', params } : { kind: 'not-found', what, anyOfKind: ofKind.length > 0 };
}
