/**
 * Strict JSON, as kubectl reads it. kubectl decodes input whose first non-blank character is `{` as a stream of JSON
 * values (anything else as YAML); daemonlint does the same, and reads every `.json` file as JSON too. Trailing commas,
 * comments, single quotes, unquoted keys, NaN and the like are errors with an exact position, never silently read
 * as YAML (where a comment could make a whole object disappear).
 *
 * The decoder is iterative (no recursion, so no stack overflow on deep input) and bounded by MAX_NESTING_DEPTH like the
 * YAML path; repeated keys are reported like the YAML path's duplicate keys (the last value is kept).
 */
import { MAX_NESTING_DEPTH } from './limits.js';

/** Is this input JSON to kubectl (first non-blank character `{`), or a `.json` file? */
export function isJsonInput(path: string | undefined, text: string): boolean {
  return (path !== undefined && /\.json$/i.test(path)) || isJsonText(text);
}

/** kubectl's test: the first character that is not white space is `{`. */
export function isJsonText(text: string): boolean {
  return /^[\s\ufeff]*\{/.test(text);
}

export interface JsonError {
  error: string;
  /** Offsets of the problem in the text. */
  start: number;
  end: number;
}

export interface JsonDecoded {
  /** The top-level values, in order (kubectl's stream: one object per value). */
  values: unknown[];
  /** [start, end) of each value in the text. */
  spans: [number, number][];
  /** Repeated keys (reported, not fatal): the key's [start, end) and its text. */
  duplicates: { start: number; end: number; key: string }[];
}

const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);

type Frame = { kind: 'object'; value: Record<string, unknown>; key?: string; keys: Set<string>; count: number } | { kind: 'array'; value: unknown[]; count: number };

/** Decode a stream of JSON values; the first error (with its position) when the text is not strict JSON. */
export function decodeJson(text: string): JsonDecoded | JsonError {
  const values: unknown[] = [];
  const spans: [number, number][] = [];
  const duplicates: JsonDecoded['duplicates'] = [];
  const n = text.length;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const fail = (error: string, start: number, end = start + 1): JsonError => ({ error, start: Math.min(start, n), end: Math.min(Math.max(end, start), n) });
  const skipWs = () => {
    while (i < n && WS.has(text.charCodeAt(i))) i++;
  };
  /** Why the character at `at` cannot start a value here. */
  const unexpected = (at: number, expected: string): JsonError => {
    if (at >= n) return fail(`the text ends where ${expected} was expected`, n, n);
    const c = text[at]!;
    if (c === '/' && (text[at + 1] === '/' || text[at + 1] === '*')) return fail('comments are not allowed in JSON', at, at + 2);
    if (c === "'") return fail('JSON strings use double quotes, not single quotes', at);
    if (/[A-Za-z_$]/.test(c)) {
      const word = /^[A-Za-z_$][\w$-]*/.exec(text.slice(at, at + 64))![0];
      if (word === 'NaN' || word === 'Infinity') return fail(`${word} is not a JSON number`, at, at + word.length);
      return fail(`expected ${expected}, found a bare word (JSON strings and keys need double quotes)`, at, at + word.length);
    }
    return fail(`expected ${expected}, found ${JSON.stringify(c)}`, at);
  };

  const parseString = (): string | JsonError => {
    const start = i;
    i++; // the opening quote
    let out = '';
    let chunk = i;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        out += text.slice(chunk, i);
        i++;
        return out;
      }
      if (c < 0x20) return fail('a control character (such as a line break) inside a JSON string must be escaped', i);
      if (c === 0x5c) {
        out += text.slice(chunk, i);
        const e = text[i + 1];
        const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
        if (e !== undefined && e in simple) {
          out += simple[e];
          i += 2;
        } else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
          out += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
          i += 6;
        } else return fail('an invalid escape sequence in a JSON string', i, i + 2);
        chunk = i;
        continue;
      }
      i++;
    }
    return fail('a JSON string is not closed', start, n);
  };

  const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
  const parseScalar = (): { value: unknown } | JsonError => {
    const c = text[i];
    if (c === '"') {
      const s = parseString();
      return typeof s === 'string' ? { value: s } : s;
    }
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) {
      NUMBER.lastIndex = i;
      const m = NUMBER.exec(text);
      if (!m || !m[0] || m[0] === '-') return fail('an invalid JSON number', i);
      const next = text[i + m[0].length];
      if (next !== undefined && /[\w.+-]/.test(next)) return fail(c === '0' || text.slice(i, i + 2) === '-0' ? 'JSON numbers have no leading zeros' : 'an invalid JSON number', i, i + m[0].length + 1);
      i += m[0].length;
      return { value: Number(m[0]) };
    }
    for (const [word, value] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (text.startsWith(word, i) && !/[\w$]/.test(text[i + word.length] ?? '')) {
        i += word.length;
        return { value };
      }
    }
    return unexpected(i, 'a value');
  };

  while (true) {
    skipWs();
    if (i >= n) break;
    if (text[i] !== '{' && text[i] !== '[' && !values.length) return unexpected(i, 'a JSON object');
    const start = i;
    const stack: Frame[] = [];
    let root: unknown;
    let done = false;
    /** Attach a finished value to the open container (or make it the root). */
    const attach = (value: unknown): void => {
      const top = stack[stack.length - 1];
      if (!top) {
        root = value;
        done = true;
        return;
      }
      if (top.kind === 'array') top.value.push(value);
      else {
        const key = top.key!;
        if (key === '__proto__') Object.defineProperty(top.value, key, { value, enumerable: true, writable: true, configurable: true });
        else top.value[key] = value;
        top.key = undefined;
      }
      top.count++;
    };
    while (!done) {
      skipWs();
      const top = stack[stack.length - 1];
      const c = text[i];
      if (top?.kind === 'object' && top.key === undefined) {
        // Expect a key, or the end of the object.
        if (c === '}') {
          i++;
          stack.pop();
          attach(top.value);
          continue;
        }
        if (top.count) {
          if (c !== ',') return unexpected(i, 'a comma or }');
          const comma = i;
          i++;
          skipWs();
          if (text[i] === '}') return fail('a trailing comma before } is not allowed in JSON', comma);
        }
        if (text[i] !== '"') return unexpected(i, 'a key in double quotes');
        const keyStart = i;
        const key = parseString();
        if (typeof key !== 'string') return key;
        if (top.keys.has(key)) duplicates.push({ start: keyStart, end: i, key });
        top.keys.add(key);
        skipWs();
        if (text[i] !== ':') return unexpected(i, 'a colon after the key');
        i++;
        top.key = key;
        continue;
      }
      if (top?.kind === 'array') {
        if (c === ']') {
          i++;
          stack.pop();
          attach(top.value);
          continue;
        }
        if (top.count) {
          if (c !== ',') return unexpected(i, 'a comma or ]');
          const comma = i;
          i++;
          skipWs();
          if (text[i] === ']') return fail('a trailing comma before ] is not allowed in JSON', comma);
        }
      }
      // A value.
      skipWs();
      const v = text[i];
      if (v === '{' || v === '[') {
        if (stack.length >= MAX_NESTING_DEPTH)
          return fail(`The document nests objects and arrays more than ${MAX_NESTING_DEPTH} levels deep; it was not linted. No Kubernetes object needs that many levels: flatten it or check how it was generated.`, i);
        stack.push(v === '{' ? { kind: 'object', value: {}, keys: new Set(), count: 0 } : { kind: 'array', value: [], count: 0 });
        i++;
        continue;
      }
      if (!top) return unexpected(i, 'a JSON object');
      const s = parseScalar();
      if ('error' in s) return s;
      attach(s.value);
    }
    values.push(root);
    spans.push([start, i]);
  }
  return { values, spans, duplicates };
}
