/**
 * A lint of many files whose memory follows the largest file and a small view of each object, not the total text:
 *
 * 1. Each file is read, parsed and checked on its own by the rules that look at one object or one file
 *    (`lintFiles`): in worker threads (src/app/workers.ts) when there is enough work, else here. What the rest of the
 *    run needs is all that is kept of it (a `FileOutcome`): its findings, its suppression facts, and the comparison
 *    view of each object (src/k8s/view.ts), and its CustomResourceDefinitions whole (src/app/outcome.ts). Its text
 *    and parse trees are let go, unless the run is small. A file with custom resources whose CRD is in another file
 *    is checked again once every CRD is known (src/app/custom-resources.ts).
 * 2. The rules that compare objects (`lintAcross`) run here over the views of every object, in file order. The few
 *    files they point at are read again for positions, one at a time; a file whose text changed since it was
 *    linted is an error (the positions would be wrong).
 * 3. Suppressions are applied over the facts of every file (`finishLint`).
 *
 * The result is the same whichever way step 1 ran (test/parallel.test.ts).
 */
import { comparesObjects, finishLint, lintAcross, RuleSettings, type LintOptions, type LintResult, type PartialResult } from '../engine/lint.js';
import type { FileFacts } from '../engine/suppress.js';
import { PathError, displayPath, fromBuffer, loadFile } from '../load/files.js';
import { isInheritedDescriptorPath } from '../io/read.js';
import type { Manifest, ObjectRef, RunContext, SourceFile } from '../types.js';
import { identityOf } from '../units/identity.js';
import { withEveryCrd } from './custom-resources.js';
import { withinDeadline } from './deadline.js';
import { ReleasedFile, checkParsedFile, manifestsOf, release, type FileOutcome, type TargetResult } from './outcome.js';

export type { FileOutcome, TargetResult } from './outcome.js';

/** Read, parse and check one target (an absolute path; stdin is read by the caller). */
export async function checkTarget(abs: string, cwd: string, opts: LintOptions, settings: RuleSettings, keep: boolean): Promise<TargetResult> {
  const late = () => opts.deadline !== undefined && Date.now() >= opts.deadline;
  if (late()) return { notReached: true };
  let file: SourceFile;
  try {
    file = loadFile(abs, cwd, { deadline: opts.deadline });
  } catch (err) {
    // A read the deadline cut short: the file was not linted in time (not a file that cannot be read).
    if (err instanceof PathError) return late() ? { notReached: true } : { readError: err.message };
    throw err;
  }
  const outcome = await checkParsedFile(file, opts, settings);
  // Kept: the text model only (its line index and parsed documents), not the decoded objects.
  return keep ? { outcome, model: file.model } : { outcome: release(outcome, file) };
}

export interface RunInput {
  /** Every target's result, in run order (missing or `notReached`: not reached before the deadline). */
  results: readonly (TargetResult | undefined)[];
  /** Display names of the targets, in the same order. */
  names: readonly string[];
}

export interface RunOutput extends LintResult {
  readErrors: string[];
  fileCount: number;
  objectCount: number;
  unfinished: string[];
  /** Some file holds a ValidatingAdmissionPolicy or binding: it applies to other files' objects too (app/lint.ts). */
  admission: boolean;
  /**
   * The run is more than one plain deployment unit: an object is defined twice (copies of it in alternative
   * directories, or a duplicate) or a file is rendered Helm output. app/lint.ts lints such runs in memory, per unit.
   */
  units: boolean;
  /** The files (absolute paths) that hold an object or something to report (for the empty-directory check). */
  filled: string[];
}

const ADMISSION_KINDS = new Set(['ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding']);

/**
 * Steps 2 and 3: the rules that compare objects over every kept view, then suppressions. First, the few files whose
 * custom resources have their CRD in another file are checked again with every CRD of the run (custom-resources.ts).
 */
export async function finishRun(given: RunInput, opts: LintOptions, settings: RuleSettings): Promise<RunOutput> {
  const input: RunInput = { names: given.names, results: await withEveryCrd(given.results, opts, settings) };
  const readErrors: string[] = [];
  const notReached: string[] = [];
  const parts: PartialResult[] = [];
  const facts: FileFacts[] = [];
  const manifests: Manifest[] = [];
  const unrecognized = new Map<Manifest, string>();
  let fileCount = 0;
  let objectCount = 0;
  let admission = false;
  let units = false;
  const identities = new Set<string>();
  const filled: string[] = [];
  input.names.forEach((name, i) => {
    const r = input.results[i];
    if (!r || 'notReached' in r) {
      notReached.push(name);
      return;
    }
    if ('readError' in r) {
      readErrors.push(r.readError);
      return;
    }
    const { outcome } = r;
    fileCount++;
    objectCount += outcome.objects.length;
    if (!admission) admission = outcome.objects.some((o) => ADMISSION_KINDS.has(o.ref.kind));
    if (outcome.absPath !== undefined && (outcome.objects.length || outcome.problems)) filled.push(outcome.absPath);
    if (outcome.helm) units = true;
    for (const o of outcome.objects) {
      if (units) break;
      const id = identityOf(o);
      if (id === undefined) continue;
      if (identities.has(id)) units = true;
      else identities.add(id);
    }
    parts.push(outcome.local);
    facts.push({ ...outcome.facts, objects: outcome.objects });
    if (outcome.local.unfinished.length) return;
    const ms = manifestsOf(outcome.objects, new ReleasedFile(outcome, r.model));
    ms.forEach((m, k) => {
      manifests.push(m);
      // Objects no API recognises are left to the rule that reports them, by the rules comparing objects too.
      const owner = outcome.objects[k]!.unrecognized;
      if (owner !== undefined) unrecognized.set(m, owner);
    });
  });
  identities.clear();
  const run: RunContext = { manifests, files: [], nodes: opts.nodes, kubeVersion: opts.kubeVersion!, crds: opts.crds, unrecognized, cache: new Map() };
  for (const rule of opts.rules) if (rule.prepare && comparesObjects(rule)) await rule.prepare(run);
  parts.push(lintAcross(manifests, opts, run, settings));
  const result = finishLint(parts, facts, opts, settings);
  return { ...result, readErrors, fileCount, objectCount, admission, units, filled, unfinished: [...(result.unfinished ?? []), ...notReached] };
}

/**
 * Read stdin (within the deadline: a writer that never closes it does not hang the run) and check it; it is kept for
 * positions, as it cannot be read again.
 */
export async function checkStdin(
  ctx: { stdinFilename?: string; readStdin: (deadline?: number) => Promise<Buffer> },
  opts: LintOptions,
  settings: RuleSettings,
): Promise<TargetResult> {
  const buf = await withinDeadline(ctx.readStdin(opts.deadline), opts.deadline);
  if (!buf) return { notReached: true };
  const file = fromBuffer(buf, ctx.stdinFilename ?? '<stdin>');
  return { outcome: await checkParsedFile(file, opts, settings), model: file.model };
}

/** Steps 1 to 3 in this thread, one file after the other. `keepBytes`: keep texts while the run reads no more. */
export async function lintInProcess(
  targets: readonly string[],
  ctx: { cwd: string; stdinFilename?: string; readStdin: (deadline?: number) => Promise<Buffer>; keepBytes?: number },
  opts: LintOptions,
): Promise<RunOutput> {
  const settings = new RuleSettings(opts);
  const results: (TargetResult | undefined)[] = [];
  const names = targets.map((t) => (t === '-' ? (ctx.stdinFilename ?? '<stdin>') : displayPath(t, ctx.cwd)));
  const keep = new KeepBudget(ctx.keepBytes);
  const strings = new StringPool();
  for (const t of targets) {
    if (opts.deadline !== undefined && Date.now() >= opts.deadline) break;
    if (t === '-') {
      results.push(await checkStdin(ctx, opts, settings));
      continue;
    }
    const r = keep.apply(await checkTarget(t, ctx.cwd, opts, settings, true));
    // A run too small to outgrow the text budget is not worth the walk over every view.
    if (keep.exhausted && 'outcome' in r) strings.outcome(r.outcome);
    results.push(r);
  }
  return finishRun({ results, names }, opts, settings);
}

/**
 * One copy of each short string of the outcomes of a run (kinds, API versions, namespaces, label keys and values,
 * port names …): views that arrive from worker threads are copies whose strings are all distinct, and a large run
 * keeps hundreds of thousands of them until its end.
 */
export class StringPool {
  #pool = new Map<string, string>();

  share(v: unknown): unknown {
    if (typeof v === 'string') {
      if (v.length > 64) return v;
      const s = this.#pool.get(v);
      if (s !== undefined) return s;
      this.#pool.set(v, v);
      return v;
    }
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) v[i] = this.share(v[i]);
    } else if (v !== null && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      for (const k of Object.keys(o)) o[k] = this.share(o[k]);
    }
    return v;
  }

  /** Share the strings of an outcome's views, and rebuild each object's reference from its view's strings. */
  outcome(o: FileOutcome): FileOutcome {
    for (const x of o.objects) {
      x.object = this.share(x.object) as Record<string, any>;
      x.ref = this.share(x.ref) as ObjectRef;
      x.namespace = this.share(x.namespace) as string;
    }
    return o;
  }
}

/** Runs that read no more text than this keep it for positions instead of reading files twice. */
export const KEEP_TEXT_CHARS = 32 * 1024 * 1024;

/**
 * Kept models also keep the event trees of the documents that had findings (cross-resource findings often point at the
 * same documents), while those documents add up to no more than this: a tree takes some 25 times its text.
 */
const KEEP_TREE_CHARS = 256 * 1024;

/** Keeps the text models of checked files until their texts add up to a budget; lets the later ones go. */
export class KeepBudget {
  #chars = 0;
  #treeChars = 0;
  constructor(private readonly budget: number = KEEP_TEXT_CHARS) {}

  /** True once the run has read more text than the budget (a large run). */
  get exhausted(): boolean {
    return this.#chars > this.budget;
  }

  apply(r: TargetResult): TargetResult {
    if (!('model' in r) || !r.model) return r;
    this.#chars += r.model.text.length;
    // A pipe this process inherited (`<(…)`) cannot be read again: always kept.
    if (this.#chars <= this.budget || (r.outcome.absPath !== undefined && isInheritedDescriptorPath(r.outcome.absPath))) {
      // The text stays; its parses are made again only for the positions still to come.
      const keepTrees = this.#treeChars + r.model.treeChars <= KEEP_TREE_CHARS;
      if (keepTrees) this.#treeChars += r.model.treeChars;
      r.model.trim(keepTrees);
      return r;
    }
    release(r.outcome, r.model);
    return { outcome: r.outcome };
  }
}
