/**
 * What every command of the command line shares: its input and output (`CliIO`), the one-line messages on stderr,
 * colour, writing a report or a file through the guarded writer, and the options several commands read.
 */
import { WriteError, checkOutputTarget, writeOutput, type OutputKind } from '../io/write.js';
import { describeFsError, readStdin } from '../load/files.js';
import { UsageError } from '../app/errors.js';
import { safeText } from '../report/sanitize.js';
import { DEFAULT_TIMEOUT_SECONDS } from './options.js';

/** What colour and output choices read, in every command that writes a report. */
export type ReportValues = { output?: string; color?: boolean; 'no-color'?: boolean };

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

export const defaultIO = (): CliIO => {
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

export function oneOf<T extends string>(name: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`--${name} must be one of ${allowed.join(', ')} (got "${value}")`);
  return value as T;
}

/**
 * Colour: never with --no-color or into a file (-o); FORCE_COLOR=1 (2, 3, true or empty) forces it on and
 * FORCE_COLOR=0 (or false) off, before NO_COLOR is considered, as Node itself does; then NO_COLOR turns it off;
 * otherwise only on a terminal.
 */
export function useColor(values: ReportValues, io: CliIO): boolean {
  if (values['no-color'] || values.output) return false;
  const force = io.env.FORCE_COLOR;
  if (force !== undefined) return !['0', 'false'].includes(force.trim().toLowerCase());
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '') return false;
  if (values.color) return true;
  return io.isTTY;
}

/** Write output of `kind` to `--output` (through the guarded writer) or stdout. */
export function writeOut(out: string, values: ReportValues, io: CliIO, kind: OutputKind): void {
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
export function checkOutput(path: string | undefined, kind: OutputKind, io: CliIO): void {
  if (!path) return;
  try {
    checkOutputTarget(path, kind, io.cwd);
  } catch (err) {
    if (err instanceof WriteError) throw new UsageError(err.message);
    throw err;
  }
}

export function internalErrorLine(e: { ruleId: string; file: string; error: unknown }, debug: boolean | undefined): string {
  const stack = debug ? `${(e.error as Error)?.stack ?? ''}\n` : '';
  return line(`internal error in rule ${e.ruleId} on ${e.file}: ${firstLine((e.error as Error)?.message ?? e.error)}; please report it`) + stack;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** The one stderr line for a run that ran out of time, or '' when every file was linted. */
export function unfinishedLine(unfinished: readonly string[], timeout: number, verb: 'linted' | 'read' = 'linted'): string {
  if (!unfinished.length) return '';
  const names = unfinished.length > 5 ? `${unfinished.slice(0, 5).join(', ')} and ${unfinished.length - 5} more` : unfinished.join(', ');
  return line(`the time budget of ${timeout} s ran out; not ${verb}: ${names}; raise --timeout or ${verb === 'read' ? 'give' : 'lint'} fewer files at once`);
}

export function jobsOf(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !(n >= 1 && n <= 64)) throw new UsageError(`--jobs must be a whole number from 1 to 64 (got "${value}")`);
  return n;
}

export function timeoutOf(value: string | undefined): number {
  if (value === undefined) return DEFAULT_TIMEOUT_SECONDS;
  const n = Number(value);
  if (!/^\s*\d*\.?\d+\s*$/.test(value) || !(n > 0)) throw new UsageError(`--timeout must be a number of seconds above 0 (got "${value}")`);
  return n;
}

/** One line on stderr: `daemonlint: ` and the message, with anything from input (file names …) made safe to print. */
export function line(message: string): string {
  return `daemonlint: ${safeText(message)}\n`;
}

/** Error messages are one line on stderr; the rest (e.g. a library's multi-line detail) is left to --debug. */
export function firstLine(message: unknown): string {
  return String(message).split(/\r?\n/)[0]!.trim();
}
