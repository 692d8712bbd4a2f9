/**
 * The one way daemonlint writes a file: reports (`-o`), baselines (`--write-baseline`), the Action's SARIF file and
 * fixed manifests (`--fix`). Nothing is written except what was asked for, and nothing is lost:
 *
 * - An existing file is replaced only when it is of the kind being written (an old report of the same format, an
 *   old baseline, an empty file) and was not read as an input of the run; a manifest, a config or an unrelated file
 *   is never overwritten.
 * - A fixed manifest is replaced only while its content is still what was linted (a line appended during the run is
 *   never lost), only inside the folders being linted (a symbolic link out of them is not followed), never when it is
 *   read-only, with its line endings, byte-order mark, mode and owner kept.
 * - Replacing is atomic: a temporary file in the same folder, flushed, renamed over the original, and the folder
 *   flushed. A file with several hard links, or owned by someone the process cannot give a new file to, is written in
 *   place instead (same inode, so every link and the owner stay), after checking again through the open descriptor.
 * - Devices (`/dev/null`, `/dev/stdout`, a terminal) are written directly; a pipe without a reader is an error, not a
 *   hang.
 *
 * Every problem is one {@link WriteError} with a one-line reason.
 */
import {
  closeSync,
  constants,
  fchmodSync,
  fchownSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  openSync,
  readSync,
  realpathSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
  type Stats,
} from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { describeFsError, readGuarded, wasReadThisRun } from './read.js';

export class WriteError extends Error {
  override name = 'WriteError';
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`cannot write ${path}: ${reason}`);
  }
}

/** What is being written; an existing file is replaced only by the same kind. */
export type OutputKind = 'text' | 'json' | 'sarif' | 'github' | 'diff' | 'baseline' | 'coverage-text' | 'coverage-json' | 'coverage-html';

const KIND_NAMES: Record<OutputKind, string> = {
  text: 'daemonlint text report',
  json: 'daemonlint JSON report',
  sarif: 'daemonlint SARIF report',
  github: 'daemonlint GitHub annotations report',
  diff: 'daemonlint fix diff',
  baseline: 'daemonlint baseline',
  'coverage-text': 'daemonlint coverage report',
  'coverage-json': 'daemonlint coverage JSON report',
  'coverage-html': 'daemonlint coverage HTML report',
};

// biome-ignore lint/suspicious/noControlCharactersInRegex: an ANSI colour code starts with ESC.
const ANSI = /\u001b\[[0-9;]*m/g;

/** Does `head` (the first 64 KiB) and `tail` (the last 4 KiB) of a file look like output of this kind? */
function looksLike(kind: OutputKind, head: string, tail: string): boolean {
  const lastLine = tail.replace(ANSI, '').trimEnd().split('\n').pop() ?? '';
  switch (kind) {
    case 'json':
      return /^\{\s*"version":\s*"[^"]*",\s*"findings":\s*\[/.test(head);
    case 'sarif':
      return /^\{\s*"\$schema":\s*"[^"]*sarif[^"]*"/.test(head) && /"name":\s*"daemonlint"/.test(head);
    case 'baseline':
      return /^\{\s*"version":\s*\d+,\s*"tool":\s*"daemonlint",\s*"findings":\s*\[/.test(head);
    case 'github':
      return head.split('\n').every((l) => l === '' || /^::(?:error|warning|notice) /.test(l));
    case 'text':
      return /^[✔✖] /.test(lastLine);
    case 'diff':
      return head.startsWith('--- a/');
    case 'coverage-text':
      return /^(?:DaemonSet coverage (?:of|on) \d+|No DaemonSets found\.)/.test(head.replace(ANSI, ''));
    case 'coverage-json':
      // Version 1 (`version`, `by`, then `inventory`) and the earlier shape that began with `inventory`.
      return /^\{\s*(?:"version":\s*\d+,\s*"by":\s*"[a-z]+",\s*)?"inventory":\s*(?:true|false),/.test(head);
    case 'coverage-html':
      return head.startsWith('<!DOCTYPE html>') && head.includes('DaemonSet coverage');
  }
}

function readHeadTail(path: string, size: number): { head: string; tail: string } {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const head = Buffer.alloc(Math.min(size, 65536));
    const nh = readSync(fd, head, 0, head.length, 0);
    const tail = Buffer.alloc(Math.min(size, 4096));
    const nt = readSync(fd, tail, 0, tail.length, Math.max(0, size - tail.length));
    return { head: head.subarray(0, nh).toString('utf8'), tail: tail.subarray(0, nt).toString('utf8') };
  } finally {
    closeSync(fd);
  }
}

const isRoot = () => process.getuid?.() === 0;

function isInside(dir: string, file: string): boolean {
  const rel = relative(dir, file);
  return rel === '' || (!isAbsolute(rel) && rel !== '..' && !rel.startsWith(`..${sep}`));
}

function modeOf(st: Stats): number {
  return st.mode & 0o7777;
}

/** Why an existing regular file may not be replaced at all, or undefined. */
function refusal(st: Stats): string | undefined {
  if (wasReadThisRun(st)) return 'it is one of the files this run read (a manifest, config, baseline or inventory); write the output elsewhere';
  if ((st.mode & 0o222) === 0) return 'it is read-only; daemonlint does not change read-only files (make it writable first)';
  return undefined;
}

export interface OutputTarget {
  /** Absolute path written to (symbolic links resolved). */
  abs: string;
  /** The file as it was when checked; undefined when it does not exist yet. */
  stat?: Stats;
}

/**
 * Check that `path` may receive output of `kind` (without writing anything): call it before a long run so a wrong
 * `-o` fails at once. Throws WriteError.
 */
export function checkOutputTarget(path: string, kind: OutputKind, cwd: string): OutputTarget {
  const abs = resolve(cwd, path);
  let st: Stats;
  try {
    st = statSync(abs);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      // A new file: its folder must exist (nothing is created but the file).
      try {
        if (!statSync(dirname(abs)).isDirectory()) throw Object.assign(new Error(), { code: 'ENOTDIR' });
      } catch (e) {
        throw new WriteError(path, describeFsError(e));
      }
      return { abs };
    }
    throw new WriteError(path, describeFsError(err));
  }
  if (st.isDirectory()) throw new WriteError(path, 'it is a directory');
  if (st.isSocket()) throw new WriteError(path, 'it is a socket, not a file');
  if (!st.isFile()) return { abs, stat: st }; // A device or a pipe: written directly.
  const real = realpathSync(abs);
  const why = refusal(st);
  if (why) throw new WriteError(path, why);
  if (st.size > 0) {
    let sample: { head: string; tail: string };
    try {
      sample = readHeadTail(real, st.size);
    } catch (err) {
      throw new WriteError(path, describeFsError(err));
    }
    if (!looksLike(kind, sample.head, sample.tail))
      throw new WriteError(path, `it exists and is not a ${KIND_NAMES[kind]}; daemonlint only replaces its own output of the same kind: choose another file name or remove it first`);
  }
  return { abs: real, stat: st };
}

/**
 * Write output of `kind` (a report, a baseline, a diff) to `path`, replacing an old file of the same kind. Throws
 * WriteError.
 */
export function writeOutput(path: string, text: string, kind: OutputKind, cwd: string, deadline?: number): void {
  const target = checkOutputTarget(path, kind, cwd);
  const data = Buffer.from(text, 'utf8');
  if (target.stat && !target.stat.isFile()) {
    writeToDevice(path, target.abs, data, deadline);
    return;
  }
  replaceAtomically(path, target.abs, data, target.stat, (now) => {
    // Replaced only if nobody changed it since it was checked.
    if (!target.stat) return now === undefined ? undefined : 'a file of that name appeared while daemonlint ran';
    if (!now || !sameFile(now, target.stat)) return 'it changed while daemonlint ran; it was not overwritten';
    return undefined;
  });
}

function sameFile(a: Stats, b: Stats): boolean {
  return a.dev === b.dev && a.ino === b.ino && a.size === b.size && a.mtimeMs === b.mtimeMs;
}

let sleeper: Int32Array | undefined;
function sleep(ms: number): void {
  sleeper ??= new Int32Array(new SharedArrayBuffer(4));
  Atomics.wait(sleeper, 0, 0, ms);
}

/** A character device or a pipe: written in place; a pipe without a reader is an error, a full one is waited for up to the deadline. */
function writeToDevice(path: string, abs: string, data: Buffer, deadline?: number): void {
  let fd: number;
  try {
    fd = openSync(abs, constants.O_WRONLY | constants.O_NONBLOCK | (constants.O_NOCTTY ?? 0));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new WriteError(path, code === 'ENXIO' ? 'it is a pipe that nobody reads' : describeFsError(err));
  }
  try {
    let off = 0;
    while (off < data.length) {
      try {
        off += writeSync(fd, data, off, data.length - off);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err;
        if (deadline !== undefined && Date.now() > deadline) throw Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' });
        sleep(5);
      }
    }
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EPIPE') return; // The reader went away: as with stdout, not an error.
    throw new WriteError(path, code === 'ETIMEDOUT' ? 'the time budget ran out while writing to it' : describeFsError(err));
  } finally {
    closeSync(fd);
  }
}

function fsyncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, constants.O_RDONLY);
    fsyncSync(fd);
  } catch {
    // Some file systems cannot flush a directory; the rename itself is done.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Replace (or create) the regular file `real` with `data`. `stillOk(stat)` is asked just before the file is replaced
 * (with its current stat, or undefined when it does not exist): a reason stops the write.
 */
function replaceAtomically(path: string, real: string, data: Buffer, st: Stats | undefined, stillOk: (now: Stats | undefined) => string | undefined, expected?: Buffer): void {
  // Several hard links, or an owner this process cannot give a new file to: write in place (same inode).
  const uid = process.getuid?.();
  const foreignOwner = st !== undefined && uid !== undefined && !isRoot() && (st.uid !== uid || st.gid !== process.getgid?.());
  if (st && (st.nlink > 1 || foreignOwner)) {
    writeInPlace(path, real, data, st, stillOk, expected);
    return;
  }
  const dir = dirname(real);
  const tmp = join(dir, `.${basename(real)}.daemonlint-${process.pid}-${Math.random().toString(36).slice(2, 10)}.tmp`);
  let fd: number | undefined;
  try {
    try {
      fd = openSync(tmp, 'wx', st ? modeOf(st) : 0o666);
    } catch (err) {
      // A folder we may not create files in, while the file itself may be writable: write in place.
      if (st && ((err as NodeJS.ErrnoException).code === 'EACCES' || (err as NodeJS.ErrnoException).code === 'EPERM')) {
        writeInPlace(path, real, data, st, stillOk, expected);
        return;
      }
      throw err;
    }
    let off = 0;
    while (off < data.length) off += writeSync(fd, data, off, data.length - off);
    if (st) {
      fchmodSync(fd, modeOf(st)); // The mode given to open is masked by the umask.
      if (isRoot() && (st.uid !== 0 || st.gid !== 0)) fchownSync(fd, st.uid, st.gid);
    }
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    let now: Stats | undefined;
    try {
      now = statSync(real);
    } catch {
      now = undefined;
    }
    const why = stillOk(now);
    if (why) throw new WriteError(path, why);
    renameSync(tmp, real);
    fsyncDirectory(dir);
  } catch (err) {
    if (fd !== undefined) closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {
      // Never created, or already renamed.
    }
    if (err instanceof WriteError) throw err;
    throw new WriteError(path, describeFsError(err));
  }
}

/** Overwrite the file through one descriptor: checked again there, then written, truncated and flushed. */
function writeInPlace(path: string, real: string, data: Buffer, st: Stats, stillOk: (now: Stats | undefined) => string | undefined, expected?: Buffer): void {
  let fd: number | undefined;
  try {
    fd = openSync(real, constants.O_RDWR | constants.O_NONBLOCK);
    const now = fstatSync(fd);
    const why = stillOk(now.ino === st.ino && now.dev === st.dev ? now : undefined);
    if (why) throw new WriteError(path, why);
    if (expected) {
      // The content itself, read through this descriptor, must still be what was linted.
      const current = Buffer.alloc(now.size + 1);
      let n = 0;
      for (let r; n < current.length && (r = readSync(fd, current, n, current.length - n, n)) > 0; ) n += r;
      if (n !== expected.length || !current.subarray(0, n).equals(expected)) throw new WriteError(path, 'it changed on disk while daemonlint ran; it was not fixed (run daemonlint again)');
    }
    let off = 0;
    while (off < data.length) off += writeSync(fd, data, off, data.length - off, off);
    ftruncateSync(fd, data.length);
    fsyncSync(fd);
  } catch (err) {
    if (err instanceof WriteError) throw err;
    throw new WriteError(path, describeFsError(err));
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

export interface ReplaceOptions {
  /** Real paths of the folders being linted: a file whose real path is outside all of them is not written. */
  roots: readonly string[];
  /** How the file is named in messages. */
  display: string;
  deadline?: number;
}

/** The real paths of the folders a set of command-line paths covers (a file's own folder for a file; `.` when empty). */
export function lintedRoots(paths: readonly string[], cwd: string): string[] {
  const out = new Set<string>();
  for (const p of paths.length ? paths : ['.']) {
    if (p === '-') continue;
    const abs = resolve(cwd, p);
    let root = abs;
    try {
      if (!statSync(abs).isDirectory()) root = dirname(abs);
    } catch {
      // A glob: its folder part.
      const parts = abs.split(/[\\/]/);
      const i = parts.findIndex((s) => /[*?[\]{}]/.test(s));
      root = i === -1 ? dirname(abs) : parts.slice(0, i).join('/') || '/';
    }
    try {
      out.add(realpathSync(root));
    } catch {
      out.add(root);
    }
  }
  return [...out];
}

/**
 * Replace a manifest with its fixed text (`--fix`). `original` is the text that was linted (byte-order mark removed,
 * as the loader reads it): the file is replaced only while its content is still exactly that. Line endings: when every
 * line break of the file is CRLF, new lines get CRLF too. Throws WriteError.
 */
export function replaceFile(abs: string, original: string, next: string, opts: ReplaceOptions): void {
  const path = opts.display;
  let real: string;
  try {
    real = realpathSync(abs);
  } catch (err) {
    throw new WriteError(path, describeFsError(err));
  }
  if (!opts.roots.some((r) => isInside(r, real)))
    throw new WriteError(path, `it is a symbolic link to ${real}, outside the folders being linted; daemonlint does not follow links out of them (fix the target directly)`);
  let current: Buffer;
  let st: Stats;
  try {
    const r = readGuarded(real, { maxBytes: 64 * 1024 * 1024, deadline: opts.deadline, display: path, record: false });
    if (r.tooLarge) throw new WriteError(path, 'it grew past the size limit while daemonlint ran; it was not fixed');
    current = r.bytes;
    st = r.stat;
  } catch (err) {
    if (err instanceof WriteError) throw err;
    throw new WriteError(path, (err as Error).message.replace(/^cannot read [^:]*: /, ''));
  }
  if ((st.mode & 0o222) === 0) throw new WriteError(path, 'it is read-only; daemonlint does not change read-only files (make it writable first)');
  const bom = current[0] === 0xef && current[1] === 0xbb && current[2] === 0xbf;
  let text: string | undefined;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bom ? current.subarray(3) : current);
  } catch {
    text = undefined;
  }
  if (text !== original) throw new WriteError(path, 'it changed on disk while daemonlint ran; it was not fixed (run daemonlint again)');
  // Every line break CRLF: new lines follow suit (apply.ts already writes the file's line breaks; this is the guard).
  const crlf = text.includes('\r\n') && !/(^|[^\r])\n/.test(text);
  const body = crlf ? next.replace(/\r?\n/g, '\r\n') : next;
  const data = Buffer.from((bom ? '\ufeff' : '') + body, 'utf8');
  replaceAtomically(
    path,
    real,
    data,
    st,
    (now) => (!now || !sameFile(now, st) ? 'it changed on disk while daemonlint ran; it was not fixed (run daemonlint again)' : undefined),
    current,
  );
}
