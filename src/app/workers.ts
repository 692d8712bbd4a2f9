/**
 * Step 1 of the pipeline (src/app/pipeline.ts) in worker threads: each worker reads, parses and checks whole files
 * with the rules that look at one object or one file, and sends back what the rest of the run needs (a FileOutcome).
 * The main thread hands out one file at a time to whichever worker is free, keeps the outcomes in run order and, once
 * all are in, runs the rules that compare objects and the suppressions itself, exactly as a run without workers does.
 *
 * Workers start from `dist/worker.cjs`, next to the CLI bundle (it loads the same bundle with its code cache); a run
 * from the sources or from another bundle (the GitHub Action's) has none and stays in one thread.
 */
import { existsSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker, parentPort, workerData } from 'node:worker_threads';
import { allRules } from '../../rules/index.js';
import { createRunConfig } from '../config/run.js';
import type { Profile } from '../engine/profile.js';
import { RuleSettings, type LintOptions } from '../engine/lint.js';
import { beginRun, recordInputs, takeInputs } from '../io/read.js';
import { displayPath } from '../load/files.js';
import type { NodeInfo } from '../types.js';
import type { TargetResult } from './outcome.js';
import { KeepBudget, StringPool, checkStdin, checkTarget, finishRun, type RunOutput } from './pipeline.js';

/** Below this many bytes to read, a run stays in one thread: starting workers would cost more than they save. */
export const WORKER_MIN_BYTES = 4 * 1024 * 1024;
/** Most workers a run starts. */
const MAX_WORKERS = 8;

/** What a worker needs to lint like the main thread (plain data). */
export interface WorkerSetup {
  cwd: string;
  configFile?: string;
  /** The config file was named on the command line (see LintPathsOptions.trustConfig). */
  trustConfigFile?: boolean;
  noConfig?: boolean;
  stdinFilename?: string;
  /** Every target of the run (config files are found from them, as in the main thread). */
  targets: string[];
  kubeVersion: string;
  nodes?: NodeInfo[];
  /**
   * The `--crd` / `crds:` paths of the run (read in the main thread first, so they are known to be good): a worker
   * reads them too, and checks custom resources against them as the main thread does.
   */
  crds?: string[];
  /** `--profile`, when given (configs may set one per file too). */
  profile?: Profile;
  deadline?: number;
}

/** A batch of targets (by run index); the reply carries their results in the same order. */
type Request = { ids: number[]; targets: string[] };
type Reply = { ids: number[]; results: TargetResult[]; inputs: string[] } | { ids: number[]; error: { message: string; stack?: string } };

/** Files per message: fewer, larger messages for many small files, while keeping the workers evenly loaded. */
function batchSize(files: number, workers: number): number {
  return Math.max(1, Math.min(32, Math.ceil(files / (workers * 16))));
}

/** The worker script next to the CLI bundle, or undefined (sources, other bundles). */
export function workerScript(): string | undefined {
  const dir = typeof __dirname === 'string' ? __dirname : undefined;
  const script = dir && join(dir, 'worker.cjs');
  return script && existsSync(script) ? script : undefined;
}

/**
 * How many threads (this one and workers) should read and check files: 0 (this thread alone) for one file, for
 * little text, without a worker script or with `jobs` 1; else `jobs` (or the number of cores), at most one per file.
 * `jobs` above 1 uses workers for any size.
 */
export function workerCount(targets: readonly string[], jobs: number | undefined): number {
  const files = targets.filter((t) => t !== '-');
  if (jobs === 1 || files.length < 2 || !workerScript()) return 0;
  if (jobs === undefined) {
    let bytes = 0;
    for (const f of files) {
      try {
        bytes += statSync(f).size;
      } catch {
        // Unreadable: reported when it is read.
      }
      if (bytes >= WORKER_MIN_BYTES) break;
    }
    if (bytes < WORKER_MIN_BYTES) return 0;
  }
  const cores = availableParallelism();
  if (jobs === undefined && cores < 2) return 0;
  return Math.min(jobs ?? cores, files.length, MAX_WORKERS);
}

/** Nodes as a worker gets them: without the manifests they came from (related locations are the main thread's). */
function plainNodes(nodes: readonly NodeInfo[] | undefined): NodeInfo[] | undefined {
  return nodes?.map((n) => ({ name: n.name, labels: n.labels, taints: n.taints }));
}

/** Lint `targets` with `count` workers (see workerCount); stdin is read and checked in this thread. */
export async function lintInWorkers(
  targets: readonly string[],
  count: number,
  setup: Omit<WorkerSetup, 'targets' | 'nodes' | 'deadline' | 'kubeVersion'>,
  ctx: { readStdin: (deadline?: number) => Promise<Buffer> },
  opts: LintOptions,
): Promise<RunOutput> {
  const settings = new RuleSettings(opts);
  const names = targets.map((t) => (t === '-' ? (setup.stdinFilename ?? '<stdin>') : displayPath(t, setup.cwd)));
  const results: (TargetResult | undefined)[] = new Array(targets.length);
  const keep = new KeepBudget();
  const strings = new StringPool();
  const stdin = targets.indexOf('-');
  if (stdin !== -1) results[stdin] = await checkStdin({ stdinFilename: setup.stdinFilename, readStdin: ctx.readStdin }, opts, settings);
  const queue = targets.flatMap((t, i) => (t === '-' ? [] : [{ id: i, target: t }]));
  const late = () => opts.deadline !== undefined && Date.now() >= opts.deadline;
  const data: WorkerSetup = { ...setup, targets: [...targets], kubeVersion: opts.kubeVersion!, nodes: plainNodes(opts.nodes), deadline: opts.deadline };
  const workers: Worker[] = [];
  // This thread checks files too (one thread fewer to start, and its outcomes need no copying): `count` threads in
  // all. Each worker has up to two batches in hand, so that it never waits for this thread to hand out the next.
  let outstanding = 0;
  let mainDone = false;
  let settle: { resolve: () => void; reject: (e: unknown) => void } | undefined;
  const allDone = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
  const finishIfDone = () => {
    if (mainDone && outstanding === 0) settle!.resolve();
  };
  const size = batchSize(queue.length, count);
  const feed = (w: Worker) => {
    const jobs = late() ? [] : queue.splice(0, size);
    if (!jobs.length) return finishIfDone();
    outstanding++;
    w.postMessage({ ids: jobs.map((j) => j.id), targets: jobs.map((j) => j.target) } satisfies Request);
  };
  // Out of time: stop handing out files and stop waiting; what was not finished is named as not linted.
  const timer =
    opts.deadline === undefined
      ? undefined
      : setTimeout(() => {
          queue.length = 0;
          settle!.resolve();
        }, Math.max(0, opts.deadline - Date.now()) + 50);
  timer?.unref();
  try {
    for (let i = 0; i < count - 1; i++) {
      const w = new Worker(workerScript()!, { workerData: data, stdout: false, stderr: false });
      workers.push(w);
      w.on('message', (reply: Reply) => {
        outstanding--;
        if ('error' in reply) return settle!.reject(Object.assign(new Error(reply.error.message), { stack: reply.error.stack }));
        // The files a worker read are inputs of the run as much as this thread's (the writer never overwrites one).
        recordInputs(reply.inputs);
        reply.ids.forEach((id, k) => {
          const r = reply.results[k]!;
          if ('outcome' in r) strings.outcome(r.outcome);
          results[id] = r;
        });
        feed(w);
      });
      w.on('error', (err) => settle!.reject(err));
      w.on('exit', (code) => {
        if (code !== 0) settle!.reject(new Error(`a worker thread stopped with exit code ${code}`));
      });
      feed(w);
      feed(w);
    }
    // This thread's share: one file at a time from the same queue, letting the workers' replies in between.
    while (queue.length && !late()) {
      const job = queue.shift()!;
      const r = keep.apply(await checkTarget(job.target, setup.cwd, opts, settings, true));
      if ('outcome' in r) strings.outcome(r.outcome);
      results[job.id] = r;
      await new Promise((r) => setImmediate(r));
    }
    mainDone = true;
    finishIfDone();
    await allDone;
  } finally {
    if (timer) clearTimeout(timer);
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return finishRun({ results, names }, opts, settings);
}

/** The worker thread's side: lint the files the main thread sends, one at a time. */
export async function workerMain(): Promise<void> {
  if (!parentPort) return;
  const setup = workerData as WorkerSetup;
  beginRun();
  const config = await createRunConfig({
    cwd: setup.cwd,
    rules: allRules,
    configFile: setup.configFile,
    trustConfigFile: setup.trustConfigFile,
    noConfig: setup.noConfig,
    targets: setup.targets,
    stdinFilename: setup.stdinFilename,
    profile: setup.profile,
  });
  const crds = setup.crds?.length ? (await import('../load/crds.js')).loadCrdFiles(setup.crds, setup.cwd, setup.deadline) : undefined;
  // The run's rules: the built-in ones and the custom policies of its configs.
  const opts: LintOptions = { rules: config.rules, nodes: setup.nodes, kubeVersion: setup.kubeVersion, crds, ...config.lintOptions, deadline: setup.deadline };
  const settings = new RuleSettings(opts);
  const port = parentPort;
  const checkAll = async (targets: string[]): Promise<TargetResult[]> => {
    const results: TargetResult[] = [];
    for (const t of targets) {
      const result = await checkTarget(t, setup.cwd, opts, settings, false);
      // Errors thrown by rules cross as plain errors (message and stack), whatever was thrown.
      if ('outcome' in result)
        for (const e of result.outcome.local.internalErrors) if (!(e.error instanceof Error)) e.error = new Error(String(e.error));
      results.push(result);
    }
    return results;
  };
  port.on('message', (req: Request) => {
    checkAll(req.targets).then(
      (results) => port.postMessage({ ids: req.ids, results, inputs: takeInputs() } satisfies Reply),
      (err: unknown) => port.postMessage({ ids: req.ids, error: { message: String((err as Error)?.message ?? err), stack: (err as Error)?.stack } } satisfies Reply),
    );
  });
}
