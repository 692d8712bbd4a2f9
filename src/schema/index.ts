/**
 * Strict Kubernetes schema validation: which kinds are bundled for which Kubernetes version, and lazy
 * loading of the ahead-of-time compiled validators (one chunk per API group/version) and of the JSON
 * schemas used to explain a rejected object.
 */
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

/** Kubernetes versions whose schemas are bundled (`--kube-version` accepts these). */
export const SUPPORTED_KUBE_VERSIONS: readonly string[] = Object.keys(BUNDLES);

/** `1.35.2` and `v1.35` mean the bundle `1.35`; undefined when none matches. */
export function bundleVersion(kubeVersion: string): string | undefined {
  const m = /^v?(\d+)\.(\d+)(?:\.\d+)?$/.exec(kubeVersion.trim());
  const v = m ? `${m[1]}.${m[2]}` : kubeVersion;
  return Object.hasOwn(BUNDLES, v) ? v : undefined;
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

/** The compiled validators of one apiVersion (loaded once per process). */
export function loadValidators(kubeVersion: string, apiVersion: string): Promise<Readonly<Record<string, CompiledValidator>> | undefined> {
  const v = bundleVersion(kubeVersion);
  if (!v) return Promise.resolve(undefined);
  const key = `${v} ${apiVersion}`;
  let p = validatorCache.get(key);
  if (!p) validatorCache.set(key, (p = BUNDLES[v]!.loadValidators(apiVersion)));
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
