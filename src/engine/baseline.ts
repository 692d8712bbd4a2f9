/**
 * Baselines: adopt daemonlint on a repository with existing findings. `--write-baseline FILE` records the current
 * findings; `--baseline FILE` then reports only new ones. A finding is identified by rule, file, object and path
 * (src/report/fingerprint.ts `findingKey`), never by line, so edits that move lines keep it matched. File paths are
 * stored relative to the baseline file, so the baseline works from any working directory.
 */
import { dirname, relative, resolve, sep } from 'node:path';
import { ReadError, readText } from '../io/read.js';
import { findingKey } from '../report/fingerprint.js';
import type { Finding } from '../types.js';

export const BASELINE_VERSION = 1;

/** Largest baseline read: about 200,000 recorded findings. */
export const MAX_BASELINE_BYTES = 64 * 1024 * 1024;

export class BaselineError extends Error {
  override name = 'BaselineError';
}

export interface BaselineEntry {
  /** Identity: rule, file (relative to the baseline), object and path. */
  key: string;
  ruleId: string;
  file: string;
  object?: string;
  path: string;
  /** For people reading the file; not matched (wording may change). */
  message: string;
}

export interface Baseline {
  version: number;
  tool: 'daemonlint';
  findings: BaselineEntry[];
}

function relocate(f: Finding, cwd: string, baselineDir: string): Finding {
  const rel = relative(baselineDir, resolve(cwd, f.file));
  return { ...f, file: sep === '/' ? rel : rel.split(sep).join('/') };
}

/** The baseline file's text for a run's reported findings. */
export function baselineText(findings: readonly Finding[], cwd: string, baselineFile: string): string {
  const dir = dirname(resolve(cwd, baselineFile));
  const entries = findings.map((f): BaselineEntry => {
    const r = relocate(f, cwd, dir);
    const e: BaselineEntry = { key: findingKey(r), ruleId: f.ruleId, file: r.file, path: f.path, message: f.message };
    if (f.object) e.object = `${f.object.kind}/${f.object.namespace ?? ''}/${f.object.name ?? ''}`;
    return e;
  });
  entries.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.message < b.message ? -1 : a.message > b.message ? 1 : 0));
  const out: Baseline = { version: BASELINE_VERSION, tool: 'daemonlint', findings: entries };
  return JSON.stringify(out, null, 2) + '\n';
}

/** True when text is a baseline daemonlint wrote (any version): the only kind of file --write-baseline replaces. */
export function isBaselineText(text: string): boolean {
  try {
    const b = JSON.parse(text) as Partial<Baseline>;
    return !!b && typeof b === 'object' && b.tool === 'daemonlint' && Array.isArray(b.findings);
  } catch {
    return false;
  }
}

/**
 * Read a baseline file. Throws BaselineError with a one-line message; no message quotes the file (it may be any
 * file the user named by mistake).
 */
export function readBaseline(file: string, cwd: string, deadline?: number): Baseline {
  let text: string;
  try {
    text = readText(resolve(cwd, file), { maxBytes: MAX_BASELINE_BYTES, what: 'baseline', display: file, deadline });
  } catch (err) {
    if (err instanceof ReadError) throw new BaselineError(`cannot read baseline ${file}: ${err.reason}`);
    throw err;
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new BaselineError(`${file} is not a daemonlint baseline (not JSON); write one with --write-baseline ${file}`);
  }
  const b = data as Partial<Baseline>;
  if (!b || typeof b !== 'object' || b.tool !== 'daemonlint' || !Array.isArray(b.findings) || b.findings.some((e) => !e || typeof (e as BaselineEntry).key !== 'string'))
    throw new BaselineError(`${file} is not a daemonlint baseline (write one with --write-baseline ${file})`);
  if (b.version !== BASELINE_VERSION) throw new BaselineError(`baseline ${file} has version ${String(b.version)}; this daemonlint reads version ${BASELINE_VERSION}: rewrite it with --write-baseline`);
  return b as Baseline;
}

export interface BaselineResult {
  /** New findings: not in the baseline. */
  findings: Finding[];
  /** Findings the baseline accepts, with a `baseline` suppression. */
  suppressed: Finding[];
  /** Baseline entries no finding matched any more (fixed since). */
  fixed: number;
}

/** Split findings into new ones and baselined ones. Each baseline entry accepts one finding with its key. */
export function applyBaseline(findings: readonly Finding[], baseline: Baseline, cwd: string, baselineFile: string): BaselineResult {
  const dir = dirname(resolve(cwd, baselineFile));
  const remaining = new Map<string, number>();
  for (const e of baseline.findings) remaining.set(e.key, (remaining.get(e.key) ?? 0) + 1);
  const out: BaselineResult = { findings: [], suppressed: [], fixed: 0 };
  for (const f of findings) {
    const key = findingKey(relocate(f, cwd, dir));
    const n = remaining.get(key) ?? 0;
    if (n > 0) {
      remaining.set(key, n - 1);
      out.suppressed.push({ ...f, suppressions: [...(f.suppressions ?? []), { kind: 'external', source: 'baseline', justification: `accepted in baseline ${baselineFile}` }] });
    } else out.findings.push(f);
  }
  for (const n of remaining.values()) out.fixed += n;
  return out;
}
