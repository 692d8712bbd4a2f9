/**
 * Kubernetes versions a run can target (`--kube-version`, `kubeVersion` in config) and the version the bundled strict
 * schemas describe. API availability (removed and deprecated apiVersions, fields newer than the target) is known for
 * every minor from {@link OLDEST_KUBE_MINOR} to {@link NEWEST_KUBE_MINOR}; the strict schemas are those of
 * {@link SCHEMA_KUBE_VERSION} whatever the target.
 */

/** The Kubernetes version of the bundled strict schemas (schemas/k8s/<version>). */
export const SCHEMA_KUBE_VERSION = '1.35';

/** The oldest minor `--kube-version` accepts: API removals are tracked from 1.16 on. */
export const OLDEST_KUBE_MINOR = 16;
/** The newest minor `--kube-version` accepts (the bundled schemas' version). */
export const NEWEST_KUBE_MINOR = 35;

/** Every accepted minor, oldest first: `1.16` … `1.35`. */
export const SUPPORTED_KUBE_VERSIONS: readonly string[] = Array.from({ length: NEWEST_KUBE_MINOR - OLDEST_KUBE_MINOR + 1 }, (_, i) => `1.${OLDEST_KUBE_MINOR + i}`);

/** The default target: the newest supported version. */
export const DEFAULT_KUBE_VERSION = SUPPORTED_KUBE_VERSIONS[SUPPORTED_KUBE_VERSIONS.length - 1]!;

/**
 * `1.29`, `v1.29`, `1.29.4` and ` v1.29.0 ` all mean the minor `1.29`; undefined when the text is not a version or the
 * version is outside the supported range.
 */
export function normalizeKubeVersion(text: string): string | undefined {
  const m = /^v?(\d+)\.(\d+)(?:\.\d+)?$/.exec(text.trim());
  if (!m) return undefined;
  const v = `${Number(m[1])}.${Number(m[2])}`;
  return SUPPORTED_KUBE_VERSIONS.includes(v) ? v : undefined;
}

/** The minor number of a normalized `1.N` version (`1.29` → 29). */
export function minorOf(kubeVersion: string): number {
  const m = /^v?1\.(\d+)/.exec(kubeVersion.trim());
  return m ? Number(m[1]) : NEWEST_KUBE_MINOR;
}

/** A human range of the supported versions, for messages: `1.16 to 1.35`. */
export function supportedRange(): string {
  return `${SUPPORTED_KUBE_VERSIONS[0]} to ${DEFAULT_KUBE_VERSION}`;
}
