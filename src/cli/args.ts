/**
 * The command line, read with Node's `util.parseArgs` (its tokens, so every message is ours): which command runs, its
 * options checked against that command's table (src/cli/options.ts) and its arguments counted. Every mistake is one
 * line naming the option and, when one is close, what was meant; each command has its own `--help`.
 */
import { parseArgs } from 'node:util';
import { UsageError } from '../app/errors.js';
import { closest } from '../util/suggest.js';
import { COMMANDS, SUBCOMMANDS, type CommandName, type OptionSpec, type OptionTable } from './options.js';

export interface ParsedCommand {
  command: CommandName;
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

/** `daemonlint` or `daemonlint coverage`: how messages name a command. */
export function commandLine(command: CommandName): string {
  return command === 'lint' ? 'daemonlint' : `daemonlint ${command}`;
}

const seeHelp = (command: CommandName) => `(see ${commandLine(command)} --help)`;

/** `a, b or c` for the values of an option. */
export function listValues(values: readonly string[], conjunction = 'or'): string {
  return values.length < 2 ? values.join('') : `${values.slice(0, -1).join(', ')} ${conjunction} ${values.at(-1)}`;
}

/** The command word of `argv` (its first argument when that names a subcommand), else a lint run. */
export function commandOf(argv: readonly string[]): CommandName {
  const first = argv[0];
  return (SUBCOMMANDS as readonly string[]).includes(first ?? '') ? (first as CommandName) : 'lint';
}

/** Which other commands have an option of this name (for "--by is an option of daemonlint coverage"). */
function ownersOf(name: string, except: CommandName): CommandName[] {
  return (Object.keys(COMMANDS) as CommandName[]).filter((c) => c !== except && c !== 'help' && Object.hasOwn(COMMANDS[c].options, name));
}

function unknownOption(raw: string, name: string, command: CommandName): UsageError {
  const table = COMMANDS[command].options;
  const owners = ownersOf(name, command);
  if (owners.length && raw.startsWith('--')) {
    if (command === 'lint') return new UsageError(`${raw} is an option of ${listValues(owners.map(commandLine))}`);
    const where = owners.map((c) => (c === 'lint' ? 'a lint run (daemonlint [options] [paths...])' : commandLine(c)));
    return new UsageError(`${raw} is an option of ${listValues(where)}, not of ${commandLine(command)} ${seeHelp(command)}`);
  }
  // `--formt` for `--format`, `--Quiet` for `--quiet`.
  const near = raw.startsWith('--') ? closest(name, Object.keys(table).filter((k) => !table[k]!.hidden)) : undefined;
  const suggestion = near ? `; did you mean --${near}?` : '';
  return new UsageError(`unknown option ${raw}${command === 'lint' ? '' : ` for ${commandLine(command)}`}${suggestion} ${seeHelp(command)}`);
}

/** Check the value of option `name` (given as `raw`: `--format`, `-f`); returns it. */
function checkValue(name: string, raw: string, spec: OptionSpec, value: string | undefined, inline: boolean, command: CommandName): string {
  const wanted = spec.choices ? `: ${listValues(spec.choices)}` : spec.value ? ` (${spec.value})` : '';
  if (value === undefined) throw new UsageError(`${raw} needs a value${wanted} ${seeHelp(command)}`);
  // `--output --quiet`: an option where a value was expected (a negative number such as `-1` is a value).
  if (!inline && /^-(?:-|[a-zA-Z])/.test(value)) throw new UsageError(`${raw} needs a value${wanted}, not the option ${value} (write ${raw}=${value} for a value that starts with "-")`);
  if (spec.choices && !spec.choices.includes(value)) {
    // `jsn` → json; `warn` → warning (a beginning of one value).
    const near = closest(value, spec.choices) ?? spec.choices.find((c) => value.length >= 2 && c.startsWith(value.toLowerCase()));
    throw new UsageError(`--${name} must be one of ${spec.choices.join(', ')} (got "${value}")${near ? `; did you mean ${near}?` : ''}`);
  }
  return value;
}

/** `-format` or `-quiet` (one dash): the long option meant, if the word is (close to) one. */
function singleDashLong(arg: string | undefined, table: OptionTable): string | undefined {
  const m = /^-([a-zA-Z][a-zA-Z-]+)(?:=.*)?$/.exec(arg ?? '');
  return m ? closest(m[1]!, Object.keys(table).filter((k) => !table[k]!.hidden), 1) : undefined;
}

/**
 * Parse `argv` (without node and the script): the command, its option values (by long name) and its positional
 * arguments. Throws UsageError, one line, for anything the command's table does not allow.
 */
export function parseCommandLine(argv: readonly string[]): ParsedCommand {
  const command = commandOf(argv);
  const args = command === 'lint' ? [...argv] : argv.slice(1);
  const table = COMMANDS[command].options;
  const config = Object.fromEntries(Object.entries(table).map(([k, s]) => [k, { type: s.type, ...(s.short ? { short: s.short } : {}), ...(s.multiple ? { multiple: true } : {}) }]));
  // Not strict: unknown options and missing values come back as tokens, and the messages below name them.
  const { tokens } = parseArgs({ args, options: config, strict: false, allowPositionals: true, tokens: true });
  const values: ParsedCommand['values'] = {};
  const positionals: string[] = [];
  for (const token of tokens) {
    if (token.kind === 'positional') {
      positionals.push(token.value);
      continue;
    }
    if (token.kind !== 'option') continue;
    if (!token.rawName.startsWith('--')) {
      const meant = singleDashLong(args[token.index], table);
      if (meant) throw new UsageError(`unknown option ${args[token.index]!.split('=')[0]}; did you mean --${meant}? ${seeHelp(command)}`);
    }
    const spec = Object.hasOwn(table, token.name) ? table[token.name] : undefined;
    if (!spec) throw unknownOption(token.rawName, token.name, command);
    if (spec.type === 'boolean') {
      if (token.value !== undefined) throw new UsageError(`${token.rawName} takes no value (got "${token.rawName}=${token.value}") ${seeHelp(command)}`);
      values[token.name] = true;
      continue;
    }
    const value = checkValue(token.name, token.rawName, spec, token.value, token.inlineValue === true, command);
    if (spec.multiple) ((values[token.name] as string[] | undefined) ?? (values[token.name] = [] as string[]) as string[]).push(value);
    else values[token.name] = value;
  }
  if (!values.help) checkArgs(command, positionals);
  return { command, values, positionals };
}

function checkArgs(command: CommandName, positionals: string[]): void {
  const { min, max, name } = COMMANDS[command].args;
  if (positionals.length > max) {
    const extra = positionals.slice(max);
    const what = max === 0 ? 'takes no arguments' : `takes ${max === 1 ? 'one argument' : `${max} arguments`}${name ? ` (${name})` : ''}`;
    throw new UsageError(`${commandLine(command)} ${what}; got ${extra.map((a) => `"${a}"`).join(', ')} ${seeHelp(command)}`);
  }
  if (positionals.length < min) throw new UsageError(`${command} needs ${name ?? 'an argument'}: daemonlint ${COMMANDS[command].usage} (see ${COMMANDS[command].args.see ?? `${commandLine(command)} --help`})`);
}

/** The command a misspelt first argument probably meant (`explian` → `explain`), if any. */
export function nearCommand(word: string): string | undefined {
  if (word.startsWith('-') || /[./\\*]/.test(word)) return undefined;
  return closest(word, SUBCOMMANDS, 2);
}

/** Wrap `text` to `width` columns, continuation lines indented by `indent` spaces. */
function wrap(text: string, width: number, indent: number): string {
  const lines: string[] = [];
  let current = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (current && indent + current.length + 1 + word.length > width) {
      lines.push(current);
      current = word;
    } else current = current ? `${current} ${word}` : word;
  }
  if (current) lines.push(current);
  return lines.join(`\n${' '.repeat(indent)}`);
}

const HELP_WIDTH = 100;
const OPTION_COLUMN = 30;

/** The options part of a command's help, one entry per visible option. */
function optionsHelp(table: OptionTable): string {
  const lines: string[] = [];
  for (const [name, spec] of Object.entries(table)) {
    if (spec.hidden) continue;
    const left = `  ${spec.short ? `-${spec.short}, ` : '    '}--${name}${spec.value ? ` ${spec.value}` : ''}`;
    let text = spec.help.replace('{choices}', spec.choices ? listValues(spec.choices.map((c) => (c === spec.default ? `${c} (default)` : c))) : '');
    if (spec.default && !spec.choices) text += ` (default ${spec.default})`;
    const body = wrap(text, HELP_WIDTH, OPTION_COLUMN);
    lines.push(left.length < OPTION_COLUMN - 1 ? `${left.padEnd(OPTION_COLUMN)}${body}` : `${left}\n${' '.repeat(OPTION_COLUMN)}${body}`);
  }
  return lines.join('\n');
}

/** `daemonlint --help`: what daemonlint is, the commands, and the options of a lint run. */
export function mainHelp(version: string): string {
  const commands = (['lint', ...SUBCOMMANDS] as CommandName[]).map((c) => {
    const usage = `  daemonlint ${COMMANDS[c].usage}`;
    return usage.length < 38 ? `${usage.padEnd(38)}${COMMANDS[c].summary}` : `${usage}\n${' '.repeat(38)}${wrap(COMMANDS[c].summary, HELP_WIDTH, 38)}`;
  });
  return `daemonlint ${version} — lint Kubernetes manifests, centred on DaemonSets and the Services in front of them

Usage:
${commands.join('\n')}

Options of a lint run:
${optionsHelp(COMMANDS.lint.options)}

${COMMANDS.lint.details}
Each command has its own help: daemonlint COMMAND --help (or daemonlint help COMMAND).
`;
}

/** `daemonlint COMMAND --help`. */
export function commandHelp(command: CommandName, version: string): string {
  if (command === 'lint') return mainHelp(version);
  const spec = COMMANDS[command];
  return `Usage: daemonlint ${spec.usage}

${spec.summary.charAt(0).toUpperCase()}${spec.summary.slice(1)}.${spec.details ? `\n${spec.details}` : ''}

Options:
${optionsHelp(spec.options)}
`;
}
