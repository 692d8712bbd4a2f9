/**
 * Which admission requests a policy or binding applies to, as the API server matches them: resource rules (group,
 * version, resource with `*` and `/subresource` forms, operation, scope, resource names), exclude rules first, then the
 * namespace and object selectors. Every object is admitted as a CREATE of its main resource.
 */
import { NAMESPACE_NAME_LABEL } from '../../k8s/resources.js';
import { selectorMatches, type ParsedSelector } from '../../k8s/selectors.js';
import type { MatchResources, ResourceRule } from './model.js';

/** The request an object would be admitted with. */
export interface AdmissionRequest {
  group: string;
  version: string;
  kind: string;
  resource: string;
  /** Undefined for a cluster-scoped object. */
  namespace?: string;
  name: string;
  operation: 'CREATE';
  /** The object's labels. */
  labels: Record<string, string>;
  /** Labels of the object's namespace (of the object itself for a Namespace); undefined when not known. */
  namespaceLabels?: Record<string, string>;
  /** The namespace's name, when its labels are not known (only its name label is certain). */
  namespaceName?: string;
}

const oneOf = (items: readonly string[], wanted: string) => items.includes('*') || items.includes(wanted);

function ruleMatches(r: ResourceRule, req: AdmissionRequest): boolean {
  const namespaced = req.namespace !== undefined && !(req.group === '' && req.resource === 'namespaces');
  if (r.scope === 'Cluster' && namespaced) return false;
  if (r.scope === 'Namespaced' && !namespaced) return false;
  if (!oneOf(r.operations, req.operation) || !oneOf(r.apiGroups, req.group) || !oneOf(r.apiVersions, req.version)) return false;
  const resourceMatches = r.resources.some((res) => {
    const [main, sub = ''] = res.split('/');
    return (main === '*' || main === req.resource) && (sub === '' || sub === '*');
  });
  if (!resourceMatches) return false;
  return r.resourceNames.length === 0 || r.resourceNames.includes(req.name);
}

export type MatchResult = 'match' | 'no-match' | { unknownNamespace: string };

/** Whether a selector holds for a namespace whose labels are not known: undefined when it depends on them. */
function nameOnly(sel: ParsedSelector, name: string): boolean | undefined {
  if (sel.requirements.some((r) => r.key !== NAMESPACE_NAME_LABEL)) return undefined;
  return selectorMatches(sel, { [NAMESPACE_NAME_LABEL]: name });
}

/**
 * Match a request against a policy's `matchConstraints` or a binding's `matchResources`. Without resource rules every
 * resource matches (a binding's `matchResources` often only narrows namespaces).
 */
export function matches(mr: MatchResources, req: AdmissionRequest): MatchResult {
  if (mr.excludeResourceRules.some((r) => ruleMatches(r, req))) return 'no-match';
  if (mr.resourceRules.length && !mr.resourceRules.some((r) => ruleMatches(r, req))) return 'no-match';
  if (mr.objectSelector && !mr.objectSelector.empty && !selectorMatches(mr.objectSelector, req.labels)) return 'no-match';
  const ns = mr.namespaceSelector;
  // A cluster-scoped object other than a Namespace is never skipped by a namespace selector.
  if (!ns || ns.empty || (req.namespace === undefined && req.resource !== 'namespaces')) return 'match';
  if (req.namespaceLabels) return selectorMatches(ns, req.namespaceLabels) ? 'match' : 'no-match';
  const byName = nameOnly(ns, req.namespaceName ?? '');
  if (byName === undefined) return { unknownNamespace: req.namespaceName ?? '' };
  return byName ? 'match' : 'no-match';
}

