/**
 * Between decoded YAML and CEL values. Objects become maps and whole numbers become CEL `int`s, the way the API server
 * presents an object whose schema types those fields as integers; numbers with a fraction stay `double`s.
 */
import { isCelList, isCelMap, isCelType, isCelUint, type CelInput, type CelValue } from '@bufbuild/cel';
import { create } from '@bufbuild/protobuf';
import { DurationSchema, timestampFromDate } from '@bufbuild/protobuf/wkt';

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
 * `type: number` is a `double` even when it holds a whole number, a field of `type: integer` an `int`, and strings of
 * `format: duration`, `date`, `date-time` and `byte` are durations, timestamps and bytes (a string that does not parse
 * stays a string). Values the schema does not describe are converted as {@link toCelInput} does.
 */
export function toSchemaCelInput(v: unknown, schema: unknown): CelInput {
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) return toCelInput(v);
  const s = schema as Record<string, unknown>;
  if (typeof v === 'number') return s.type === 'number' ? v : toCelInput(v);
  if (typeof v === 'string') return (typeof s.format === 'string' && formatted(v, s.format)) || v;
  if (Array.isArray(v)) return v.map((x) => toSchemaCelInput(x, s.items));
  if (v === null || typeof v !== 'object' || v instanceof Uint8Array || v instanceof Map) return toCelInput(v);
  const props = s.properties !== null && typeof s.properties === 'object' ? (s.properties as Record<string, unknown>) : undefined;
  const rest = s.additionalProperties !== null && typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined;
  return new Map(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, toSchemaCelInput(x, props && Object.hasOwn(props, k) ? props[k] : rest)]));
}

const DURATION_PART = /([0-9]*(?:\.[0-9]*)?)(ns|us|µs|ms|s|m|h)/y;
const NANOS: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/** A Go duration string (`1h30m`, `1.5s`, `-300ms`) as a CEL duration, or undefined. */
function durationOf(text: string): CelInput | undefined {
  const sign = text.startsWith('-') ? -1n : 1n;
  const body = text.replace(/^[-+]/, '');
  if (body === '0') return create(DurationSchema, {});
  let nanos = 0n;
  let at = 0;
  while (at < body.length) {
    DURATION_PART.lastIndex = at;
    const m = DURATION_PART.exec(body);
    if (!m || !m[1] || m[1] === '.') return undefined;
    const [whole = '0', frac = ''] = m[1].split('.');
    const unit = NANOS[m[2]!]!;
    nanos += BigInt(whole || '0') * BigInt(unit) + BigInt(Math.round(Number(`0.${frac || '0'}`) * unit));
    at = DURATION_PART.lastIndex;
  }
  if (!body.length) return undefined;
  nanos *= sign;
  return create(DurationSchema, { seconds: nanos / 1_000_000_000n, nanos: Number(nanos % 1_000_000_000n) });
}

/** A string of a schema `format` as the CEL value the API server gives it, or undefined to keep the string. */
function formatted(text: string, format: string): CelInput | undefined {
  switch (format) {
    case 'duration':
      return durationOf(text);
    case 'date':
    case 'date-time':
    case 'datetime': {
      const iso = format === 'date' ? /^\d{4}-\d{2}-\d{2}$/ : /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
      const d = iso.test(text) ? new Date(format === 'date' ? `${text}T00:00:00Z` : text) : undefined;
      return d && !Number.isNaN(d.getTime()) ? timestampFromDate(d) : undefined;
    }
    case 'byte':
      return /^[A-Za-z0-9+/]*={0,2}$/.test(text) && text.length % 4 === 0 ? new Uint8Array(Buffer.from(text, 'base64')) : undefined;
    default:
      return undefined;
  }
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
