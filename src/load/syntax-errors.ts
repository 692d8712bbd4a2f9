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

/** The line (0-based) of an offset, by binary search in the sorted line starts. */
export function lineOf(starts: readonly number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Line starts of a text (offsets). */
export function lineStarts(text: string): number[] {
  const out = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) out.push(i + 1);
  return out;
}

/**
 * The problems of one document's errors, in order: every duplicate key, and for the other errors the first one on each
 * line. `starts` are the text's line starts.
 */
export function syntaxProblems(errors: readonly YAMLError[], text: string, starts: readonly number[]): SyntaxProblem[] {
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
    const line = lineOf(starts, start);
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
