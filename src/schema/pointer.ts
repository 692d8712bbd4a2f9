/** Paths from schema validators: JSON pointers into an object, and the source text of a value in a manifest. */
import type { Manifest, Path, SourceFile } from '../types.js';

/** Turn an ajv instance path (`/spec/containers/0`) into an object path (numbers for list items). */
export function pathFromPointer(obj: unknown, pointer: string): Path {
  const out: (string | number)[] = [];
  let cur: unknown = obj;
  for (const raw of pointer.split('/').slice(1)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(cur)) {
      out.push(Number(seg));
      cur = cur[Number(seg)];
    } else {
      out.push(seg);
      cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[seg] : undefined;
    }
  }
  return out;
}

const lineStarts = new WeakMap<SourceFile, number[]>();

function offsetsOf(file: SourceFile): number[] {
  let starts = lineStarts.get(file);
  if (!starts) {
    starts = [0];
    for (let i = file.text.indexOf('\n'); i !== -1; i = file.text.indexOf('\n', i + 1)) starts.push(i + 1);
    lineStarts.set(file, starts);
  }
  return starts;
}

/** The source text of the value at `path` of a manifest (single-line values only), e.g. to tell `yes` from `true`. */
export function sourceText(m: Manifest, path: Path): string | undefined {
  const r = m.file.locate(m.docIndex, [...m.base, ...path], 'value');
  if (r.line !== r.endLine) return undefined;
  const start = offsetsOf(m.file)[r.line - 1];
  if (start === undefined) return undefined;
  return m.file.text.slice(start + r.column - 1, start + r.endColumn - 1);
}
