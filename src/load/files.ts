/**
 * Expands command-line paths (files, directories, globs, `-`) into files to lint and reads them.
 * Problems that stop a path from being read are `PathError`s (exit 2); problems with a file's
 * content become findings.
 */
import { existsSync, readdirSync, realpathSync, statSync, type Stats } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { Minimatch } from 'minimatch';
import type { Range, SourceFile } from '../types.js';
import { ReadError, describeFsError, readGuarded } from '../io/read.js';
import { parseSource, yamlValues } from './parse.js';

export const MANIFEST_EXTENSIONS = /\.(ya?ml|json)$/i;
const SKIPPED_DIRS = new Set(['node_modules', '.git']);
/**
 * Files (and stdin) larger than this are reported, not parsed. Decoding runs at roughly 2 MiB/s, so this caps one file
 * at a few seconds; the largest real manifest bundles (CRDs included) are a few MiB.
 */
export const MAX_FILE_BYTES = 16 * 1024 * 1024;

export class PathError extends Error {}

const CHART_FILE = 'Chart.yaml';

/** True when `abs` is the Chart.yaml of a chart source folder (it has a templates/ directory beside it). */
function isChartSource(abs: string): boolean {
  if (basename(abs) !== CHART_FILE) return false;
  try {
    return statSync(join(dirname(abs), 'templates')).isDirectory();
  } catch {
    return false;
  }
}

/** The one note a chart source folder gets, on its Chart.yaml: its templates are not linted, its rendered output is. */
function noteChartSource(file: SourceFile, abs: string, cwd: string): void {
  const chart = yamlValues(file.text)?.[0] as { name?: unknown } | undefined;
  const name = typeof chart?.name === 'string' ? chart.name : basename(dirname(abs));
  const dir = displayPath(dirname(abs), cwd);
  file.problems.push({
    ruleId: 'unrendered-template',
    message: `${dir} is the source of Helm chart ${name}: its templates/ are Go templates, not manifests, and were not linted. Lint what the chart renders: \`helm template RELEASE ${dir} | daemonlint -\`.`,
    range: file.locate(0, ['name'], 'key'),
  });
}

export { describeFsError } from '../io/read.js';

export interface Target {
  /** Absolute path, or `-` for stdin. */
  abs: string;
}

/** Display form of a path: relative to cwd with forward slashes. */
export function displayPath(abs: string, cwd: string): string {
  const rel = relative(cwd, abs) || '.';
  return sep === '/' ? rel : rel.split(sep).join('/');
}

function hasGlobMagic(p: string): boolean {
  return /[*?[\]{}]/.test(p) || /(^|[^\\])[!@+]\(/.test(p);
}

/** Where walkDir records directories it cannot read instead of throwing. */
type WalkErrors = { errors: string[]; cwd: string };

/** The `.gitignore` rules in force in a directory: each file's rules, relative to its directory, outermost first. */
type IgnoreStack = readonly { dir: string; rules: Ignore }[];

/** A `.gitignore` larger than this is not read (it is not a list of patterns someone wrote). */
const MAX_GITIGNORE_BYTES = 1024 * 1024;

function readGitignore(dir: string): Ignore | undefined {
  const file = join(dir, '.gitignore');
  if (!existsSync(file)) return undefined;
  try {
    // Through the guarded reader: a .gitignore that is a FIFO, a device or huge is not a list of patterns.
    const read = readGuarded(file, { maxBytes: MAX_GITIGNORE_BYTES });
    return read.tooLarge ? undefined : ignore().add(read.bytes.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** True when git would ignore `abs` (a directory when `isDir`) under these rules; the deepest matching rule wins. */
function gitIgnored(stack: IgnoreStack, abs: string, isDir: boolean): boolean {
  let ignored = false;
  for (const { dir, rules } of stack) {
    const rel = relative(dir, abs).split(sep).join('/');
    if (!rel || rel.startsWith('..')) continue;
    const r = rules.test(isDir ? `${rel}/` : rel);
    if (r.ignored) ignored = true;
    else if (r.unignored) ignored = false;
  }
  return ignored;
}

/**
 * The `.gitignore` files that apply to a directory from above it: those of its parent directories up to the
 * repository root (the first holding `.git`), outermost first. Undefined when the directory is not in a repository
 * and has no `.gitignore` above it.
 */
function gitignoresAbove(dir: string): IgnoreStack {
  const found: { dir: string; rules: Ignore }[] = [];
  let cur = dirname(dir);
  for (let last = dir; cur !== last; last = cur, cur = dirname(cur)) {
    const rules = readGitignore(cur);
    if (rules) found.unshift({ dir: cur, rules });
    if (existsSync(join(cur, '.git'))) break;
  }
  return found;
}

/** The rules for walking a directory named on the command line: none from above when they ignore it itself (it was asked for). */
function rulesFor(dir: string): IgnoreStack {
  const above = gitignoresAbove(dir);
  return gitIgnored(above, dir, true) ? [] : above;
}

function walkDir(dir: string, out: string[], seen: Set<string>, filter?: (abs: string) => boolean, report?: WalkErrors, ignores?: IgnoreStack): void {
  let real: string;
  try {
    real = realpathSync(dir);
  } catch {
    return; // A dangling or looping link: nothing to read below it.
  }
  if (seen.has(real)) return; // Symlink loop or a directory reached twice.
  seen.add(real);
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    const message = `cannot read directory ${report ? displayPath(dir, report.cwd) : dir}: ${describeFsError(err)}`;
    if (!report) throw new PathError(message);
    report.errors.push(message);
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  // A Helm chart's source: its templates are Go templates, not manifests (Chart.yaml carries one note instead).
  const chart = entries.some((e) => e.name === CHART_FILE && (e.isFile() || e.isSymbolicLink()));
  if (ignores) {
    const own = readGitignore(dir);
    if (own) ignores = [...ignores, { dir, rules: own }];
  }
  for (const e of entries) {
    const full = join(dir, e.name);
    let isDir = e.isDirectory();
    let isFile = e.isFile();
    if (e.isSymbolicLink()) {
      let st: Stats;
      try {
        st = statSync(full);
      } catch {
        continue; // Dangling or looping symlink.
      }
      isDir = st.isDirectory();
      isFile = st.isFile();
    }
    if (ignores?.length && (isDir || isFile) && gitIgnored(ignores, full, isDir)) continue;
    if (isDir) {
      if (chart && e.name === 'templates') continue;
      if (!SKIPPED_DIRS.has(e.name)) walkDir(full, out, seen, filter, report, ignores);
    } else if (isFile && (filter ? filter(full) : MANIFEST_EXTENSIONS.test(e.name))) {
      out.push(full);
    }
  }
}

/** Expand a glob pattern: walk from its static prefix and keep matching files. */
function expandGlob(pattern: string, cwd: string, errors?: string[], gitignore = true): string[] {
  const absPattern = isAbsolute(pattern) ? pattern : join(cwd, pattern);
  const parts = absPattern.split(/[\\/]/);
  const staticParts: string[] = [];
  for (const p of parts) {
    if (hasGlobMagic(p)) break;
    staticParts.push(p);
  }
  const base = staticParts.join('/') || '/';
  const mm = new Minimatch(absPattern.split(sep).join('/'), { dot: false });
  const out: string[] = [];
  try {
    if (!statSync(base).isDirectory()) return out;
  } catch {
    return out;
  }
  walkDir(base, out, new Set(), (abs) => mm.match(abs.split(sep).join('/')), errors && { errors, cwd }, gitignore ? rulesFor(base) : undefined);
  return out;
}

export interface ExpandOptions {
  /** Skip what `.gitignore` files ignore while walking directories and globs (default true; `--no-ignore`). */
  gitignore?: boolean;
}

/**
 * Turn command-line paths into a sorted, de-duplicated list of files (and `-` for stdin). A directory that cannot be
 * read throws a PathError, or, when `errors` is given, is recorded there (one line each) and the walk goes on.
 * Directories and globs are walked without what `.gitignore` files ignore (see ExpandOptions); files named
 * explicitly are always kept.
 */
export function expandPaths(paths: readonly string[], cwd: string, errors?: string[], options: ExpandOptions = {}): string[] {
  const gitignore = options.gitignore !== false;
  const out: string[] = [];
  const seen = new Set<string>();
  const add = (f: string) => {
    if (seen.has(f)) return;
    seen.add(f);
    out.push(f);
  };
  for (const p of paths.length ? paths : ['.']) {
    if (p === '-') {
      add('-');
      continue;
    }
    const abs = resolve(cwd, p);
    let st: Stats | undefined;
    try {
      st = statSync(abs);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ELOOP') throw new PathError(`${p}: symbolic link loop; fix or remove the link`);
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw new PathError(`cannot read ${p}: ${describeFsError(err)}`);
    }
    if (st?.isDirectory()) {
      const found: string[] = [];
      walkDir(abs, found, new Set(), undefined, errors && { errors, cwd }, gitignore ? rulesFor(abs) : undefined);
      found.forEach(add);
    } else if (st?.isSocket() || st?.isBlockDevice()) {
      throw new PathError(`${p} is a ${st.isSocket() ? 'socket' : 'block device'}, not a file; give files, directories or globs`);
    } else if (st) {
      add(abs);
    } else if (hasGlobMagic(p)) {
      const found = expandGlob(p, cwd, errors, gitignore).sort();
      if (!found.length) throw new PathError(`no files match ${p}`);
      found.forEach(add);
    } else {
      throw new PathError(`${p}: no such file or directory`);
    }
  }
  return out;
}

/** Offsets where the lines of raw bytes start: after LF, CRLF and a lone CR, as parse.ts counts them in text. */
function byteLineStarts(buf: Buffer, upTo: number = buf.length): number[] {
  const starts = [0];
  for (let i = 0; i < upTo; i++) {
    const b = buf[i];
    if (b === 10 || (b === 13 && buf[i + 1] !== 10)) starts.push(i + 1);
  }
  return starts;
}

/** Number of lines in raw bytes, counted as parse.ts counts them in text. */
function byteLines(buf: Buffer): number {
  const n = byteLineStarts(buf).length;
  const last = buf[buf.length - 1];
  return buf.length && (last === 10 || last === 13) ? n - 1 || 1 : n;
}

/** 1-based line and column (UTF-16 code units, as in every finding) of a byte offset. */
function bytePosition(buf: Buffer, offset: number): Range {
  const starts = byteLineStarts(buf, offset);
  const line = starts.length;
  const lineStart = starts[starts.length - 1]!;
  const column = new TextDecoder('utf-8').decode(buf.subarray(lineStart, offset)).length + 1;
  return { line, column, endLine: line, endColumn: column + 1 };
}

/** Offset of the first byte that does not start a well-formed UTF-8 sequence, or -1. */
export function firstInvalidUtf8(buf: Uint8Array): number {
  for (let i = 0; i < buf.length; ) {
    const b = buf[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    const more = b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : 0;
    if (!more || i + more >= buf.length) return i; // Not a lead byte, or the sequence is cut off by the end.
    for (let k = 1; k <= more; k++) if ((buf[i + k]! & 0xc0) !== 0x80) return i;
    const next = buf[i + 1]!;
    // Overlong forms, UTF-16 surrogates and code points past U+10FFFF.
    if ((b === 0xe0 && next < 0xa0) || (b === 0xed && next > 0x9f) || (b === 0xf0 && next < 0x90) || (b === 0xf4 && next > 0x8f)) return i;
    i += more + 1;
  }
  return -1;
}

export type Decoded = { text: string } | { error: string; range?: Range };

/** Decode file bytes as UTF-8 text, or say why they are not text (and where, when a position helps). */
export function decodeText(buf: Buffer): Decoded {
  if ((buf[0] === 0xff && buf[1] === 0xfe) || (buf[0] === 0xfe && buf[1] === 0xff)) {
    return { error: 'The file is UTF-16 text; Kubernetes manifests must be UTF-8, so it was not linted. Re-save it as UTF-8 (e.g. `iconv -f UTF-16 -t UTF-8`).' };
  }
  const nul = buf.indexOf(0);
  if (nul !== -1) {
    const range = bytePosition(buf, nul);
    return {
      error: `The file is binary (a NUL byte at line ${range.line}, column ${range.column}), not YAML or JSON text; it was not linted. Leave it out of the paths to lint.`,
      range,
    };
  }
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(buf) };
  } catch {
    const bad = Math.max(0, firstInvalidUtf8(buf));
    const range = bytePosition(buf, bad);
    const hex = (buf[bad] ?? 0).toString(16).toUpperCase().padStart(2, '0');
    return {
      error: `The file is not valid UTF-8 text (byte 0x${hex} at line ${range.line}, column ${range.column}); Kubernetes manifests must be UTF-8, so it was not linted. Re-save it as UTF-8.`,
      range,
    };
  }
}

/** A file whose content could not be decoded becomes a SourceFile with a single problem (at `range`, else 1:1). */
export function undecodableFile(display: string, abs: string | undefined, message: string, range?: Range, lineCount?: number): SourceFile {
  const file = parseSource({ path: display, absPath: abs, text: '' });
  if (lineCount !== undefined) file.lineCount = lineCount;
  file.problems.push({ ruleId: 'yaml-syntax', message, range: range ?? { line: 1, column: 1, endLine: 1, endColumn: 1 } });
  return file;
}

function tooLarge(display: string, abs: string | undefined, limit: number, bytes?: number): SourceFile {
  const size = bytes === undefined ? 'over' : `${(bytes / 1048576).toFixed(1)} MiB, over`;
  return undecodableFile(
    display,
    abs,
    `The ${abs ? 'file' : 'input'} is ${size} the ${limit / 1048576} MiB limit for one file; it was not linted. Split it into smaller files.`,
  );
}

export interface LoadFileOptions {
  /** Raise the size limit for inputs that are legitimately large (a node inventory of a big cluster). */
  maxBytes?: number;
  /** The run's deadline (`Date.now()` value): a read still going then is abandoned. */
  deadline?: number;
  /** A named pipe is refused with the advice to lint it as stdin (default); false for files that are not linted. */
  stdinHint?: boolean;
}

/**
 * Read and parse one file from disk through the guarded reader (regular files only, size limit, deadline; a pipe
 * this process inherited, such as `<(…)`, is read too). Throws PathError when it cannot be read at all.
 */
export function loadFile(abs: string, cwd: string, opts: LoadFileOptions = {}): SourceFile {
  const display = displayPath(abs, cwd);
  const maxBytes = opts.maxBytes ?? MAX_FILE_BYTES;
  let read;
  try {
    read = readGuarded(abs, { maxBytes, deadline: opts.deadline, allowPipe: true, display });
  } catch (err) {
    // A named pipe can still be linted through stdin, which is read to its end (or the limit) like any stream.
    if (err instanceof ReadError) throw new PathError(err.message + (opts.stdinHint !== false && /named pipe/.test(err.reason) ? `; lint it as stdin instead: daemonlint - < ${display}` : ''));
    throw new PathError(`cannot read ${display}: ${describeFsError(err)}`);
  }
  if (read.tooLarge) return tooLarge(display, abs, maxBytes, read.size);
  const file = fromBuffer(read.bytes, display, abs, maxBytes);
  if (isChartSource(abs)) noteChartSource(file, abs, cwd);
  return file;
}

export function fromBuffer(buf: Buffer, display: string, abs?: string, maxBytes: number = MAX_FILE_BYTES): SourceFile {
  if (buf.length > maxBytes) return tooLarge(display, abs, maxBytes);
  const decoded = decodeText(buf);
  if ('error' in decoded) return undecodableFile(display, abs, decoded.error, decoded.range, byteLines(buf));
  return parseSource({ path: display, absPath: abs, text: decoded.text });
}

/**
 * The text of a file read again (for positions, after the first read's text was let go), exactly as `loadFile` reads
 * it (decoded, byte-order mark removed); undefined when it cannot be read or is not text any more.
 */
export function readTextAgain(abs: string, opts: LoadFileOptions = {}): string | undefined {
  let read;
  try {
    read = readGuarded(abs, { maxBytes: opts.maxBytes ?? MAX_FILE_BYTES, deadline: opts.deadline, record: false });
  } catch {
    return undefined;
  }
  if (read.tooLarge) return undefined;
  const decoded = decodeText(read.bytes);
  if ('error' in decoded) return undefined;
  return decoded.text.charCodeAt(0) === 0xfeff ? decoded.text.slice(1) : decoded.text;
}

/** Read stdin, stopping once it is over MAX_FILE_BYTES (fromBuffer then reports it as too large). */
export async function readStdin(deadline?: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  // A writer that never closes the pipe: at the deadline stdin is closed, which ends the loop below (and lets the
  // process exit); the caller sees the time ran out.
  const timer = deadline === undefined ? undefined : setTimeout(() => process.stdin.destroy(), Math.max(0, deadline - Date.now()));
  timer?.unref();
  try {
    for await (const chunk of process.stdin) {
      chunks.push(chunk as Buffer);
      total += (chunk as Buffer).length;
      if (total > MAX_FILE_BYTES) break; // Leaving the loop closes stdin; the writer gets EPIPE.
    }
  } catch (err) {
    if (!(deadline !== undefined && Date.now() >= deadline)) throw err;
  } finally {
    clearTimeout(timer);
  }
  if (deadline !== undefined && Date.now() >= deadline && total <= MAX_FILE_BYTES) throw Object.assign(new Error('stdin: the time budget ran out'), { code: 'ETIMEDOUT' });
  return Buffer.concat(chunks);
}
