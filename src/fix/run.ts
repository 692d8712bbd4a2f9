/**
 * `--fix`: lint, apply every safe fix of the reported findings, re-lint, and repeat until nothing changes (a few
 * passes at most), all in memory. The caller writes each changed file once (src/io/write.ts `replaceFile`).
 */
import { isJsonInput } from '../load/json.js';
import { parseSource } from '../load/parse.js';
import type { Finding, SourceFile } from '../types.js';
import { applyFixesDetailed, type FixTarget } from './apply.js';

export const MAX_FIX_PASSES = 5;

export interface FixOutcome<R> {
  /** The files after fixing (re-parsed), in the original order. */
  files: SourceFile[];
  /** Files whose text changed: the original and its new text. */
  changed: { original: SourceFile; text: string }[];
  /** Number of fixes applied over all passes. */
  applied: number;
  /** The lint result of the final texts. */
  result: R;
  /** The deadline passed before the fixes were complete: `files` and `changed` are partial and must not be written. */
  outOfTime?: boolean;
}

/** The fixes `--fix` applies for a file's reported findings: safe ones, each once. */
export function fixTargets(findings: readonly Finding[]): FixTarget[] {
  const seen = new Set<string>();
  const out: FixTarget[] = [];
  for (const f of findings) {
    if (!f.fix || f.fix.safe === false || f.docIndex === undefined || !f.fix.edits.length) continue;
    const key = JSON.stringify([f.docIndex, f.base ?? [], f.fix.edits]);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ docIndex: f.docIndex, base: f.base ?? [], fix: f.fix });
  }
  return out;
}

/** Fix files in memory until stable. `lint` returns the reported findings of a run (after suppressions). */
export async function fixUntilStable<R extends { findings: Finding[] }>(
  files: readonly SourceFile[],
  lint: (files: SourceFile[]) => Promise<R>,
  maxPasses = MAX_FIX_PASSES,
  deadline?: number,
): Promise<FixOutcome<R>> {
  const late = () => deadline !== undefined && Date.now() > deadline;
  let current = [...files];
  const originals = new Map(files.map((f, i) => [i, f]));
  let applied = 0;
  let result = await lint(current);
  let outOfTime = false;
  for (let pass = 0; pass < maxPasses; pass++) {
    if (late()) {
      outOfTime = true;
      break;
    }
    let changedThisPass = false;
    const next = current.map((file) => {
      const targets = fixTargets(result.findings.filter((f) => f.file === file.path));
      if (!targets.length) return file;
      const r = applyFixesDetailed(file.text, targets, { json: isJsonInput(file.path, file.text) });
      if (r.text === file.text) return file;
      applied += r.applied.length;
      changedThisPass = true;
      return parseSource({ path: file.path, absPath: file.absPath, text: r.text });
    });
    if (!changedThisPass) break;
    current = next;
    result = await lint(current);
  }
  const changed = current.flatMap((f, i) => (f.text !== originals.get(i)!.text ? [{ original: originals.get(i)!, text: f.text }] : []));
  return { files: current, changed, applied, result, outOfTime: outOfTime || undefined };
}
