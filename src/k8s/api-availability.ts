/**
 * Is an apiVersion/kind served by a Kubernetes version? Answers from the data in ./api-versions.ts: served,
 * deprecated (still served), removed, not served yet, or not a Kubernetes API at all (a typo), with what to use
 * instead. Custom resource groups (anything but a built-in group) are never judged here.
 */
import { editDistance } from '../util/suggest.js';
import { API_CHANGES, BUILTIN_GROUPS, SERVED_KINDS, type ApiChange, type Replacement } from './api-versions.js';

export type { ApiChange, Replacement } from './api-versions.js';

/** What the target version makes of an object's apiVersion and kind. */
export type Availability =
  /** Served and not deprecated (or not judged: an alpha version of a built-in group). */
  | { status: 'served' }
  /** Served, but deprecated: a later version stops serving it. */
  | { status: 'deprecated'; change: ApiChange; use?: Replacement; instead?: string }
  /** No longer served. `use` is the replacement served by the target version, when there is one. */
  | { status: 'removed'; change: ApiChange; use?: Replacement; instead?: string }
  /** A built-in kind of this apiVersion, but first served by a later version; `use` is served by the target. */
  | { status: 'not-yet'; since: number; use?: string }
  /** The apiVersion is built-in but does not have this kind. */
  | { status: 'unknown-kind'; kinds: string[]; elsewhere: string[] }
  /** A built-in group without this version, or a group name no Kubernetes version has (and no CRD group can have). */
  | { status: 'unknown-api'; suggestions: string[] }
  /** A custom resource group: not Kubernetes' to judge. */
  | { status: 'custom'; group: string; version: string };

export interface ParsedApiVersion {
  group: string;
  version: string;
}

/** `apps/v1` → {group: apps, version: v1}; `v1` → core group; undefined for text that is not `[group/]version`. */
export function parseApiVersion(apiVersion: string): ParsedApiVersion | undefined {
  // A run has few distinct apiVersions and asks about each for every object: parsed once (results are frozen).
  const known = PARSED.get(apiVersion);
  if (known !== undefined) return known ?? undefined;
  const parts = apiVersion.split('/');
  const parsed =
    parts.length > 2 || parts.some((p) => !p || /\s/.test(p))
      ? undefined
      : Object.freeze(parts.length === 1 ? { group: '', version: parts[0]! } : { group: parts[0]!, version: parts[1]! });
  if (PARSED.size >= MAX_PARSED) PARSED.clear();
  PARSED.set(apiVersion, parsed ?? null);
  return parsed;
}

const PARSED = new Map<string, ParsedApiVersion | null>();
/** Bound on the cache: apiVersions are written by users, and a long-running editor sees many. */
const MAX_PARSED = 1024;

const ALPHA = /^v\d+alpha\d+$/;

const changes = new Map<string, ApiChange>();
for (const c of API_CHANGES) for (const k of c.kinds) changes.set(`${c.apiVersion} ${k}`, c);

/** Every built-in apiVersion this module knows (served now, or removed since 1.16). */
const KNOWN_API_VERSIONS: readonly string[] = [...new Set([...Object.keys(SERVED_KINDS), ...API_CHANGES.map((c) => c.apiVersion)])];

/** Kinds each known apiVersion has had. */
const KINDS_OF = new Map<string, Set<string>>();
for (const [av, kinds] of Object.entries(SERVED_KINDS)) KINDS_OF.set(av, new Set(Object.keys(kinds)));
for (const c of API_CHANGES) {
  let s = KINDS_OF.get(c.apiVersion);
  if (!s) KINDS_OF.set(c.apiVersion, (s = new Set()));
  for (const k of c.kinds) s.add(k);
}

/** The change row for an apiVersion/kind, if it was deprecated or removed. */
export function changeOf(apiVersion: string, kind: string): ApiChange | undefined {
  return changes.get(`${apiVersion} ${kind}`);
}

/** Is this built-in apiVersion/kind served by `minor`? Unknown pairs are not. */
export function isServed(apiVersion: string, kind: string, minor: number): boolean {
  const since = SERVED_KINDS[apiVersion]?.[kind];
  if (since !== undefined) return since <= minor;
  const c = changeOf(apiVersion, kind);
  return !!c && c.removed > minor;
}

/** The first replacement of a change that `minor` serves, following replacements that were removed in turn. */
function replacementFor(change: ApiChange, kind: string, minor: number, depth = 0): { use?: Replacement; instead?: string } {
  for (const r of change.replacements) {
    const k = r.kind ?? kind;
    if (isServed(r.apiVersion, k, minor)) return { use: r };
    const next = changeOf(r.apiVersion, k);
    if (next && next.removed <= minor && depth < 4) {
      const found = replacementFor(next, k, minor, depth + 1);
      if (found.use || found.instead) return found;
    }
  }
  return change.instead ? { instead: change.instead } : {};
}

/** Built-in apiVersions serving `kind` at `minor`, stable versions first. */
export function apiVersionsServing(kind: string, minor: number): string[] {
  const out = KNOWN_API_VERSIONS.filter((av) => KINDS_OF.get(av)?.has(kind) && isServed(av, kind, minor));
  const rank = (av: string) => (/\/v\d+$|^v\d+$/.test(av) ? 0 : 1);
  return out.sort((a, b) => rank(a) - rank(b));
}

/** Candidates within a small edit distance of `word`, closest first (case differences cost nothing). */
function near(word: string, candidates: Iterable<string>, limit: number): string[] {
  const w = word.toLowerCase();
  const scored: [string, number][] = [];
  for (const c of candidates) {
    if (c === word) continue;
    const d = c.toLowerCase() === w ? 0 : editDistance(w, c.toLowerCase());
    if (d <= limit) scored.push([c, d]);
  }
  const best = Math.min(...scored.map(([, d]) => d));
  return scored.filter(([, d]) => d === best).map(([c]) => c);
}

/** The built-in kind a kind name was probably meant to be (`Daemonset` → `DaemonSet`), within `apiVersion`'s kinds. */
function kindSuggestions(kind: string, apiVersion: string): string[] {
  const kinds = KINDS_OF.get(apiVersion) ?? new Set<string>();
  return near(kind, kinds, kind.length <= 6 ? 1 : 2);
}

/** What `minor` makes of `apiVersion` + `kind`. */
export function availability(apiVersion: string, kind: string, minor: number): Availability {
  const parsed = parseApiVersion(apiVersion);
  if (!parsed) return { status: 'unknown-api', suggestions: suggestApiVersions(apiVersion, kind, minor) };
  const { group, version } = parsed;
  if (!BUILTIN_GROUPS.has(group)) {
    // CRD groups must contain a dot; a group without one can only be a built-in group, misspelt.
    if (group.includes('.')) return { status: 'custom', group, version };
    return { status: 'unknown-api', suggestions: suggestApiVersions(apiVersion, kind, minor) };
  }
  if (ALPHA.test(version)) return { status: 'served' };
  const kinds = KINDS_OF.get(apiVersion);
  if (!kinds) return { status: 'unknown-api', suggestions: suggestApiVersions(apiVersion, kind, minor) };
  // `DaemonSetList` and friends (with no `items` to expand) are the list of a kind of the same apiVersion.
  const base = kind.endsWith('List') && kinds.has(kind.slice(0, -4)) ? kind.slice(0, -4) : kind;
  if (!kinds.has(base)) {
    const elsewhere = apiVersionsServing(base, minor);
    return { status: 'unknown-kind', kinds: elsewhere.length ? [] : kindSuggestions(base, apiVersion), elsewhere };
  }
  const change = changeOf(apiVersion, base);
  if (change && change.removed <= minor) return { status: 'removed', change, ...replacementFor(change, base, minor) };
  const since = SERVED_KINDS[apiVersion]?.[base];
  if (since !== undefined && since > minor) {
    // An older apiVersion that this one replaced, still served by the target.
    const older = API_CHANGES.filter((c) => c.kinds.includes(base) && c.replacements.some((r) => r.apiVersion === apiVersion) && isServed(c.apiVersion, base, minor)).sort(
      (a, b) => b.removed - a.removed || (b.deprecated ?? 0) - (a.deprecated ?? 0),
    )[0];
    return { status: 'not-yet', since, use: older?.apiVersion };
  }
  if (change && change.deprecated !== undefined && change.deprecated <= minor) return { status: 'deprecated', change, ...replacementFor(change, base, minor) };
  return { status: 'served' };
}

/**
 * apiVersions the author probably meant: those serving the kind (closest spelling first), else known apiVersions
 * within a small edit distance.
 */
export function suggestApiVersions(apiVersion: string, kind: string, minor: number): string[] {
  const serving = apiVersionsServing(kind, minor);
  if (serving.length) {
    const scored = serving.map((av) => [av, editDistance(apiVersion.toLowerCase(), av.toLowerCase())] as const);
    const best = Math.min(...scored.map(([, d]) => d));
    return scored.filter(([, d]) => d === best).map(([av]) => av);
  }
  return near(apiVersion, KNOWN_API_VERSIONS.filter((av) => isServedAny(av, minor)), 3);
}

function isServedAny(apiVersion: string, minor: number): boolean {
  for (const k of KINDS_OF.get(apiVersion) ?? []) if (isServed(apiVersion, k, minor)) return true;
  return false;
}

/**
 * For a custom-looking group: the built-in apiVersion it is probably a misspelling of, when the kind is a built-in
 * kind of a group at most two edits away (`rbac.authorisation.k8s.io/v1` ClusterRole → `rbac.authorization.k8s.io/v1`).
 */
export function builtinLookalike(group: string, version: string, kind: string, minor: number): string | undefined {
  for (const av of apiVersionsServing(kind, minor)) {
    const p = parseApiVersion(av)!;
    if (p.group && p.group !== group && editDistance(group.toLowerCase(), p.group) <= 2 && (p.version === version || editDistance(p.version, version) <= 1)) return av;
  }
  return undefined;
}

/** `1.22` from a minor number. */
export function kubeVersionOf(minor: number): string {
  return `1.${minor}`;
}
