/** Rendering values as text in the file's style: YAML 1.1 (block or flow) or JSON, for fixes to splice in. */
import { stringify } from 'yaml';
import type { Path } from '../types.js';
import { Unfixable, isObj } from './value.js';

/** How new text is written: JSON or YAML, and the file's line breaks. */
export interface Style {
  json: boolean;
  eol: '\n' | '\r\n';
}

const RENDER = { version: '1.1' as const, lineWidth: 0, indent: 2 };

/** A scalar as plain YAML 1.1 text (quoted when a plain scalar would read differently); JSON text in a JSON file. */
export function renderScalar(value: unknown, inFlow: boolean, style: Style): string {
  if (style.json) return JSON.stringify(value ?? null);
  if (typeof value === 'string') {
    const plain = stringify(value, RENDER).replace(/\n$/, '');
    if (plain.includes('\n') || (inFlow && /[,[\]{}#:]/.test(plain))) return JSON.stringify(value);
    return plain;
  }
  if (value === null) return 'null';
  return stringify(value, RENDER).replace(/\n$/, '');
}

export function isCollection(v: unknown): boolean {
  return typeof v === 'object' && v !== null;
}

/** A value in flow style on one line (`{a: 1, b: [x]}`); compact JSON in a JSON file. */
export function renderFlow(value: unknown, style: Style): string {
  if (style.json) {
    if (Array.isArray(value)) return `[${value.map((v) => renderFlow(v, style)).join(', ')}]`;
    if (isObj(value)) return `{${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}: ${renderFlow(v, style)}`).join(', ')}}`;
    return JSON.stringify(value ?? null);
  }
  if (Array.isArray(value)) return `[${value.map((v) => renderFlow(v, style)).join(', ')}]`;
  if (isObj(value)) return `{${Object.entries(value).map(([k, v]) => `${renderScalar(k, true, style)}: ${renderFlow(v, style)}`).join(', ')}}`;
  return renderScalar(value, true, style);
}

/** A value spread over lines as JSON.stringify(…, 2) does, continuation lines indented by `indent` spaces. */
export function renderJsonBlock(value: unknown, indent: number, unit: number): string {
  return JSON.stringify(value ?? null, null, unit).split('\n').join(`\n${' '.repeat(indent)}`);
}

/** A collection as block YAML, each line indented by `indent` spaces (lines end with a newline). */
export function renderBlock(value: unknown, indent: number, style: Style): string {
  if ((Array.isArray(value) && !value.length) || (isObj(value) && !Object.keys(value).length)) return ' '.repeat(indent) + renderFlow(value, style) + '\n';
  const out = stringify(value, RENDER);
  return out
    .split('\n')
    .filter((l, i, a) => !(i === a.length - 1 && l === ''))
    .map((l) => (l ? ' '.repeat(indent) + l : l))
    .join('\n') + '\n';
}

/** `key: value` lines for a block mapping at `indent` (ending with a newline). */
export function renderBlockPair(key: string, value: unknown, indent: number, style: Style): string {
  const k = renderScalar(key, false, style);
  if (isCollection(value) && (Array.isArray(value) ? value.length : Object.keys(value as object).length))
    return `${' '.repeat(indent)}${k}:\n${renderBlock(value, indent + 2, style)}`;
  return `${' '.repeat(indent)}${k}: ${isCollection(value) ? renderFlow(value, style) : renderScalar(value, false, style)}\n`;
}

/** Nest a value under missing keys: (['a', 'b'], v) → {a: {b: v}}. */
export function nest(keys: Path, value: unknown): unknown {
  let v = value;
  for (let i = keys.length - 1; i >= 0; i--) {
    const k = keys[i]!;
    if (typeof k === 'number') throw new Unfixable('cannot create a list item');
    v = { [k]: v };
  }
  return v;
}
