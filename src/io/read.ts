/**
 * The one way daemonlint reads a file: manifests, configs, baselines, node inventories. Whatever the path names, a read
 * either returns the bytes of a regular file (at most `maxBytes`), or throws one {@link ReadError} with a one-line
 * reason; it never blocks on a FIFO, never reads a device such as /dev/zero, and gives up when the run's deadline
 * passes.
 *
 * - The file is opened non-blocking (a FIFO without a writer would otherwise block the open forever) and checked with
 *   `fstat` on the open descriptor, so what is read is what was checked.
 * - Regular files only. FIFOs, character and block devices and sockets are refused. The single exception, for
 *   manifests named on the command line (`allowPipe`), is a pipe the process inherited (`/dev/fd/N`, `/dev/stdin`:
 *   process substitution `<(…)`), read without blocking until its end or the deadline.
 * - A regular file over `maxBytes` is not read at all: the result says so (`tooLarge`) and the caller decides.
 */
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';

/** A file that cannot be read: `reason` is one line ("permission denied; …", "a named pipe (FIFO), not a file …"). */
export class ReadError extends Error {
  override name = 'ReadError';
  constructor(
    readonly path: string,
    readonly reason: string,
    readonly code?: string,
  ) {
    super(`cannot read ${path}: ${reason}`);
  }
}

export interface ReadOptions {
  /** Largest size read; a bigger regular file is reported as `tooLarge` without reading it. */
  maxBytes: number;
  /** `Date.now()` value after which the read is abandoned (ReadError). */
  deadline?: number;
  /** Accept a pipe this process inherited (`/dev/fd/N`): for manifests named on the command line only. */
  allowPipe?: boolean;
  /** How the path is shown in messages (default: as given). */
  display?: string;
  /** Record the file as an input of the run (default), so the writer never overwrites it. */
  record?: boolean;
}

export interface ReadResult {
  bytes: Buffer;
  /** The file was bigger than `maxBytes`: `bytes` is empty (or, for a pipe, the first `maxBytes + 1` bytes). */
  tooLarge: boolean;
  /** Its size when known (regular files). */
  size?: number;
  /** `fstat` of the open descriptor. */
  stat: Stats;
}

/** A file-system error code in words, for one-line messages. */
export function describeFsError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied; check its permissions or leave it out';
    case 'ENOENT':
      return 'no such file or directory';
    case 'ENOTDIR':
      return 'a part of the path is not a directory';
    case 'ELOOP':
      return 'symbolic link loop; fix or remove the link';
    case 'EISDIR':
      return 'it is a directory';
    case 'EMFILE':
    case 'ENFILE':
      return 'too many open files; raise the open-file limit (ulimit -n)';
    case 'EIO':
      return 'input/output error from the disk or file system';
    case 'ENOSPC':
      return 'no space left on the device';
    case 'EROFS':
      return 'the file system is read-only';
    case 'ENXIO':
    case 'ENODEV':
      return 'it is a device or socket, not a file';
    case 'ENAMETOOLONG':
      return 'the path is too long';
    case 'EAGAIN':
      return 'the file is locked or busy';
    default:
      return code ?? String((err as Error)?.message ?? err).split('\n')[0]!;
  }
}

/** What a file that is not a regular file is, in words, and why it is not read. */
export function notAFile(st: Stats): string | undefined {
  if (st.isFile()) return undefined;
  if (st.isDirectory()) return 'it is a directory';
  if (st.isFIFO()) return 'it is a named pipe (FIFO), not a file (reading it would wait for a writer)';
  if (st.isCharacterDevice()) return 'it is a character device, not a file';
  if (st.isBlockDevice()) return 'it is a block device, not a file';
  if (st.isSocket()) return 'it is a socket, not a file';
  return 'it is not a regular file';
}

/** `/dev/fd/N`, `/dev/stdin`, `/proc/self/fd/N`: a descriptor the process already holds (process substitution). */
export function isInheritedDescriptorPath(path: string): boolean {
  return /^\/(?:dev\/fd\/\d+|dev\/stdin|proc\/self\/fd\/\d+)$/.test(path);
}

/** Identities (device and inode) of the regular files read since {@link beginRun}: the run's inputs. */
let inputs: Set<string> | undefined;

/** Start recording the files read (a CLI or Action run); the writer refuses to overwrite any of them. */
export function beginRun(): void {
  inputs = new Set();
}

/** Was this file (by device and inode) read as an input since the run began? */
export function wasReadThisRun(st: Stats): boolean {
  return inputs?.has(`${st.dev}:${st.ino}`) ?? false;
}

/** The identities recorded since the last call, forgotten here (a worker thread hands them to the main thread). */
export function takeInputs(): string[] {
  const ids = inputs ? [...inputs] : [];
  inputs?.clear();
  return ids;
}

/** Record identities another thread recorded (see takeInputs) as inputs of this thread's run. */
export function recordInputs(ids: readonly string[]): void {
  for (const id of ids) inputs?.add(id);
}

const CHUNK = 1 << 20;
let sleeper: Int32Array | undefined;
function sleep(ms: number): void {
  sleeper ??= new Int32Array(new SharedArrayBuffer(4));
  Atomics.wait(sleeper, 0, 0, ms);
}

function timedOut(display: string): ReadError {
  return new ReadError(display, 'the time budget ran out while reading it (raise --timeout)', 'ETIMEDOUT');
}

/**
 * Read a regular file (see the module comment). Throws ReadError when it cannot be read, is not a regular file, or
 * the deadline passes while reading.
 */
export function readGuarded(path: string, opts: ReadOptions): ReadResult {
  const display = opts.display ?? path;
  if (opts.deadline !== undefined && Date.now() > opts.deadline) throw timedOut(display);
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | (constants.O_NOCTTY ?? 0));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // Linux refuses to open a Unix socket (ENXIO).
    throw new ReadError(display, code === 'ENXIO' ? 'it is a socket or device, not a file' : describeFsError(err), code);
  }
  try {
    const st = fstatSync(fd);
    if (st.isFIFO() && opts.allowPipe && isInheritedDescriptorPath(path)) return readPipe(fd, st, display, opts);
    const what = notAFile(st);
    if (what) throw new ReadError(display, what, st.isDirectory() ? 'EISDIR' : 'ENOTREG');
    if (inputs && opts.record !== false) inputs.add(`${st.dev}:${st.ino}`);
    if (st.size > opts.maxBytes) return { bytes: Buffer.alloc(0), tooLarge: true, size: st.size, stat: st };
    // The size may change while reading: read at most one byte past the limit, enough to tell.
    const chunks: Buffer[] = [];
    let total = 0;
    // The first read is sized for the file as fstat saw it (plus one byte, to see its end), and the read that checks
    // for the end after a short one is small: a 1 MiB buffer for every small manifest made a run of thousands of
    // files allocate gigabytes.
    let next = Math.max(st.size + 1, 4096);
    while (total <= opts.maxBytes) {
      if (opts.deadline !== undefined && Date.now() > opts.deadline) throw timedOut(display);
      const chunk = Buffer.allocUnsafe(Math.min(next, CHUNK, opts.maxBytes + 1 - total));
      let n: number;
      try {
        n = readSync(fd, chunk, 0, chunk.length, null);
      } catch (err) {
        throw new ReadError(display, describeFsError(err), (err as NodeJS.ErrnoException).code);
      }
      if (n === 0) break;
      chunks.push(n === chunk.length ? chunk : chunk.subarray(0, n));
      total += n;
      next = n < chunk.length ? 4096 : CHUNK;
    }
    const bytes = Buffer.concat(chunks, total);
    if (total > opts.maxBytes) return { bytes: Buffer.alloc(0), tooLarge: true, size: total, stat: st };
    return { bytes, tooLarge: false, size: total, stat: st };
  } finally {
    closeSync(fd);
  }
}

/** An inherited pipe, read without blocking: waits for data in short sleeps, up to the deadline. */
function readPipe(fd: number, st: Stats, display: string, opts: ReadOptions): ReadResult {
  const chunks: Buffer[] = [];
  let total = 0;
  while (total <= opts.maxBytes) {
    if (opts.deadline !== undefined && Date.now() > opts.deadline) throw timedOut(display);
    const chunk = Buffer.allocUnsafe(Math.min(CHUNK, opts.maxBytes + 1 - total));
    let n: number;
    try {
      n = readSync(fd, chunk, 0, chunk.length, null);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EAGAIN') {
        sleep(5);
        continue;
      }
      throw new ReadError(display, describeFsError(err), (err as NodeJS.ErrnoException).code);
    }
    if (n === 0) break;
    chunks.push(Buffer.from(chunk.subarray(0, n)));
    total += n;
  }
  return { bytes: Buffer.concat(chunks, total), tooLarge: total > opts.maxBytes, stat: st };
}

/** Read a small text file (a config or a baseline): UTF-8, byte-order mark removed. Throws ReadError. */
export function readText(path: string, opts: ReadOptions & { what: string }): string {
  const r = readGuarded(path, opts);
  const display = opts.display ?? path;
  if (r.tooLarge) throw new ReadError(display, `the ${opts.what} is over the ${Math.round(opts.maxBytes / 1048576)} MiB limit`, 'EFBIG');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(r.bytes);
  } catch {
    throw new ReadError(display, `it is not UTF-8 text, so it is not a ${opts.what}`, 'EILSEQ');
  }
  if (text.includes('\0')) throw new ReadError(display, `it is a binary file, not a ${opts.what}`, 'EILSEQ');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
