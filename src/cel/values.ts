/**
 * Between decoded YAML and CEL values. Objects become maps and whole numbers become CEL `int`s, the way the API server
 * presents an object whose schema types those fields as integers; numbers with a fraction stay `double`s.
 */
import { isCelList, isCelMap, isCelType, isCelUint, type CelInput, type CelValue } from '@bufbuild/cel';

/** A decoded YAML value as a CEL input: mappings as `Map`s (so no key can reach a prototype), integers as bigint. */
export function toCelInput(v: unknown): CelInput {
  switch (typeof v) {
    case 'string':
    case 'boolean':
    case 'bigint':
      return v;
    case 'number':
      return Number.isInteger(v) ? BigInt(v) : v;
    case 'object':
      if (v === null) return null;
      if (v instanceof Uint8Array) return v;
      if (Array.isArray(v)) return v.map(toCelInput);
      if (v instanceof Map) return new Map([...v].map(([k, x]) => [k, toCelInput(x)]));
      return new Map(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, toCelInput(x)]));
    default:
      return null;
  }
}

/**
 * A decoded value as a CEL input typed by its OpenAPI schema (a CRD's), as the API server types it: a field of
 * `type: number` is a `double` even when it holds a whole number, a field of `type: integer` an `int`. Values the
 * schema does not describe are converted as {@link toCelInput} does.
 */
export function toSchemaCelInput(v: unknown, schema: unknown): CelInput {
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) return toCelInput(v);
  const s = schema as Record<string, unknown>;
  if (typeof v === 'number') return s.type === 'number' ? v : toCelInput(v);
  if (Array.isArray(v)) return v.map((x) => toSchemaCelInput(x, s.items));
  if (v === null || typeof v !== 'object' || v instanceof Uint8Array || v instanceof Map) return toCelInput(v);
  const props = s.properties !== null && typeof s.properties === 'object' ? (s.properties as Record<string, unknown>) : undefined;
  const rest = s.additionalProperties !== null && typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined;
  return new Map(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, toSchemaCelInput(x, props && Object.hasOwn(props, k) ? props[k] : rest)]));
}

/** The CEL type name of a value, for messages (`int`, `string`, `list`, `kubernetes.Quantity` …). */
export function typeName(v: CelValue): string {
  switch (typeof v) {
    case 'bigint':
      return 'int';
    case 'number':
      return 'double';
    case 'string':
      return 'string';
    case 'boolean':
      return 'bool';
  }
  if (v === null) return 'null';
  if (v instanceof Uint8Array) return 'bytes';
  if (isCelList(v)) return 'list';
  if (isCelMap(v)) return 'map';
  if (isCelUint(v)) return 'uint';
  if (isCelType(v)) return 'type';
  return (v as { desc?: { typeName?: string } }).desc?.typeName ?? 'object';
}

/** A short rendering of a CEL value for messages (strings quoted, long values cut). */
export function show(v: CelValue, max = 80): string {
  let s: string;
  if (typeof v === 'string') s = JSON.stringify(v);
  else if (typeof v === 'bigint' || typeof v === 'number' || typeof v === 'boolean') s = String(v);
  else if (v === null) s = 'null';
  else if (isCelUint(v)) s = `${v.value}u`;
  else if (isCelList(v)) s = `[${[...v].slice(0, 5).map((x) => show(x, 20)).join(', ')}${v.size > 5 ? ', …' : ''}]`;
  else if (isCelMap(v)) s = `{${[...v.keys()].slice(0, 5).map((k) => show(k as CelValue, 20)).join(', ')}${v.size > 5 ? ', …' : ''}}`;
  else s = typeName(v);
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}
