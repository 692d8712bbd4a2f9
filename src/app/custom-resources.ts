/**
 * Custom resources whose CustomResourceDefinition is in another file of the run.
 *
 * Step 1 of the pipeline (src/app/pipeline.ts) checks each file on its own: a custom resource is then checked against
 * the CRDs of its own file and those of `--crd` / `crds:` only. Once every file is in, the run's CRD index (every CRD
 * of the linted files in run order, then `--crd`'s, as `crdIndexOf` builds it for a run of all files) is compared with
 * what each file saw alone, for the custom kinds of that file. The few files for which an answer differs (a CRD found
 * elsewhere, another CRD winning for a kind, other kinds in the group) are checked again with every CRD of the run, so
 * that the result is the same as a run that held every file at once.
 */
import { CrdIndex, sameAnswers } from '../crd/definitions.js';
import type { LintOptions, RuleSettings } from '../engine/lint.js';
import { readTextAgain } from '../load/files.js';
import { parseSource } from '../load/parse.js';
import type { TextModel } from '../load/text.js';
import type { Manifest } from '../types.js';
import { type FileOutcome, ReleasedFile, type TargetResult, checkParsedFile, manifestsOf, release, textHash } from './outcome.js';

type Checked = { outcome: FileOutcome; model?: TextModel };

/** Check a file again with every CRD of the run; its text is the one first checked, or the file is named as changed. */
async function checkAgain(r: Checked, opts: LintOptions, settings: RuleSettings, runCrds: readonly Manifest[]): Promise<TargetResult> {
  if (opts.deadline !== undefined && Date.now() >= opts.deadline) return { notReached: true };
  const { outcome } = r;
  const text = r.model ? r.model.text : outcome.absPath !== undefined ? readTextAgain(outcome.absPath) : undefined;
  if (text === undefined || (!r.model && textHash(text) !== outcome.source.hash))
    return { readError: `${outcome.path} changed while it was being linted; its custom resources could not be checked against the CRDs of other files: lint it again` };
  const file = parseSource({ path: outcome.path, ...(outcome.absPath !== undefined ? { absPath: outcome.absPath } : {}), text });
  const again = await checkParsedFile(file, opts, settings, runCrds);
  if (!r.model) return { outcome: release(again, file) };
  file.model.trim();
  return { outcome: again, model: file.model };
}

/**
 * The results of a run, with the files whose custom resources would be checked against other CRDs in a run of all
 * files checked again (see above). Results that need nothing are returned as they are.
 */
export async function withEveryCrd(
  results: readonly (TargetResult | undefined)[],
  opts: LintOptions,
  settings: RuleSettings,
): Promise<(TargetResult | undefined)[]> {
  const out = [...results];
  const checked = (r: TargetResult | undefined): r is Checked => r !== undefined && 'outcome' in r;
  if (!out.some((r) => checked(r) && r.outcome.customs?.length)) return out;
  // The CRDs of each file, as manifests shared by both indexes (the comparison is by identity).
  const own = new Map<number, Manifest[]>();
  const runCrds: Manifest[] = [];
  out.forEach((r, i) => {
    if (!checked(r) || !r.outcome.crds?.length) return;
    const ms = manifestsOf(r.outcome.crds, new ReleasedFile(r.outcome, r.model));
    own.set(i, ms);
    for (const m of ms) runCrds.push(m);
  });
  for (const m of opts.crds ?? []) runCrds.push(m);
  const everyCrd = new CrdIndex(runCrds);
  for (const [i, r] of out.entries()) {
    if (!checked(r) || !r.outcome.customs?.length || r.outcome.local.unfinished.length) continue;
    const alone = new CrdIndex([...(own.get(i) ?? []), ...(opts.crds ?? [])]);
    if (!sameAnswers(alone, everyCrd, r.outcome.customs)) out[i] = await checkAgain(r, opts, settings, runCrds);
  }
  return out;
}
