/** Paths from schema validators: JSON pointers into an object, and the source text of a value in a manifest. */
import type { Manifest, Path } from '../types.js';

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

/** The source text of the value at `path` of a manifest (single-line values only), e.g. to tell `yes` from `true`. */
export function sourceText(m: Manifest, path: Path): string | undefined {
  const r = m.file.locate(m.docIndex, [...m.base, ...path], 'value');
  if (r.line !== r.endLine) return undefined;
  // Offsets from the file's text model (its one line index: lone CR line breaks counted as the positions count them).
  const model = m.file.model;
  return m.file.text.slice(model.offsetAt(r.line, r.column), model.offsetAt(r.line, r.endColumn));
}
