/**
 * The `daemonlint` command line: parse options, load files, run rules, write a report, pick the exit code.
 * Exit codes: 0 = no finding at or above --fail-on; 1 = such findings; 2 = usage error, unreadable path, internal error.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { UsageError, lintPaths, rulesFor } from './app/lint.js';
import type { Profile } from './engine/profile.js';
import { WriteError, checkOutputTarget, writeOutput, type OutputKind } from './io/write.js';
import { safeDiffText, safeText } from './report/sanitize.js';
import { PathError, describeFsError, readStdin } from './load/files.js';
import { loadRuleDoc, ruleDoc } from './rule-docs.js';
import { FAIL_ON_VALUES, verdictOf, verdictReason, type Verdict } from './app/verdict.js';
import { COVERAGE_FORMATS, REPORT_FORMATS, type Finding, type ReportFormat, type Rule } from './types.js';
import { commandHelp, mainHelp, nearCommand, parseCommandLine } from './cli/args.js';
import { COMMANDS, type COVERAGE_OPTIONS, DEFAULT_TIMEOUT_SECONDS, type LINT_OPTIONS, SUBCOMMANDS, type CommandName, type OptionValues } from './cli/options.js';
import { closest } from './util/suggest.js';
import { LINKS } from './links.js';
import { VERSION } from './version.js';

export { UsageError } from './app/errors.js';
/** The entry of a worker thread (dist/worker.cjs loads this bundle and calls it). */
export { workerMain } from './app/workers.js';

type Values = OptionValues<typeof LINT_OPTIONS>;
type CoverageValues = OptionValues<typeof COVERAGE_OPTIONS>;
/** What colour and output choices read, in every command that writes a report. */
type ReportValues = { output?: string; color?: boolean; 'no-color'?: boolean };

export interface CliIO {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  cwd: string;
  env: NodeJS.ProcessEnv;
  isTTY: boolean;
  /** The terminal's width in columns, when stdout is a terminal (text reports wrap to it). */
  columns?: number;
  /** Read stdin; give up (and close it) when the deadline passes. */
  readStdin: (deadline?: number) => Promise<Buffer>;
}

const defaultIO = (): CliIO => {
  // A reader that stops early (`daemonlint … | head`) closes the pipe: stop writing, quietly. Any other failure to
  // write the report (a full disk, a closed descriptor) is one line and exit 2, not an unhandled 'error' event.
  let stdoutGone = false;
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') {
      stdoutGone = true;
      return;
    }
    process.stderr.write(`daemonlint: cannot write the report to stdout: ${describeFsError(err)}\n`);
    process.exit(2);
  });
  return {
    stdout: (s) => void (stdoutGone || process.stdout.write(s)),
    stderr: (s) => process.stderr.write(s),
    cwd: process.cwd(),
    env: process.env,
    isTTY: Boolean(process.stdout.isTTY),
    columns: process.stdout.isTTY ? process.stdout.columns : undefined,
    readStdin,
  };
};

function oneOf<T extends string>(name: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`--${name} must be one of ${allowed.join(', ')} (got "${value}")`);
  return value as T;
}

/**
 * Colour: never with --no-color or into a file (-o); FORCE_COLOR=1 (2, 3, true or empty) forces it on and
 * FORCE_COLOR=0 (or false) off, before NO_COLOR is considered, as Node itself does; then NO_COLOR turns it off;
 * otherwise only on a terminal.
 */
function useColor(values: ReportValues, io: CliIO): boolean {
  if (values['no-color'] || values.output) return false;
  const force = io.env.FORCE_COLOR;
  if (force !== undefined) return !['0', 'false'].includes(force.trim().toLowerCase());
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '') return false;
  if (values.color) return true;
  return io.isTTY;
}

interface RenderExtras {
  verdict?: Verdict;
  width?: number;
}

async function render(format: ReportFormat, findings: Finding[], counts: { files: number; objects: number }, color: boolean, cwd: string, rules: readonly Rule[], suppressed: Finding[] = [], extras: RenderExtras = {}): Promise<string> {
  const ctx = { ...counts, color, suppressed, ...extras };
  switch (format) {
    case 'text':
      return (await import('./report/text.js')).formatText(findings, ctx);
    case 'json':
      return (await import('./report/json.js')).formatJson(findings, ctx);
    case 'sarif':
      return (await import('./report/sarif.js')).formatSarif(findings, { rules, cwd, suppressed, docs: loadRuleDoc, links: LINKS });
    case 'github':
      return (await import('./report/github.js')).formatGithub(findings);
  }
}

function listRules(allRules: readonly Rule[], format: string | undefined): string {
  if (format === 'json') {
    // For other tools: every rule's facts, in the order of the text list. `version` changes when fields change meaning.
    const rules = allRules.map(({ meta: m }) => ({
      id: m.id,
      severity: m.severity,
      description: m.description,
      kinds: m.kinds === '*' ? '*' : [...m.kinds],
      fixable: Boolean(m.fixable),
      tags: [...m.tags],
      hasOptions: Boolean(m.optionsSchema),
      ...(m.custom ? { custom: true } : { docs: `docs/rules/${m.id}.md`, ...(LINKS ? { url: LINKS.rule(m.id) } : {}) }),
    }));
    return `${JSON.stringify({ version: 1, tool: 'daemonlint', toolVersion: VERSION, rules }, null, 2)}\n`;
  }
  const width = Math.max(...allRules.map((r) => r.meta.id.length));
  // A custom policy's description comes from a config file: printed inert.
  return allRules.map((r) => `${r.meta.id.padEnd(width)}  ${r.meta.severity.padEnd(7)}  ${safeText(r.meta.description)}${r.meta.custom ? '  (custom policy)' : ''}`).join('\n') + '\n';
}

function explainRule(allRules: readonly Rule[], id: string | undefined): string {
  if (!id) throw new UsageError('explain needs a rule id: daemonlint explain RULE (see daemonlint rules)');
  const rule = allRules.find((r) => r.meta.id === id);
  if (!rule) {
    // A misspelling (`restart-polcy`) has one answer; a fragment (`host-p`) may have several.
    const ids = allRules.map((r) => r.meta.id);
    const containing = ids.filter((x) => x.includes(id) || id.includes(x));
    const typo = closest(id, ids);
    const near = containing.length ? containing : typo ? [typo] : [];
    throw new UsageError(`unknown rule "${id}"${near.length ? `; did you mean ${near.join(', ')}?` : ''} (see daemonlint rules)`);
  }
  const m = rule.meta;
  const kinds = m.kinds === '*' ? 'every kind' : m.kinds.join(', ');
  const doc = ruleDoc(rule);
  if (!doc) throw new UsageError(`the documentation of ${m.id} (docs/rules/${m.id}.md) is missing from this installation`);
  // The document with the rule's facts under its title. A custom policy's document is built from its definition in a
  // config file: its text keeps its line breaks, and nothing else that could drive the terminal.
  const body = doc.markdown.replace(/^#[^\n]*\n+/, '');
  const text = `# ${m.id}\n\nDefault severity: ${m.severity}. Applies to: ${kinds}.${m.fixable ? ' Fixable.' : ''}\n\n${m.description}\n\n${body.trimEnd()}\n`;
  return m.custom ? safeDiffText(text) : text;
}

/** Write output of `kind` to `--output` (through the guarded writer) or stdout. */
function writeOut(out: string, values: ReportValues, io: CliIO, kind: OutputKind): void {
  if (values.output) {
    try {
      writeOutput(values.output, out, kind, io.cwd);
    } catch (err) {
      if (err instanceof WriteError) throw new UsageError(err.message);
      throw err;
    }
  } else io.stdout(out);
}

/** Fail before linting when an output file may not be written (an input, a file of another kind …). */
function checkOutput(path: string | undefined, kind: OutputKind, io: CliIO): void {
  if (!path) return;
  try {
    checkOutputTarget(path, kind, io.cwd);
  } catch (err) {
    if (err instanceof WriteError) throw new UsageError(err.message);
    throw err;
  }
}

async function lintCommand(values: Values, positionals: string[], io: CliIO): Promise<number> {
  // Fixed values (--format, --fail-on, --profile) were checked against the option table when the command line was read.
  const format = oneOf('format', values.format, REPORT_FORMATS, 'text');
  const profile = values.profile as Profile | undefined;
  if (values.config && values['no-config']) throw new UsageError('--config and --no-config cannot be used together');
  if (values.fix && values['fix-dry-run']) throw new UsageError('--fix and --fix-dry-run cannot be used together');
  if (values['write-baseline'] && values.baseline) throw new UsageError('--write-baseline records every current finding; drop --baseline');
  const timeout = timeoutOf(values.timeout);
  // A dry run prints a diff in the text format; with a machine format the report goes there and the diff to stderr.
  checkOutput(values.output, values['fix-dry-run'] && format === 'text' ? 'diff' : format, io);
  checkOutput(values['write-baseline'], 'baseline', io);
  const linted = await lintPaths({
    timeout,
    paths: positionals,
    cwd: io.cwd,
    stdinFilename: values['stdin-filename'],
    readStdin: io.readStdin,
    nodes: values.nodes,
    crds: values.crd,
    policies: values.policy,
    kubeVersion: values['kube-version'],
    config: values.config,
    trustConfig: true,
    noConfig: values['no-config'],
    baseline: values.baseline,
    writeBaseline: values['write-baseline'],
    noIgnore: values['no-ignore'],
    allowEmpty: values['allow-empty'],
    keepFiles: Boolean(values.fix || values['fix-dry-run']),
    jobs: jobsOf(values.jobs),
    profile,
  });
  let { files, findings, suppressed, internalErrors } = linted;
  let counts = { files: linted.fileCount, objects: linted.objectCount };
  const { readErrors } = linted;
  const failOn = oneOf('fail-on', values['fail-on'] ?? linted.failOn, FAIL_ON_VALUES, 'error');
  const outOfTime = unfinishedLine(linted.unfinished, timeout);
  if (values['write-baseline']) {
    // A baseline without the files that were not linted would hide their findings later.
    if (outOfTime) throw new UsageError(`${outOfTime.replace(/^daemonlint: |\n$/g, '')}; the baseline was not written`);
    const { baselineText } = await import('./engine/baseline.js');
    try {
      writeOutput(values['write-baseline'], baselineText(findings, io.cwd, values['write-baseline']), 'baseline', io.cwd);
    } catch (err) {
      if (err instanceof WriteError) throw new UsageError(err.message);
      throw err;
    }
    io.stderr(line(`recorded ${findings.length} finding${findings.length === 1 ? '' : 's'} in ${values['write-baseline']}; lint with --baseline ${values['write-baseline']} to see only new ones`));
    for (const e of readErrors) io.stderr(line(e));
    return readErrors.length || internalErrors.length ? 2 : 0;
  }
  let reportToStderr = false;
  const writeErrors: string[] = [];
  if (values.fix || values['fix-dry-run']) {
    const { fixUntilStable } = await import('./fix/run.js');
    const deadline = linted.deadline;
    const outcome = await fixUntilStable(files, linted.relint, undefined, linted.deadline);
    const fixOutOfTime = outcome.outOfTime ? `daemonlint: the time budget of ${timeout} s ran out while fixing; nothing was ${values.fix ? 'written' : 'shown'}; raise --timeout or fix fewer files at once\n` : '';
    if (values['fix-dry-run']) {
      // Nothing is written: the files on disk still have every finding, so the report and the exit code are those
      // of a plain lint run. The diff goes to stdout in the text format; a machine format gets the report there and
      // the diff on stderr.
      const { unifiedDiff } = await import('./fix/diff.js');
      const diff = outcome.outOfTime ? '' : outcome.changed.map((c) => unifiedDiff(c.original.text, c.text, `a/${c.original.path}`, `b/${c.original.path}`)).join('');
      // On a terminal or a log, control characters of the files are shown as escapes; -o keeps the exact patch.
      const shown = values.quiet ? findings.filter((f) => f.severity === 'error') : findings;
      const verdict = verdictOf({ findings, shown, failOn, readErrors: readErrors.length, internalErrors: internalErrors.length, unfinished: linted.unfinished.length, outOfTime: outcome.outOfTime, timeout });
      if (format === 'text') writeOut(values.output ? diff : safeDiffText(diff), values, io, 'diff');
      else {
        writeOut(await render(format, shown, counts, false, io.cwd, linted.rules, suppressed, { verdict }), values, io, format);
        io.stderr(safeDiffText(diff));
      }
      for (const e of readErrors) io.stderr(line(e));
      for (const e of internalErrors) io.stderr(internalErrorLine(e, values.debug));
      if (outOfTime || fixOutOfTime) io.stderr(outOfTime || fixOutOfTime);
      // The last line says what the diff is and, like a lint run's summary, why the exit code is what it is.
      const would = outcome.outOfTime ? '' : `${plural(outcome.applied, 'fix', 'fixes')} would change ${plural(outcome.changed.length, 'file')}`;
      const reason = verdictReason(verdict, findings.length > 0);
      if (would || reason) io.stderr(line([would, reason].filter(Boolean).join('; ')));
      return verdict.exitCode;
    }
    if (outcome.outOfTime) {
      io.stderr(fixOutOfTime);
      return 2;
    }
    ({ findings, suppressed, internalErrors } = outcome.result);
    files = outcome.files;
    const { lintedRoots, replaceFile } = await import('./io/write.js');
    const roots = lintedRoots(positionals, io.cwd);
    // Each file is written on its own: one that may not be written (changed meanwhile, read-only, a link out of the
    // linted folders) is named, the others are still fixed.
    const notWritten = new Set<string>();
    for (const c of outcome.changed) {
      if (!c.original.absPath) continue;
      try {
        replaceFile(c.original.absPath, c.original.text, c.text, { roots, display: c.original.path, deadline });
      } catch (err) {
        if (!(err instanceof WriteError)) throw err;
        writeErrors.push(`not fixed: ${err.message}`);
        notWritten.add(c.original.path);
      }
    }
    if (notWritten.size) {
      // The report is of what is on disk: the files not written keep their original findings.
      files = files.map((f, i) => (notWritten.has(f.path) ? linted.files[i]! : f));
      ({ findings, suppressed, internalErrors } = await linted.relint(files));
    }
    counts = { files: files.length, objects: files.reduce((n, f) => n + f.manifests.length, 0) };
    // stdin: the fixed text goes to stdout, so the report goes to stderr (or --output).
    const stdinFile = files.find((f) => !f.absPath && positionals.includes('-'));
    if (stdinFile) {
      io.stdout(stdinFile.text);
      reportToStderr = !values.output;
    }
  }
  const shown = values.quiet ? findings.filter((f) => f.severity === 'error') : findings;
  const verdict = verdictOf({
    findings,
    shown,
    failOn,
    readErrors: readErrors.length,
    writeErrors: writeErrors.length,
    internalErrors: internalErrors.length,
    unfinished: linted.unfinished.length,
    timeout,
  });
  const color = useColor(values, io) && !reportToStderr;
  // Wrapped to the terminal only when the report goes to it.
  const width = io.isTTY && !values.output && !reportToStderr ? io.columns : undefined;
  const report = await render(format, shown, counts, color, io.cwd, linted.rules, suppressed, { verdict, width });
  if (reportToStderr) io.stderr(report);
  else writeOut(report, values, io, format);
  for (const e of [...readErrors, ...writeErrors]) io.stderr(line(e));
  for (const e of internalErrors) io.stderr(internalErrorLine(e, values.debug));
  if (outOfTime) io.stderr(outOfTime);
  return verdict.exitCode;
}

function internalErrorLine(e: { ruleId: string; file: string; error: unknown }, debug: boolean | undefined): string {
  const stack = debug ? `${(e.error as Error)?.stack ?? ''}\n` : '';
  return line(`internal error in rule ${e.ruleId} on ${e.file}: ${firstLine((e.error as Error)?.message ?? e.error)}; please report it`) + stack;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** The one stderr line for a run that ran out of time, or '' when every file was linted. */
function unfinishedLine(unfinished: readonly string[], timeout: number, verb: 'linted' | 'read' = 'linted'): string {
  if (!unfinished.length) return '';
  const names = unfinished.length > 5 ? `${unfinished.slice(0, 5).join(', ')} and ${unfinished.length - 5} more` : unfinished.join(', ');
  return line(`the time budget of ${timeout} s ran out; not ${verb}: ${names}; raise --timeout or ${verb === 'read' ? 'give' : 'lint'} fewer files at once`);
}

export { DEFAULT_TIMEOUT_SECONDS };

function jobsOf(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !(n >= 1 && n <= 64)) throw new UsageError(`--jobs must be a whole number from 1 to 64 (got "${value}")`);
  return n;
}

function timeoutOf(value: string | undefined): number {
  if (value === undefined) return DEFAULT_TIMEOUT_SECONDS;
  const n = Number(value);
  if (!/^\s*\d*\.?\d+\s*$/.test(value) || !(n > 0)) throw new UsageError(`--timeout must be a number of seconds above 0 (got "${value}")`);
  return n;
}

async function coverageCommand(values: CoverageValues, positionals: string[], io: CliIO): Promise<number> {
  const format = oneOf('format', values.format, COVERAGE_FORMATS, 'text');
  const by = values.by === 'node' ? 'node' : 'pool';
  const timeout = timeoutOf(values.timeout);
  checkOutput(values.output, `coverage-${format}`, io);
  // Text fits the terminal; written to a file or a pipe, COLUMNS when set, else the default width.
  const envColumns = Number(io.env.COLUMNS);
  const width = io.isTTY && !values.output && io.columns ? io.columns : Number.isInteger(envColumns) && envColumns > 0 ? envColumns : undefined;
  const { coverageRun } = await import('./app/coverage.js');
  const { output, readErrors, unfinished } = await coverageRun({
    paths: positionals,
    cwd: io.cwd,
    stdinFilename: values['stdin-filename'],
    readStdin: io.readStdin,
    nodes: values.nodes,
    addNodes: values['add-node'],
    by,
    format,
    color: useColor(values, io),
    width,
    timeout,
    noIgnore: values['no-ignore'],
  });
  writeOut(output, values, io, `coverage-${format}`);
  for (const e of readErrors) io.stderr(line(e));
  if (unfinished.length) io.stderr(unfinishedLine(unfinished, timeout, 'read'));
  return readErrors.length || unfinished.length ? 2 : 0;
}

/** One line on stderr: `daemonlint: ` and the message, with anything from input (file names …) made safe to print. */
function line(message: string): string {
  return `daemonlint: ${safeText(message)}\n`;
}

/** Error messages are one line on stderr; the rest (e.g. a library's multi-line detail) is left to --debug. */
function firstLine(message: unknown): string {
  return String(message).split(/\r?\n/)[0]!.trim();
}

/** `daemonlint help [COMMAND]`. */
function helpCommand(topic: string | undefined): string {
  if (topic === undefined) return mainHelp(VERSION);
  const names = ['lint', ...SUBCOMMANDS] as CommandName[];
  if ((names as string[]).includes(topic)) return commandHelp(topic as CommandName, VERSION);
  const near = closest(topic, names, 2);
  throw new UsageError(`no command "${topic}"${near ? `; did you mean ${near}?` : ''} (commands: ${SUBCOMMANDS.join(', ')})`);
}

/** Run the CLI; returns the exit code. Never throws. */
export async function main(argv: string[], io: CliIO = defaultIO()): Promise<number> {
  let debug = argv.includes('--debug');
  try {
    const { command, values, positionals } = parseCommandLine(argv);
    debug = Boolean(values.debug);
    if (values.help) {
      io.stdout(commandHelp(command, VERSION));
      return 0;
    }
    switch (command) {
      case 'help':
        io.stdout(helpCommand(positionals[0]));
        return 0;
      case 'rules':
        io.stdout(listRules(await rulesFor({ cwd: io.cwd, config: values.config as string | undefined, trustConfig: true, noConfig: values['no-config'] as boolean | undefined }), values.format as string | undefined));
        return 0;
      case 'explain':
        io.stdout(explainRule(await rulesFor({ cwd: io.cwd, config: values.config as string | undefined, trustConfig: true, noConfig: values['no-config'] as boolean | undefined }), positionals[0]));
        return 0;
      case 'coverage':
        return await coverageCommand(values as CoverageValues, positionals, io);
      case 'lsp':
        // The language server (and its dependencies) is loaded only for this subcommand.
        return await (await import('./lsp/server.js')).lspCommand(argv.slice(1), io);
      case 'lint':
        break;
    }
    const lintValues = values as Values;
    if (lintValues.version) {
      io.stdout(`${VERSION}\n`);
      return 0;
    }
    // `daemonlint explian x`: a misspelt command, unless a file of that name is meant.
    const first = argv[0];
    const meant = first !== undefined && first === positionals[0] ? nearCommand(first) : undefined;
    if (meant && !existsSync(resolve(io.cwd, first!))) throw new UsageError(`no command or path "${first}"; did you mean daemonlint ${meant}? ${COMMANDS[meant as CommandName].usage ? `(daemonlint ${COMMANDS[meant as CommandName].usage})` : ''}`.trimEnd());
    if (lintValues['stdin-filename'] !== undefined && !positionals.includes('-')) positionals.push('-');
    return await lintCommand(lintValues, positionals, io);
  } catch (err) {
    if (err instanceof UsageError || err instanceof PathError) {
      io.stderr(line(firstLine(err.message)));
    } else {
      io.stderr(line(`internal error: ${firstLine((err as Error)?.message ?? err)}; rerun with --debug for details and please report it`));
    }
    if (debug) io.stderr(`${(err as Error)?.stack ?? ''}\n`);
    return 2;
  }
}
