/**
 * The custom policies of one config file: definitions written inline under `policies:` and the policy files named
 * there (paths relative to the config). Policy files are read and validated first, so the config itself can then be
 * validated knowing every policy id (a `rules:`, `strict:` or `waivers:` entry may name one).
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { POLICY_FILE_SCHEMA, toPolicySpec, type PolicySpec } from '../policy/spec.js';
import type { Path } from '../types.js';
import { ConfigError } from './find.js';
import { readSource, referenceRefused, type Source } from './source.js';
import { showPath, validateSource } from './validate.js';

let policyFileValidator: ValidateFunction | undefined;

function fail(src: Source, path: Path, message: string, at: 'key' | 'value' = 'value'): never {
  const r = src.locate(path, at);
  throw new ConfigError(`${src.file}:${r.line}:${r.column}: ${showPath(path)}: ${message}`);
}

function specsOf(src: Source, entries: unknown[], base: Path, isDefinition: (v: unknown, i: number) => boolean): PolicySpec[] {
  const out: PolicySpec[] = [];
  entries.forEach((value, i) => {
    if (!isDefinition(value, i)) return;
    const path = [...base, i];
    const spec = toPolicySpec(value as Record<string, any>, {
      file: src.file,
      path,
      locate: (key, offset) => (offset === undefined ? src.locate([...path, key], 'value') : src.locateIn([...path, key], offset)),
    });
    if ('key' in spec) fail(src, [...path, spec.key], spec.message);
    out.push(spec);
  });
  return out;
}

function readPolicyFile(file: string): PolicySpec[] {
  const src = readSource(file, 'policy file');
  if (src.value === null || typeof src.value !== 'object' || Array.isArray(src.value)) throw new ConfigError(`${file}:1:1: a policy file must be a mapping with a policies list`);
  policyFileValidator ??= new Ajv({ allErrors: true, strict: false, verbose: true }).compile(POLICY_FILE_SCHEMA);
  validateSource(src, policyFileValidator, [], () => false);
  return specsOf(src, (src.value as { policies: unknown[] }).policies, ['policies'], () => true);
}

/**
 * The policies of the policy files a config names (validated), and the ids of its inline definitions (not yet). A
 * config that is not `trusted` (found in a repository rather than named with --config) may only name policy files
 * inside its repository.
 */
export function preReadPolicies(src: Source, trusted: boolean): { fromFiles: PolicySpec[]; inlineIds: string[] } {
  const entries = (src.value as Record<string, unknown>).policies;
  if (!Array.isArray(entries)) return { fromFiles: [], inlineIds: [] };
  const fromFiles: PolicySpec[] = [];
  const inlineIds: string[] = [];
  entries.forEach((e, i) => {
    if (typeof e === 'string') {
      const refused = referenceRefused(src.file, e, trusted);
      if (refused) fail(src, ['policies', i], refused);
      const file = resolve(dirname(src.file), e);
      if (!existsSync(file)) fail(src, ['policies', i], `${e} does not exist`);
      fromFiles.push(...readPolicyFile(file));
    } else if (e && typeof e === 'object' && typeof (e as { id?: unknown }).id === 'string') inlineIds.push((e as { id: string }).id);
  });
  return { fromFiles, inlineIds };
}

/** The inline definitions of a validated config. */
export function inlinePolicies(src: Source): PolicySpec[] {
  const entries = (src.value as Record<string, unknown>).policies;
  return Array.isArray(entries) ? specsOf(src, entries, ['policies'], (v) => typeof v === 'object' && v !== null) : [];
}

/** Where a policy is defined, for messages: `file:line`. */
export function definedAt(spec: PolicySpec): string {
  return `${spec.origin.file}:${spec.origin.locate('id').line}`;
}

/** Refuse ids that are built-in rules, or that are defined twice (here, or here and in a config this one extends). */
export function checkPolicyIds(own: readonly PolicySpec[], inherited: readonly PolicySpec[], builtinIds: ReadonlySet<string>): void {
  const seen = new Map(inherited.map((s) => [s.id, s]));
  for (const spec of own) {
    const where = spec.origin.locate('id');
    const at = `${spec.origin.file}:${where.line}:${where.column}: ${showPath([...spec.origin.path, 'id'])}`;
    if (builtinIds.has(spec.id)) throw new ConfigError(`${at}: "${spec.id}" is a built-in rule; give the policy an id of its own`);
    const earlier = seen.get(spec.id);
    if (earlier && earlier !== spec) throw new ConfigError(`${at}: policy "${spec.id}" is already defined at ${definedAt(earlier)}`);
    seen.set(spec.id, spec);
  }
}
