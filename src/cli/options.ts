/**
 * The commands of `daemonlint` and their options: one table per command. Parsing, validation (fixed values, missing
 * values, options of another command), "did you mean" for misspelt options and each command's `--help` are all made
 * from these tables by src/cli/args.ts, so an option exists exactly when it is listed here.
 *
 * Fixed sets of values (formats, --fail-on, --by) come from the modules that own them, so the CLI, the config file,
 * the Action and the API accept the same words.
 */
import { PROFILES } from '../engine/profile.js';
import { DEFAULT_KUBE_VERSION, SCHEMA_KUBE_VERSION, SUPPORTED_KUBE_VERSIONS } from '../k8s/kube-version.js';
import { COVERAGE_FORMATS, COVERAGE_GROUPINGS, FAIL_ON_VALUES, REPORT_FORMATS, RULES_FORMATS } from '../types.js';

export interface OptionSpec {
  type: 'string' | 'boolean';
  /** One-letter alias (`-f`). */
  short?: string;
  /** May be given more than once; the values are collected in order. */
  multiple?: boolean;
  /** The value's name in the help (`FILE`, `SECONDS`). */
  value?: string;
  /** The values the option accepts, when the set is fixed: checked, suggested and listed in the help. */
  choices?: readonly string[];
  /** The value used when the option is not given (shown in the help). */
  default?: string;
  /** What it does, for `--help`; `{choices}` is replaced by the accepted values. */
  help: string;
  /** Accepted but not listed in the help. */
  hidden?: boolean;
}

export type OptionTable = Readonly<Record<string, OptionSpec>>;

/** The parsed values of a table: strings, booleans, or lists of strings for repeatable options. */
export type OptionValues<T extends OptionTable> = {
  [K in keyof T]?: T[K] extends { multiple: true } ? string[] : T[K]['type'] extends 'boolean' ? boolean : string;
};

// Options several commands share: declared once, listed in each command's table.
const help = { type: 'boolean', short: 'h', help: 'print this help' } as const satisfies OptionSpec;
const output = { type: 'string', short: 'o', value: 'FILE', help: 'write the report to FILE instead of stdout' } as const satisfies OptionSpec;
const stdinFilename = { type: 'string', value: 'NAME', help: 'name to use for stdin in reports (implies "-")' } as const satisfies OptionSpec;
const nodes = {
  type: 'string',
  multiple: true,
  value: 'FILE',
  help: 'node inventory (kubectl get nodes -o yaml|json), or a directory of Node manifests; repeatable',
} as const satisfies OptionSpec;
/** Default `--timeout`: generous, so only pathological input or a hung file system reaches it. */
export const DEFAULT_TIMEOUT_SECONDS = 300;

const timeout = { type: 'string', value: 'SECONDS', default: `${DEFAULT_TIMEOUT_SECONDS}`, help: 'time budget of the run; files not finished by then are named, exit 2' } as const satisfies OptionSpec;
const noColor = { type: 'boolean', help: 'no colours (also NO_COLOR=1); colour is used only on a terminal or with FORCE_COLOR' } as const satisfies OptionSpec;
const color = { type: 'boolean', help: 'colour even when stdout is not a terminal', hidden: true } as const satisfies OptionSpec;
const debug = { type: 'boolean', help: 'print stack traces for internal errors' } as const satisfies OptionSpec;
const noIgnore = { type: 'boolean', help: 'also read what .gitignore files ignore when walking directories' } as const satisfies OptionSpec;

/*
 * Options of a lint run (`daemonlint [options] [paths...]`).
 * To add an option: add one line `name: { type, value, help, … }` below (in help order); lintCommand reads it as
 * `values.name` (typed from this table). Parsing, --help and did-you-mean need nothing else.
 */
export const LINT_OPTIONS = {
  format: { type: 'string', short: 'f', value: 'FORMAT', choices: REPORT_FORMATS, default: 'text', help: 'report format: {choices}' },
  output,
  'fail-on': { type: 'string', value: 'SEVERITY', choices: FAIL_ON_VALUES, default: 'error', help: 'exit 1 for findings at or above this severity: {choices} (none: never fail on findings)' },
  profile: {
    type: 'string',
    value: 'PROFILE',
    choices: PROFILES,
    default: 'default',
    help: "severity profile: {choices}; default reports an agent's expected posture (a privileged CNI agent, hostNetwork for a network agent) at info, strict every finding at its rule's severity; overrides the config's profile",
  },
  quiet: { type: 'boolean', help: 'report errors only (hidden findings still count for --fail-on)' },
  'stdin-filename': stdinFilename,
  nodes,
  crd: {
    type: 'string',
    multiple: true,
    value: 'PATH',
    help: 'CustomResourceDefinition file or directory: custom resources are checked against it (CRDs among the linted files count too); repeatable',
  },
  policy: {
    type: 'string',
    multiple: true,
    value: 'PATH',
    help: 'ValidatingAdmissionPolicies and bindings (file or directory) to check the objects against, with their parameter and Namespace objects; repeatable',
  },
  'kube-version': {
    type: 'string',
    value: 'X.Y',
    default: DEFAULT_KUBE_VERSION,
    help: `target Kubernetes version, ${SUPPORTED_KUBE_VERSIONS[0]} to ${DEFAULT_KUBE_VERSION}: removed and deprecated apiVersions, newer fields; strict schemas are always ${SCHEMA_KUBE_VERSION}'s`,
  },
  config: { type: 'string', value: 'FILE', help: 'use FILE instead of the nearest .daemonlint.yaml/.yml/.json' },
  'no-config': { type: 'boolean', help: 'ignore config files' },
  'no-ignore': noIgnore,
  'allow-empty': { type: 'boolean', help: 'a directory without Kubernetes objects is not an error' },
  baseline: { type: 'string', value: 'FILE', help: 'report only findings not recorded in FILE (see --write-baseline)' },
  'write-baseline': { type: 'string', value: 'FILE', help: 'record the current findings in FILE and exit 0' },
  fix: { type: 'boolean', help: 'apply safe fixes in place (stdin: print the fixed text; the report goes to stderr)' },
  'fix-dry-run': { type: 'boolean', help: 'print the safe fixes as a unified diff instead of applying them' },
  'no-color': noColor,
  color,
  timeout,
  jobs: { type: 'string', value: 'N', help: 'threads that read and check files (default: every core when there are several MiB to read, else 1); 1 keeps everything in one thread' },
  debug,
  version: { type: 'boolean', short: 'v', help: 'print the version' },
  help,
} as const satisfies OptionTable;

/*
 * Options of `daemonlint coverage`. To add one: one line below; coverageCommand reads it as `values.name`.
 */
export const COVERAGE_OPTIONS = {
  format: { type: 'string', short: 'f', value: 'FORMAT', choices: COVERAGE_FORMATS, default: 'text', help: 'report format: {choices}' },
  output,
  nodes,
  by: { type: 'string', value: 'GROUPING', choices: COVERAGE_GROUPINGS, default: 'pool', help: 'columns: {choices} (one per group of nodes alike, or one per node)' },
  'add-node': {
    type: 'string',
    multiple: true,
    value: 'FILE',
    help: 'nodes to add (a Node manifest, or a pool template with name, count, labels, taints): which DaemonSets and node-local Services they affect; repeatable',
  },
  'stdin-filename': stdinFilename,
  'no-ignore': noIgnore,
  'no-color': noColor,
  color,
  timeout,
  debug,
  help,
} as const satisfies OptionTable;

/* Options of `daemonlint rules`. To add one: one line below. */
/** Which config's custom policies `rules` and `explain` include. */
const configFile = { type: 'string', value: 'FILE', help: 'use FILE instead of the nearest .daemonlint.yaml/.yml/.json' } as const satisfies OptionSpec;
const noConfig = { type: 'boolean', help: 'ignore config files' } as const satisfies OptionSpec;

export const RULES_OPTIONS = {
  format: { type: 'string', short: 'f', value: 'FORMAT', choices: RULES_FORMATS, default: 'text', help: 'list format: {choices} (json: for other tools)' },
  config: { ...configFile, help: 'list the custom policies of FILE instead of the nearest .daemonlint.yaml/.yml/.json' },
  'no-config': { ...noConfig, help: 'built-in rules only' },
  help,
} as const satisfies OptionTable;

/* Options of `daemonlint explain RULE`. To add one: one line below. */
export const EXPLAIN_OPTIONS = {
  config: { ...configFile, help: 'explain the custom policies of FILE instead of the nearest .daemonlint.yaml/.yml/.json' },
  'no-config': { ...noConfig, help: 'built-in rules only' },
  help,
} as const satisfies OptionTable;

/* Options of `daemonlint help [COMMAND]`. */
export const HELP_OPTIONS = { help } as const satisfies OptionTable;

/* Options of `daemonlint lsp`. Editors may add their process id (`--clientProcessId=N`); the server ignores it. */
export const LSP_OPTIONS = {
  stdio: { type: 'boolean', help: 'speak the protocol over stdin and stdout (the one transport; the default)' },
  clientProcessId: { type: 'string', value: 'PID', help: "the editor's process id (ignored)", hidden: true },
  help,
} as const satisfies OptionTable;

export type CommandName = 'lint' | 'coverage' | 'rules' | 'explain' | 'help' | 'lsp';

export interface CommandSpec {
  options: OptionTable;
  /** The usage line after `daemonlint`. */
  usage: string;
  /** One line for the command list. */
  summary: string;
  /** Further paragraphs of the command's help. */
  details?: string;
  /** How many positional arguments it takes (`Infinity`: any number). */
  args: { min: number; max: number; name?: string; see?: string };
}

export const COMMANDS: Readonly<Record<CommandName, CommandSpec>> = {
  lint: {
    options: LINT_OPTIONS,
    usage: '[options] [paths...]',
    summary: 'lint files, directories (recursive), globs; "-" reads stdin',
    details: 'With no path, the current directory is linted.\nExit codes: 0 no finding at or above --fail-on, 1 findings, 2 usage error, unreadable path or internal error.',
    args: { min: 0, max: Infinity },
  },
  rules: { options: RULES_OPTIONS, usage: 'rules [options]', summary: 'list every rule and custom policy (id, default severity, description)', args: { min: 0, max: 0 } },
  explain: { options: EXPLAIN_OPTIONS, usage: 'explain RULE', summary: "print a rule's or custom policy's documentation", args: { min: 1, max: 1, name: 'a rule id', see: 'daemonlint rules' } },
  coverage: {
    options: COVERAGE_OPTIONS,
    usage: 'coverage [options] [paths...]',
    summary: 'show which nodes (node groups) each DaemonSet runs on, with --nodes and --add-node',
    args: { min: 0, max: Infinity },
  },
  lsp: { options: LSP_OPTIONS, usage: 'lsp --stdio', summary: 'run the language server (editor diagnostics and quick fixes)', args: { min: 0, max: 0 } },
  help: { options: HELP_OPTIONS, usage: 'help [COMMAND]', summary: 'print this help, or the help of COMMAND', args: { min: 0, max: 1, name: 'a command' } },
};

/** The subcommands, in the order the help lists them (a lint run has no command word). */
export const SUBCOMMANDS = ['rules', 'explain', 'coverage', 'lsp', 'help'] as const satisfies readonly CommandName[];
