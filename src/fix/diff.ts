/**
 * A unified diff (as `diff -u`) of two texts, for `--fix-dry-run`: jsdiff's Myers diff, which finds a minimal set of
 * changed lines in O((N+M)·D) time, so a two-line fix in a file of thousands of lines is a two-line hunk.
 */
import { structuredPatch } from 'diff';

/** The hunk header's range: a range of no lines names the line before it (`-0,0` for an empty file). */
const range = (start: number, lines: number) => `${lines === 0 ? start - 1 : start},${lines}`;

/** A unified diff with `context` lines around each change; empty when the texts are equal. */
export function unifiedDiff(oldText: string, newText: string, oldName: string, newName: string, context = 3): string {
  if (oldText === newText) return '';
  const patch = structuredPatch(oldName, newName, oldText, newText, undefined, undefined, { context });
  const out = [`--- ${oldName}`, `+++ ${newName}`];
  for (const h of patch.hunks) out.push(`@@ -${range(h.oldStart, h.oldLines)} +${range(h.newStart, h.newLines)} @@`, ...h.lines);
  return out.join('\n') + '\n';
}
