/**
 * The `daemonlint` command line: parse options, load files, run rules, write a report, pick the exit code.
 * Exit codes: 0 = no finding at or above --fail-on; 1 = such findings; 2 = usage error, unreadable path, internal error.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError, lintPaths, loadInputs, loadNodes, rulesFor } from './app/lint.js';
import { PathError, describeFsError, readStdin } from './load/files.js';
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
                                      show which nodes each DaemonSet runs on (with --nodes)
  daemonlint lsp --stdio              run the language server (editor diagnostics and quick fixes)

Options:
  -f, --format FORMAT       text (default), json, sarif or github (coverage: text, json, html)
  -o, --output FILE         write the report to FILE instead of stdout
      --fail-on SEVERITY    exit 1 when a finding is at least: error (default), warning or info
      --quiet               report errors only
      --stdin-filename NAME name to use for stdin in reports (with "-")
      --nodes FILE          node inventory (kubectl get nodes -o yaml|json); repeatable
      --policy PATH         ValidatingAdmissionPolicies and bindings (file or directory) to check the objects
                            against, with their parameter and Namespace objects; repeatable
      --kube-version X.Y    Kubernetes version of the schemas (default 1.35)
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
  readStdin: () => Promise<Buffer>;
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
      return (await import('./report/sarif.js')).formatSarif(findings, { rules, cwd, suppressed });
    case 'github':
      return (await import('./report/github.js')).formatGithub(findings);
  }
}

function listRules(rules: readonly Rule[]): string {
  const width = Math.max(...rules.map((r) => r.meta.id.length));
  return rules.map((r) => `${r.meta.id.padEnd(width)}  ${r.meta.severity.padEnd(7)}  ${r.meta.description}${r.meta.custom ? '  (custom policy)' : ''}`).join('\n') + '\n';
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
  return `# ${m.id}\n\nDefault severity: ${m.severity}. Applies to: ${kinds}.${m.fixable ? ' Fixable.' : ''}\n\n${m.description}\n\nWhy: ${m.rationale}\n\nFix: ${m.remediation}\n\n${m.docs}\n`;
}

function writeOut(out: string, values: Values, io: CliIO): void {
  if (values.output) {
    try {
      writeFileSync(values.output, out);
    } catch (err) {
      throw new UsageError(`cannot write ${values.output}: ${describeFsError(err)}`);
    }
  } else io.stdout(out);
}

async function lintCommand(values: Values, positionals: string[], io: CliIO): Promise<number> {
  const format = oneOf('format', values.format, FORMATS, 'text');
  oneOf('fail-on', values['fail-on'], SEVERITIES, 'error');
  if (values.config && values['no-config']) throw new UsageError('--config and --no-config cannot be used together');
  if (values.fix && values['fix-dry-run']) throw new UsageError('--fix and --fix-dry-run cannot be used together');
  if (values['write-baseline'] && values.baseline) throw new UsageError('--write-baseline records every current finding; drop --baseline');
  const timeout = timeoutOf(values.timeout);
  const linted = await lintPaths({
    timeout,
    paths: positionals,
    cwd: io.cwd,
    stdinFilename: values['stdin-filename'],
    readStdin: io.readStdin,
    nodes: values.nodes,
    policies: values.policy,
    kubeVersion: values['kube-version'],
    config: values.config,
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
      writeFileSync(values['write-baseline'], baselineText(findings, io.cwd, values['write-baseline']));
    } catch (err) {
      throw new UsageError(`cannot write ${values['write-baseline']}: ${describeFsError(err)}`);
    }
    io.stderr(`daemonlint: recorded ${findings.length} finding${findings.length === 1 ? '' : 's'} in ${values['write-baseline']}; lint with --baseline ${values['write-baseline']} to see only new ones\n`);
    for (const e of readErrors) io.stderr(`daemonlint: ${e}\n`);
    return readErrors.length || internalErrors.length ? 2 : 0;
  }
  let reportToStderr = false;
  if (values.fix || values['fix-dry-run']) {
    const { fixUntilStable, writeFileAtomic } = await import('./fix/run.js');
    const outcome = await fixUntilStable(files, linted.relint);
    ({ findings, suppressed, internalErrors } = outcome.result);
    files = outcome.files;
    if (values['fix-dry-run']) {
      const { unifiedDiff } = await import('./fix/diff.js');
      writeOut(outcome.changed.map((c) => unifiedDiff(c.original.text, c.text, `a/${c.original.path}`, `b/${c.original.path}`)).join(''), values, io);
      io.stderr(`daemonlint: ${outcome.applied} fix${outcome.applied === 1 ? '' : 'es'} would change ${outcome.changed.length} file${outcome.changed.length === 1 ? '' : 's'}\n`);
      if (outOfTime) io.stderr(outOfTime);
      return readErrors.length || internalErrors.length || outOfTime ? 2 : exitCodeFor(findings, failOn);
    }
    for (const c of outcome.changed) {
      if (!c.original.absPath) continue;
      try {
        writeFileAtomic(c.original.absPath, c.text);
      } catch (err) {
        throw new UsageError(`cannot write ${c.original.path}: ${describeFsError(err)}`);
      }
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
  else writeOut(report, values, io);
  for (const e of readErrors) io.stderr(`daemonlint: ${e}\n`);
  for (const e of internalErrors) {
    io.stderr(`daemonlint: internal error in rule ${e.ruleId} on ${e.file}: ${firstLine((e.error as Error)?.message ?? e.error)}; please report it\n`);
    if (values.debug) io.stderr(`${(e.error as Error)?.stack ?? ''}\n`);
  }
  if (outOfTime) io.stderr(outOfTime);
  if (readErrors.length || internalErrors.length || outOfTime) return 2;
  return exitCodeFor(findings, failOn);
}

/** 1 when a finding is at or above `--fail-on`, else 0. */
function exitCodeFor(findings: readonly Finding[], failOn: Severity): number {
  return findings.some((f) => SEVERITY_RANK[f.severity] >= SEVERITY_RANK[failOn]) ? 1 : 0;
}

/** The one stderr line for a run that ran out of time, or '' when every file was linted. */
function unfinishedLine(unfinished: readonly string[], timeout: number): string {
  if (!unfinished.length) return '';
  const names = unfinished.length > 5 ? `${unfinished.slice(0, 5).join(', ')} and ${unfinished.length - 5} more` : unfinished.join(', ');
  return `daemonlint: the time budget of ${timeout} s ran out; not linted: ${names}; raise --timeout or lint fewer files at once\n`;
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
  const nodes = await loadNodes(values.nodes, io.cwd);
  const { files, readErrors } = await loadInputs(positionals, { cwd: io.cwd, stdinFilename: values['stdin-filename'], readStdin: io.readStdin });
  const { renderCoverage } = await import('./coverage/index.js');
  writeOut(renderCoverage(files, nodes, format, { color: useColor(values, io) }), values, io);
  for (const e of readErrors) io.stderr(`daemonlint: ${e}\n`);
  return readErrors.length ? 2 : 0;
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
      io.stdout(listRules(await rulesFor({ cwd: io.cwd, config: values.config, noConfig: values['no-config'] })));
      return 0;
    }
    if (command === 'explain' && argv[0] === 'explain') {
      io.stdout(explainRule(await rulesFor({ cwd: io.cwd, config: values.config, noConfig: values['no-config'] }), rest[0]));
      return 0;
    }
    if (command === 'coverage' && argv[0] === 'coverage') return await coverageCommand(values, rest, io);
    if (values['stdin-filename'] !== undefined && !positionals.includes('-')) positionals.push('-');
    return await lintCommand(values, positionals, io);
  } catch (err) {
    if (err instanceof UsageError || err instanceof PathError) {
      io.stderr(`daemonlint: ${firstLine(err.message)}\n`);
    } else {
      io.stderr(`daemonlint: internal error: ${firstLine((err as Error)?.message ?? err)}; rerun with --debug for details and please report it\n`);
    }
    if (debug) io.stderr(`${(err as Error)?.stack ?? ''}\n`);
    return 2;
  }
}
