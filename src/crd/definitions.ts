/**
 * CustomResourceDefinitions of a run: the CRD objects among the linted files and those given with `--crd` / `crds:`,
 * indexed by API group and kind, with each version's schema as the API server would use it.
 */
import { parseApiVersion } from '../k8s/api-availability.js';
import { BUILTIN_GROUPS } from '../k8s/api-versions.js';
import { isRecord } from '../k8s/workloads.js';
import type { Manifest, Path, RunContext } from '../types.js';

export const CRD_API_VERSIONS = ['apiextensions.k8s.io/v1', 'apiextensions.k8s.io/v1beta1'] as const;

/** One version of a CRD. */
export interface CrdVersion {
  name: string;
  served: boolean;
  deprecated: boolean;
  deprecationWarning?: string;
  /** The version's `openAPIV3Schema` (a mapping), when it has one. */
  schema?: Record<string, unknown>;
  /** Where that schema is, inside the CRD object. */
  schemaPath?: Path;
  /**
   * Unknown fields are kept, never pruned: `apiextensions.k8s.io/v1beta1` with `spec.preserveUnknownFields` unset or
   * true. With it, no field is "unknown" to the API server.
   */
  keepsUnknownFields: boolean;
}

export interface Crd {
  manifest: Manifest;
  group: string;
  kind: string;
  /** `spec.names.listKind`, when given. */
  listKind?: string;
  versions: CrdVersion[];
}

export function isCrd(m: Pick<Manifest, 'ref'>): boolean {
  return m.ref.kind === 'CustomResourceDefinition' && (CRD_API_VERSIONS as readonly string[]).includes(m.ref.apiVersion);
}

/** Read one CRD object; undefined when it lacks a group or kind (the schema rule reports that). */
export function readCrd(m: Manifest): Crd | undefined {
  const spec = m.object.spec;
  if (!isRecord(spec) || typeof spec.group !== 'string' || !isRecord(spec.names) || typeof spec.names.kind !== 'string') return undefined;
  const v1beta1 = m.ref.apiVersion === 'apiextensions.k8s.io/v1beta1';
  // v1beta1 kept unknown fields unless preserveUnknownFields was set to false.
  const keepsUnknownFields = v1beta1 && spec.preserveUnknownFields !== false;
  const shared = v1beta1 && isRecord(spec.validation) && isRecord(spec.validation.openAPIV3Schema) ? spec.validation.openAPIV3Schema : undefined;
  const versions: CrdVersion[] = [];
  if (Array.isArray(spec.versions)) {
    spec.versions.forEach((v: unknown, i: number) => {
      if (!isRecord(v) || typeof v.name !== 'string') return;
      const own = isRecord(v.schema) && isRecord(v.schema.openAPIV3Schema) ? v.schema.openAPIV3Schema : undefined;
      versions.push({
        name: v.name,
        // v1beta1 defaulted `served` to true only in its single-version form; in `versions` it is required.
        served: v.served !== false,
        deprecated: v.deprecated === true,
        deprecationWarning: typeof v.deprecationWarning === 'string' ? v.deprecationWarning : undefined,
        schema: own ?? shared,
        schemaPath: own ? ['spec', 'versions', i, 'schema', 'openAPIV3Schema'] : shared ? ['spec', 'validation', 'openAPIV3Schema'] : undefined,
        keepsUnknownFields,
      });
    });
  } else if (v1beta1 && typeof spec.version === 'string') {
    versions.push({
      name: spec.version,
      served: true,
      deprecated: false,
      schema: shared,
      schemaPath: shared ? ['spec', 'validation', 'openAPIV3Schema'] : undefined,
      keepsUnknownFields,
    });
  }
  return {
    manifest: m,
    group: spec.group,
    kind: spec.names.kind,
    listKind: typeof spec.names.listKind === 'string' ? spec.names.listKind : undefined,
    versions,
  };
}

/** The CRDs of a run by group and kind (the first definition of a group/kind wins). */
export class CrdIndex {
  private readonly byGroupKind = new Map<string, Crd>();
  private readonly kindsByGroup = new Map<string, string[]>();

  /** `manifests` may hold any objects: only CustomResourceDefinitions are read. */
  constructor(manifests: Iterable<Manifest>) {
    for (const m of manifests) {
      if (!isCrd(m)) continue;
      const crd = readCrd(m);
      if (!crd) continue;
      const key = `${crd.group}\u0000${crd.kind}`;
      if (this.byGroupKind.has(key)) continue;
      this.byGroupKind.set(key, crd);
      let kinds = this.kindsByGroup.get(crd.group);
      if (!kinds) this.kindsByGroup.set(crd.group, (kinds = []));
      kinds.push(crd.kind);
    }
  }

  get size(): number {
    return this.byGroupKind.size;
  }

  /** The CRD defining `kind` in `group`. */
  lookup(group: string, kind: string): Crd | undefined {
    return this.byGroupKind.get(`${group}\u0000${kind}`);
  }

  /** Kinds defined for a group (empty when no CRD of the group is known). */
  kindsOf(group: string): readonly string[] {
    return this.kindsByGroup.get(group) ?? [];
  }
}

const INDEX = 'crd:index';

/**
 * The CRD index of a run (its linted objects first, then `--crd` / `crds:`; `runCrds` when the run context holds only
 * part of the run), built once and kept in `run.cache`.
 */
export function crdIndexOf(run: RunContext): CrdIndex {
  let index = run.cache.get(INDEX) as CrdIndex | undefined;
  if (!index) run.cache.set(INDEX, (index = new CrdIndex(run.runCrds ?? [...run.manifests, ...(run.crds ?? [])])));
  return index;
}

/**
 * The group and kind of an object in a group that is not built in (a custom resource, or a misspelt built-in group):
 * what the CRD index is asked about it (`lookup`, `kindsOf`). Undefined for built-in objects.
 */
export function customKindOf(ref: Manifest['ref']): { group: string; kind: string } | undefined {
  const p = parseApiVersion(ref.apiVersion);
  if (!p || p.group === '' || BUILTIN_GROUPS.has(p.group)) return undefined;
  return { group: p.group, kind: ref.kind };
}

/** The custom kinds (customKindOf) of some objects, each once. */
export function customKinds(manifests: Iterable<Pick<Manifest, 'ref'>>): { group: string; kind: string }[] {
  const out = new Map<string, { group: string; kind: string }>();
  for (const m of manifests) {
    const c = customKindOf(m.ref);
    if (c) out.set(`${c.group}\u0000${c.kind}`, c);
  }
  return [...out.values()];
}

/**
 * True when two CRD indexes give the same answers about these custom kinds: the same CRD (the same object) for each,
 * and the same kinds for each group. A file checked with the CRDs it sees alone is then checked exactly as in a run
 * that sees every CRD.
 */
export function sameAnswers(a: CrdIndex, b: CrdIndex, kinds: readonly { group: string; kind: string }[]): boolean {
  return kinds.every(
    ({ group, kind }) => a.lookup(group, kind)?.manifest === b.lookup(group, kind)?.manifest && a.kindsOf(group).join('\u0000') === b.kindsOf(group).join('\u0000'),
  );
}
