import type { Verdict } from '../app/verdict.js';
import type { Finding } from '../types.js';

export interface ReportContext {
  /** Number of files read in the run. */
  files: number;
  /** Number of Kubernetes objects found. */
  objects: number;
  /** Findings waived by a suppression (they are not in the findings list of text/json output). */
  suppressed?: Finding[];
  color?: boolean;
  /** The run's exit code and why: the summary line says it (without it, only the counts). */
  verdict?: Verdict;
  /** Terminal width: messages are wrapped to it with a hanging indent (no wrapping without it). */
  width?: number;
}

export interface Summary {
  files: number;
  objects: number;
  errors: number;
  warnings: number;
  infos: number;
  suppressed: number;
}

export function summarize(findings: readonly Finding[], ctx: ReportContext): Summary {
  let errors = 0,
    warnings = 0,
    infos = 0;
  for (const f of findings) {
    if (f.severity === 'error') errors++;
    else if (f.severity === 'warning') warnings++;
    else infos++;
  }
  return { files: ctx.files, objects: ctx.objects, errors, warnings, infos, suppressed: ctx.suppressed?.length ?? 0 };
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
