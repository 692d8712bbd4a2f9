/**
 * What is kept of one checked file until the end of a run (plain data: it crosses from worker threads), how a file is
 * checked on its own to get it, and the file as the rest of the run sees it once its text was let go (ReleasedFile).
 */
import { createHash } from 'node:crypto';
import { customKinds, isCrd } from '../crd/definitions.js';
import { comparesObjects, lintFiles, type LintOptions, type PartialResult, type RuleSettings } from '../engine/lint.js';
import { suppressionFacts, type FileFacts } from '../engine/suppress.js';
import { comparisonView } from '../k8s/view.js';
import { PathError, readTextAgain } from '../load/files.js';
import { TextModel } from '../load/text.js';
import { helmSources } from '../units/helm.js';
import type { Anchor, LoadProblem, Manifest, ObjectRef, Path, Range, RunContext, SourceFile } from '../types.js';

/** An object of a file as plain data: its place in the file, its reference and (a view of) its content. */
export interface ObjectOutcome {
  docIndex: number;
  base: Path;
  ref: ObjectRef;
  namespace: string;
  object: Record<string, any>;
  /** The rule that reports it as an object no API would recognise (`RunContext.unrecognized`). */
  unrecognized?: string;
}

/** What is kept of one linted file until the end of the run (plain data: it crosses from worker threads). */
export interface FileOutcome {
  path: string;
  absPath?: string;
  local: PartialResult;
  facts: FileFacts;
  /** Every object, with its comparison view (src/k8s/view.ts). */
  objects: ObjectOutcome[];
  /** Its CustomResourceDefinitions, whole: custom resources of other files may be checked against them. */
  crds?: ObjectOutcome[];
  /** Group and kind of each custom kind of its objects (custom-resources.ts), when it has any. */
  customs?: { group: string; kind: string }[];
  /** It has problems of its own (a file without objects but with something to report is not an empty one). */
  problems?: true;
  /** It is rendered Helm output (`# Source:` comments): findings name their templates (src/units/helm.ts). */
  helm?: true;
  /**
   * How to know the text again when it is read for positions: its SHA-1, where its documents start and whether they
   * are strict JSON values (the text model's `json`).
   */
  source: { hash: string; docStarts?: number[]; json?: true };
}

/**
 * One target's result: an outcome (with the file's text model when it is kept for positions), or the one-line reason
 * it could not be read.
 */
export type TargetResult = { outcome: FileOutcome; model?: TextModel } | { readError: string } | { notReached: true };

export function textHash(text: string): string {
  return createHash('sha1').update(text).digest('base64');
}

/**
 * Check one parsed file with the rules that look at one object or one file. `runCrds`: every CRD of the run, when
 * they are known (a file checked again by custom-resources.ts); else the file sees its own CRDs and `--crd`'s.
 */
export async function checkParsedFile(file: SourceFile, opts: LintOptions, settings: RuleSettings, runCrds?: readonly Manifest[]): Promise<FileOutcome> {
  const run: RunContext = {
    manifests: file.manifests,
    files: [file],
    nodes: opts.nodes,
    kubeVersion: opts.kubeVersion!,
    crds: opts.crds,
    ...(runCrds ? { runCrds } : {}),
    unrecognized: new Map(),
    cache: new Map(),
  };
  for (const rule of opts.rules) if (rule.prepare && !comparesObjects(rule)) await rule.prepare(run);
  const local = lintFiles([file], opts, run, settings);
  const docStarts = file.model.docStarts;
  const plain = (m: Manifest, object: Record<string, any>): ObjectOutcome => {
    const owner = run.unrecognized.get(m);
    return { docIndex: m.docIndex, base: m.base, ref: m.ref, namespace: m.namespace, object, ...(owner !== undefined ? { unrecognized: owner } : {}) };
  };
  const crds = file.manifests.filter(isCrd).map((m) => plain(m, m.object));
  const customs = customKinds(file.manifests);
  return {
    path: file.path,
    ...(file.absPath !== undefined ? { absPath: file.absPath } : {}),
    local,
    // The objects' facts are the views' entries (restored by `finishRun`): sent once.
    facts: { ...suppressionFacts(file), objects: [] },
    objects: file.manifests.map((m) => plain(m, comparisonView(m.object))),
    ...(crds.length ? { crds } : {}),
    ...(customs.length ? { customs } : {}),
    ...(file.problems.length ? { problems: true as const } : {}),
    ...(helmSources(file) ? { helm: true as const } : {}),
    // The hash is taken only when the text is let go (`release`).
    source: { hash: '', ...(docStarts ? { docStarts: [...docStarts] } : {}), ...(file.model.json ? { json: true as const } : {}) },
  };
}

/** Prepare an outcome for its file's text to be let go: note how to know the text again. */
export function release(outcome: FileOutcome, file: { text: string }): FileOutcome {
  outcome.source.hash = textHash(file.text);
  return outcome;
}

/**
 * A linted file as the rules comparing objects see it: its objects' views, and its text model, either kept (`model`)
 * or let go, with what is needed to read the text again. A model let go loads on first use, and `release` lets it go
 * again (lintAcross releases each file once its positions are resolved).
 */
export class ReleasedFile implements SourceFile {
  readonly path: string;
  readonly absPath?: string;
  readonly manifests: Manifest[] = [];
  readonly problems: LoadProblem[] = [];
  #model: TextModel | undefined;
  readonly #kept: boolean;
  readonly #source: FileOutcome['source'];

  constructor(outcome: FileOutcome, model?: TextModel) {
    this.path = outcome.path;
    if (outcome.absPath !== undefined) this.absPath = outcome.absPath;
    this.#source = outcome.source;
    this.#model = model;
    this.#kept = model !== undefined;
  }

  get model(): TextModel {
    if (!this.#model) {
      const text = this.absPath ? readTextAgain(this.absPath) : undefined;
      if (text === undefined || textHash(text) !== this.#source.hash)
        throw new PathError(`${this.path} changed while it was being linted; its positions would be wrong: lint it again`);
      this.#model = new TextModel(text, this.#source.docStarts, { json: this.#source.json === true });
    }
    return this.#model;
  }

  get text(): string {
    return this.model.text;
  }

  get lineCount(): number {
    return this.model.lineCount;
  }

  locate(docIndex: number, path: Path, at?: Anchor): Range {
    return this.model.locate(docIndex, path, at);
  }

  /** Once its positions are resolved: the text goes (unless kept), and a kept text's parses go (made again if asked). */
  release(): void {
    if (!this.#kept) this.#model = undefined;
    else this.#model?.trim();
  }
}

/** Manifests on a file (kept or released) from the plain data of its objects. */
export function manifestsOf(objects: readonly ObjectOutcome[], file: SourceFile): Manifest[] {
  return objects.map((o) => ({ file, docIndex: o.docIndex, base: o.base, ref: o.ref, namespace: o.namespace, object: o.object }));
}
