/**
 * The yaml library's errors of one document as the problems users see: one per cause. A parser that meets one bad
 * token (a stray `{{ … }}` in a mapping) often reports several errors on that line, some worded from its own state
 * ("Map comment with trailing content" where there is no comment): only the first error of each line is kept, and
 * an internal-state message is replaced by one that says what is known.
 */
import type { YAMLError } from 'yaml';

export interface SyntaxProblem {
  message: string;
  start: number;
  end: number;
}

function firstLine(message: string): string {
  const line = message.split('\n')[0] ?? message;
  return line.replace(/ at line \d+, column \d+:?\s*$/, '').trim();
}

/**
 * The problems of one document's errors, in order: every duplicate key, and for the other errors the first one on each
 * line. `lineOf` gives the line of an offset (the file's text model).
 */
export function syntaxProblems(errors: readonly YAMLError[], text: string, lineOf: (offset: number) => number): SyntaxProblem[] {
  const out: SyntaxProblem[] = [];
  const linesWithError = new Set<number>();
  const others = errors.filter((e) => e.code !== 'DUPLICATE_KEY');
  // In text order: the first error of a line is the cause, those after it on that line its consequences.
  // At one offset the parser's internal-state error comes last: it is never the cause.
  const last = (e: YAMLError) => (e.code === 'IMPOSSIBLE' ? 1 : 0);
  for (const err of [...errors].sort((a, b) => a.pos[0] - b.pos[0] || last(a) - last(b))) {
    const [start, end] = err.pos;
    if (err.code === 'DUPLICATE_KEY') {
      out.push({
        start,
        end,
        message: `Duplicate key ${JSON.stringify(text.slice(start, end).trim())}: the same key appears twice in one mapping; kubectl rejects the object and, at best, one value silently wins. Keep one.`,
      });
      continue;
    }
    const line = lineOf(start);
    if (linesWithError.has(line)) continue; // A consequence of the error already reported on this line.
    // The parser's own bookkeeping, not a description of the text: say only what is known, or nothing when another
    // error already explains the document.
    if (err.code === 'IMPOSSIBLE') {
      if (others.length > 1) continue;
      linesWithError.add(line);
      out.push({ start, end, message: 'YAML syntax error: the content from here on does not fit the mapping it is in; check the indentation of this line and the lines above it.' });
      continue;
    }
    linesWithError.add(line);
    const message =
      err.code === 'RESOURCE_EXHAUSTION' && /\.$/.test(err.message)
        ? firstLine(err.message) // A resource bound from limits.ts, already a full sentence.
        : `YAML syntax error: ${firstLine(err.message)}.`;
    out.push({ start, end, message });
  }
  return out;
}
