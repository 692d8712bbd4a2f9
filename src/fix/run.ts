/**
 * `--fix`: lint, apply every safe fix of the reported findings, re-lint, and repeat until nothing changes (a few
 * passes at most), all in memory; then write each changed file once, atomically.
 */
import { chmodSync, closeSync, fsyncSync, openSync, readFileSync, realpathSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
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
): Promise<FixOutcome<R>> {
  let current = [...files];
  const originals = new Map(files.map((f, i) => [i, f]));
  let applied = 0;
  let result = await lint(current);
  for (let pass = 0; pass < maxPasses; pass++) {
    let changedThisPass = false;
    const next = current.map((file) => {
      const targets = fixTargets(result.findings.filter((f) => f.file === file.path));
      if (!targets.length) return file;
      const r = applyFixesDetailed(file.text, targets);
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
  return { files: current, changed, applied, result };
}

/**
 * Replace a file's content atomically: write a temporary file next to it (same directory, same mode), flush it, and
 * rename it over the original. A byte-order mark the file had is kept. Symbolic links are followed.
 */
export function writeFileAtomic(path: string, text: string): void {
  const target = realpathSync(path);
  const st = statSync(target);
  let bom = '';
  try {
    const head = readFileSync(target).subarray(0, 3);
    if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf && text.charCodeAt(0) !== 0xfeff) bom = '\ufeff';
  } catch {
    // Unreadable now: the rename below reports it.
  }
  const tmp = join(dirname(target), `.${basename(target)}.daemonlint-${process.pid}-${Math.random().toString(36).slice(2, 10)}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'wx', st.mode & 0o7777);
    writeSync(fd, bom + text);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    chmodSync(tmp, st.mode & 0o7777);
    renameSync(tmp, target);
  } catch (err) {
    if (fd !== undefined) closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {
      // Never created.
    }
    throw err;
  }
}
