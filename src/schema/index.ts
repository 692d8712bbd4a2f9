/**
 * Strict Kubernetes schema validation: which kinds are bundled (the schemas of Kubernetes 1.35, used for every
 * target version), and lazy loading of the ahead-of-time compiled validators (one chunk per API group/version) and of
 * the JSON schemas used to explain a rejected object.
 */
import { normalizeKubeVersion } from '../k8s/kube-version.js';
import * as k8s135 from '../../schemas/k8s/1.35/index.js';
import type { CompiledValidator, JsonSchemaDocument } from '../../schemas/k8s/1.35/types.js';

export { explain, type SchemaIssue } from './explain.js';
export type { CompiledValidator, JsonSchemaDocument };

interface Bundle {
  KINDS: Readonly<Record<string, Readonly<Record<string, string>>>>;
  loadValidators(apiVersion: string): Promise<Readonly<Record<string, CompiledValidator>> | undefined>;
  loadSchema(apiVersion: string): Promise<JsonSchemaDocument | undefined>;
}

const BUNDLES: Readonly<Record<string, Bundle>> = { '1.35': k8s135 };

/** Kubernetes versions whose strict schemas are bundled. */
export const SCHEMA_VERSIONS: readonly string[] = Object.keys(BUNDLES);

/**
 * The bundled schema version used for a target Kubernetes version: its own when bundled, else the newest bundle
 * (1.35) for every version `--kube-version` accepts; undefined for an unsupported version.
 */
export function bundleVersion(kubeVersion: string): string | undefined {
  const v = normalizeKubeVersion(kubeVersion);
  if (!v) return undefined;
  return Object.hasOwn(BUNDLES, v) ? v : SCHEMA_VERSIONS[SCHEMA_VERSIONS.length - 1];
}

/** The OpenAPI definition name of a bundled kind, or undefined (CRDs and unknown kinds). */
export function definitionOf(kubeVersion: string, apiVersion: string, kind: string): string | undefined {
  const v = bundleVersion(kubeVersion);
  if (!v) return undefined;
  const kinds = BUNDLES[v]!.KINDS;
  if (!Object.hasOwn(kinds, apiVersion)) return undefined;
  const group = kinds[apiVersion]!;
  return Object.hasOwn(group, kind) ? group[kind] : undefined;
}

const validatorCache = new Map<string, Promise<Readonly<Record<string, CompiledValidator>> | undefined>>();
const schemaCache = new Map<string, Promise<JsonSchemaDocument | undefined>>();

/** True when some mapping inside `v` has a null value (arrays may hold nulls: those are items, not unset fields). */
function hasNullField(v: unknown): boolean {
  const stack: unknown[] = [v];
  while (stack.length) {
    const x = stack.pop();
    if (Array.isArray(x)) for (const i of x) stack.push(i);
    else if (x && typeof x === 'object')
      for (const y of Object.values(x)) {
        if (y === null) return true;
        stack.push(y);
      }
  }
  return false;
}

/** A copy of `v` without the mapping entries whose value is null. */
function withoutNullFields(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutNullFields);
  if (!v || typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  for (const [k, y] of Object.entries(v)) if (y !== null) out[k] = withoutNullFields(y);
  return out;
}

/**
 * Validate as the API server decodes: `field: null` is an unset field, so a required field set to null (`containers:
 * null`) is missing. Objects without a null field (nearly all) are validated once.
 */
function nullsAsUnset(validate: CompiledValidator): CompiledValidator {
  const wrapped = ((data: unknown) => {
    // As written first (an unknown field is one even when null), then without the null fields: dropping them can
    // only leave a required field missing.
    let ok = validate(data);
    if (ok && hasNullField(data)) ok = validate(withoutNullFields(data));
    wrapped.errors = validate.errors;
    return ok;
  }) as CompiledValidator;
  return wrapped;
}

/** The compiled validators of one apiVersion (loaded once per process). */
export function loadValidators(kubeVersion: string, apiVersion: string): Promise<Readonly<Record<string, CompiledValidator>> | undefined> {
  const v = bundleVersion(kubeVersion);
  if (!v) return Promise.resolve(undefined);
  const key = `${v} ${apiVersion}`;
  let p = validatorCache.get(key);
  if (!p)
    validatorCache.set(
      key,
      (p = BUNDLES[v]!.loadValidators(apiVersion).then((all) => all && Object.fromEntries(Object.entries(all).map(([kind, f]) => [kind, nullsAsUnset(f)])))),
    );
  return p;
}

/** The strict JSON schema of one apiVersion (loaded once per process, only when explaining). */
export function loadSchema(kubeVersion: string, apiVersion: string): Promise<JsonSchemaDocument | undefined> {
  const v = bundleVersion(kubeVersion);
  if (!v) return Promise.resolve(undefined);
  const key = `${v} ${apiVersion}`;
  let p = schemaCache.get(key);
  if (!p) schemaCache.set(key, (p = BUNDLES[v]!.loadSchema(apiVersion)));
  return p;
}
