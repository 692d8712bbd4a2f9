/**
 * The `daemonlint` command line: parse options, load files, run rules, write a report, pick the exit code.
 * Exit codes: 0 = no finding at or above --fail-on; 1 = such findings; 2 = usage error, unreadable path, internal error.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError, lintPaths, rulesFor } from './app/lint.js';
import { WriteError, checkOutputTarget, writeOutput, type OutputKind } from './io/write.js';
import { safeDiffText, safeText } from './report/sanitize.js';
import { PathError, describeFsError, readStdin } from './load/files.js';
import { ruleDoc } from './rule-docs.js';
import { SEVERITY_RANK, type Finding, type Rule, type Severity, type SourceFile } from './types.js';
import { VERSION } from './version.js';

export { UsageError } from './app/errors.js';

const FORMATS = ['text', 'json', 'sarif', 'github'] as const;
type Format = (typeof FORMATS)[number];
const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];

const HELP = `daemonlint ${VERSION} — lint Kubernetes manifests, centred on DaemonSets and the Services in front of them

Usage:
  daemonlint [options] [paths...]     lint files, directories (recursive), globs; "-" reads stdin
  daemonlint rules                    list every rule and custom policy (id, default severity, description)
  daemonlint explain RULE             print a rule's or policy's documentation
  daemonlint coverage [options] [paths...]
                                      show which nodes each DaemonSet runs on (with --nodes), grouped into
                                      pools; --by node for every node; --add-node FILE: what if you add it
  daemonlint lsp --stdio              run the language server (editor diagnostics and quick fixes)

Options:
  -f, --format FORMAT       text (default), json, sarif or github (coverage: text, json, html)
  -o, --output FILE         write the report to FILE instead of stdout
      --fail-on SEVERITY    exit 1 when a finding is at least: error (default), warning or info
      --quiet               report errors only
      --stdin-filename NAME name to use for stdin in reports (with "-")
      --nodes FILE          node inventory (kubectl get nodes -o yaml|json), or a directory of Node
                            manifests; repeatable
      --by pool|node        coverage: one column per node group (default) or per node
      --add-node FILE       coverage: nodes to add (a Node manifest, or a pool template with name, count,
                            labels, taints): which DaemonSets and node-local Services they affect; repeatable
      --crd PATH            CustomResourceDefinition file or directory: custom resources are
                            checked against it (CRDs among the linted files count too); repeatable
      --policy PATH         ValidatingAdmissionPolicies and bindings (file or directory) to check the objects
                            against, with their parameter and Namespace objects; repeatable
      --kube-version X.Y    target Kubernetes version, 1.16 to 1.35 (default 1.35): removed and
                            deprecated apiVersions, newer fields; strict schemas are always 1.35's
      --config FILE         use FILE instead of the nearest .daemonlint.yaml/.yml/.json
      --no-config           ignore config files
      --baseline FILE       report only findings not recorded in FILE (see --write-baseline)
      --write-baseline FILE record the current findings in FILE and exit 0
      --fix                 apply safe fixes in place (stdin: print the fixed text; the report goes to stderr)
      --fix-dry-run         print the safe fixes as a unified diff instead of applying them
      --no-color            no colours (also NO_COLOR=1); colour is used only on a terminal
      --timeout SECONDS     time budget of the run (default 300); files not linted by then are named, exit 2
      --debug               print stack traces for internal errors
  -v, --version             print the version
  -h, --help                print this help

Exit codes: 0 no finding at or above --fail-on, 1 findings, 2 usage error, unreadable path or internal error.
`;

const OPTIONS = {
  format: { type: 'string', short: 'f' },
  output: { type: 'string', short: 'o' },
  'fail-on': { type: 'string' },
  quiet: { type: 'boolean' },
  'stdin-filename': { type: 'string' },
  nodes: { type: 'string', multiple: true },
  by: { type: 'string' },
  'add-node': { type: 'string', multiple: true },
  crd: { type: 'string', multiple: true },
  policy: { type: 'string', multiple: true },
  'kube-version': { type: 'string' },
  config: { type: 'string' },
  'no-config': { type: 'boolean' },
  baseline: { type: 'string' },
  'write-baseline': { type: 'string' },
  fix: { type: 'boolean' },
  'fix-dry-run': { type: 'boolean' },
  color: { type: 'boolean' },
  'no-color': { type: 'boolean' },
  debug: { type: 'boolean' },
  timeout: { type: 'string' },
  version: { type: 'boolean', short: 'v' },
  help: { type: 'boolean', short: 'h' },
} satisfies ParseArgsConfig['options'];

export interface CliIO {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  cwd: string;
  env: NodeJS.ProcessEnv;
  isTTY: boolean;
  /** Width of the terminal stdout is (when it is one). */
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

type Values = { [K in keyof typeof OPTIONS]?: (typeof OPTIONS)[K] extends { multiple: true } ? string[] : (typeof OPTIONS)[K]['type'] extends 'boolean' ? boolean : string };

function parse(argv: string[]): { values: Values; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
    return { values: values as Values, positionals };
  } catch (err) {
    throw new UsageError(`${(err as Error).message.split('\n')[0]} (see daemonlint --help)`);
  }
}

function oneOf<T extends string>(name: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`--${name} must be one of ${allowed.join(', ')} (got "${value}")`);
  return value as T;
}

function useColor(values: Values, io: CliIO): boolean {
  if (values['no-color'] || values.output) return false;
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '') return false;
  if (values.color) return true;
  return io.isTTY;
}

async function render(format: Format, findings: Finding[], files: SourceFile[], color: boolean, cwd: string, rules: readonly Rule[], suppressed: Finding[] = []): Promise<string> {
  const ctx = { files: files.length, objects: files.reduce((n, f) => n + f.manifests.length, 0), color, suppressed };
  switch (format) {
    case 'text':
      return (await import('./report/text.js')).formatText(findings, ctx);
    case 'json':
      return (await import('./report/json.js')).formatJson(findings, ctx);
    case 'sarif':
      return (await import('./report/sarif.js')).formatSarif(findings, { rules, cwd, suppressed, docs: ruleDoc });
    case 'github':
      return (await import('./report/github.js')).formatGithub(findings);
  }
}

function listRules(rules: readonly Rule[]): string {
  const width = Math.max(...rules.map((r) => r.meta.id.length));
  // A custom policy's description comes from a config file: printed inert.
  return rules.map((r) => `${r.meta.id.padEnd(width)}  ${r.meta.severity.padEnd(7)}  ${safeText(r.meta.description)}${r.meta.custom ? '  (custom policy)' : ''}`).join('\n') + '\n';
}

function explainRule(rules: readonly Rule[], id: string | undefined): string {
  if (!id) throw new UsageError('explain needs a rule id: daemonlint explain RULE (see daemonlint rules)');
  const rule = rules.find((r) => r.meta.id === id);
  if (!rule) {
    const near = rules.map((r) => r.meta.id).filter((x) => x.includes(id) || id.includes(x));
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
function writeOut(out: string, values: Values, io: CliIO, kind: OutputKind): void {
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
  const format = oneOf('format', values.format, FORMATS, 'text');
  oneOf('fail-on', values['fail-on'], SEVERITIES, 'error');
  if (values.config && values['no-config']) throw new UsageError('--config and --no-config cannot be used together');
  if (values.fix && values['fix-dry-run']) throw new UsageError('--fix and --fix-dry-run cannot be used together');
  if (values['write-baseline'] && values.baseline) throw new UsageError('--write-baseline records every current finding; drop --baseline');
  for (const o of ['by', 'add-node'] as const) if (values[o] !== undefined) throw new UsageError(`--${o} is an option of daemonlint coverage`);
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
  });
  let { files, findings, suppressed, internalErrors } = linted;
  const { readErrors } = linted;
  const failOn = oneOf('fail-on', values['fail-on'] ?? linted.failOn, SEVERITIES, 'error');
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
      if (format === 'text') writeOut(values.output ? diff : safeDiffText(diff), values, io, 'diff');
      else {
        const shown = values.quiet ? findings.filter((f) => f.severity === 'error') : findings;
        writeOut(await render(format, shown, files, false, io.cwd, linted.rules, suppressed), values, io, format);
        io.stderr(safeDiffText(diff));
      }
      if (!outcome.outOfTime) io.stderr(`daemonlint: ${outcome.applied} fix${outcome.applied === 1 ? '' : 'es'} would change ${outcome.changed.length} file${outcome.changed.length === 1 ? '' : 's'}\n`);
      for (const e of readErrors) io.stderr(line(e));
      if (outOfTime || fixOutOfTime) io.stderr(outOfTime || fixOutOfTime);
      return readErrors.length || internalErrors.length || outOfTime || fixOutOfTime ? 2 : exitCodeFor(findings, failOn);
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
    // stdin: the fixed text goes to stdout, so the report goes to stderr (or --output).
    const stdinFile = files.find((f) => !f.absPath && positionals.includes('-'));
    if (stdinFile) {
      io.stdout(stdinFile.text);
      reportToStderr = !values.output;
    }
  }
  const shown = values.quiet ? findings.filter((f) => f.severity === 'error') : findings;
  const report = await render(format, shown, files, useColor(values, io) && !reportToStderr, io.cwd, linted.rules, suppressed);
  if (reportToStderr) io.stderr(report);
  else writeOut(report, values, io, format);
  for (const e of [...readErrors, ...writeErrors]) io.stderr(line(e));
  for (const e of internalErrors) {
    io.stderr(line(`internal error in rule ${e.ruleId} on ${e.file}: ${firstLine((e.error as Error)?.message ?? e.error)}; please report it`));
    if (values.debug) io.stderr(`${(e.error as Error)?.stack ?? ''}\n`);
  }
  if (outOfTime) io.stderr(outOfTime);
  if (readErrors.length || writeErrors.length || internalErrors.length || outOfTime) return 2;
  return exitCodeFor(findings, failOn);
}

/** 1 when a finding is at or above `--fail-on`, else 0. */
function exitCodeFor(findings: readonly Finding[], failOn: Severity): number {
  return findings.some((f) => SEVERITY_RANK[f.severity] >= SEVERITY_RANK[failOn]) ? 1 : 0;
}

/** The one stderr line for a run that ran out of time, or '' when every file was linted. */
function unfinishedLine(unfinished: readonly string[], timeout: number, verb: 'linted' | 'read' = 'linted'): string {
  if (!unfinished.length) return '';
  const names = unfinished.length > 5 ? `${unfinished.slice(0, 5).join(', ')} and ${unfinished.length - 5} more` : unfinished.join(', ');
  return line(`the time budget of ${timeout} s ran out; not ${verb}: ${names}; raise --timeout or ${verb === 'read' ? 'give' : 'lint'} fewer files at once`);
}

/** Default `--timeout`: generous, so only pathological input or a hung file system reaches it. */
export const DEFAULT_TIMEOUT_SECONDS = 300;

function timeoutOf(value: string | undefined): number {
  if (value === undefined) return DEFAULT_TIMEOUT_SECONDS;
  const n = Number(value);
  if (!/^\s*\d*\.?\d+\s*$/.test(value) || !(n > 0)) throw new UsageError(`--timeout must be a number of seconds above 0 (got "${value}")`);
  return n;
}

async function coverageCommand(values: Values, positionals: string[], io: CliIO): Promise<number> {
  const format = oneOf('format', values.format, ['text', 'json', 'html'] as const, 'text');
  const by = oneOf('by', values.by, ['pool', 'node'] as const, 'pool');
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

/** Run the CLI; returns the exit code. Never throws. */
export async function main(argv: string[], io: CliIO = defaultIO()): Promise<number> {
  let debug = argv.includes('--debug');
  try {
    // The language server (and its dependencies) is loaded only for this subcommand.
    if (argv[0] === 'lsp') return await (await import('./lsp/server.js')).lspCommand(argv.slice(1), io);
    const { values, positionals } = parse(argv);
    debug = Boolean(values.debug);
    if (values.help) {
      io.stdout(HELP);
      return 0;
    }
    if (values.version) {
      io.stdout(`${VERSION}\n`);
      return 0;
    }
    const [command, ...rest] = positionals;
    if (command === 'rules' && argv[0] === 'rules') {
      io.stdout(listRules(await rulesFor({ cwd: io.cwd, config: values.config, trustConfig: true, noConfig: values['no-config'] })));
      return 0;
    }
    if (command === 'explain' && argv[0] === 'explain') {
      io.stdout(explainRule(await rulesFor({ cwd: io.cwd, config: values.config, trustConfig: true, noConfig: values['no-config'] }), rest[0]));
      return 0;
    }
    if (command === 'coverage' && argv[0] === 'coverage') return await coverageCommand(values, rest, io);
    if (values['stdin-filename'] !== undefined && !positionals.includes('-')) positionals.push('-');
    return await lintCommand(values, positionals, io);
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
