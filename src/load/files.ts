/**
 * Expands command-line paths (files, directories, globs, `-`) into files to lint and reads them.
 * Problems that stop a path from being read are `PathError`s (exit 2); problems with a file's
 * content become findings.
 */
import { closeSync, openSync, readSync, readdirSync, realpathSync, statSync, type Stats } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { Minimatch } from 'minimatch';
import type { Range, SourceFile } from '../types.js';
import { parseSource } from './parse.js';

export const MANIFEST_EXTENSIONS = /\.(ya?ml|json)$/i;
const SKIPPED_DIRS = new Set(['node_modules', '.git']);
/**
 * Files (and stdin) larger than this are reported, not parsed. Decoding runs at roughly 2 MiB/s, so this caps one file
 * at a few seconds; the largest real manifest bundles (CRDs included) are a few MiB.
 */
export const MAX_FILE_BYTES = 16 * 1024 * 1024;

export class PathError extends Error {}

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
    default:
      return code ?? String((err as Error)?.message ?? err).split('\n')[0]!;
  }
}

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

function walkDir(dir: string, out: string[], seen: Set<string>, filter?: (abs: string) => boolean, report?: WalkErrors): void {
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
    if (isDir) {
      if (!SKIPPED_DIRS.has(e.name)) walkDir(full, out, seen, filter, report);
    } else if (isFile && (filter ? filter(full) : MANIFEST_EXTENSIONS.test(e.name))) {
      out.push(full);
    }
  }
}

/** Expand a glob pattern: walk from its static prefix and keep matching files. */
function expandGlob(pattern: string, cwd: string, errors?: string[]): string[] {
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
  walkDir(base, out, new Set(), (abs) => mm.match(abs.split(sep).join('/')), errors && { errors, cwd });
  return out;
}

/**
 * Turn command-line paths into a sorted, de-duplicated list of files (and `-` for stdin). A directory that cannot be
 * read throws a PathError, or, when `errors` is given, is recorded there (one line each) and the walk goes on.
 */
export function expandPaths(paths: readonly string[], cwd: string, errors?: string[]): string[] {
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
      walkDir(abs, found, new Set(), undefined, errors && { errors, cwd });
      found.forEach(add);
    } else if (st?.isSocket() || st?.isBlockDevice()) {
      throw new PathError(`${p} is a ${st.isSocket() ? 'socket' : 'block device'}, not a file; give files, directories or globs`);
    } else if (st) {
      add(abs);
    } else if (hasGlobMagic(p)) {
      const found = expandGlob(p, cwd, errors).sort();
      if (!found.length) throw new PathError(`no files match ${p}`);
      found.forEach(add);
    } else {
      throw new PathError(`${p}: no such file or directory`);
    }
  }
  return out;
}

/** Number of lines in raw bytes, counted as parse.ts counts them in text. */
function byteLines(buf: Buffer): number {
  let n = 1;
  for (let i = buf.indexOf(10); i !== -1; i = buf.indexOf(10, i + 1)) n++;
  return buf.length && buf[buf.length - 1] === 10 ? n - 1 || 1 : n;
}

/** 1-based line and column (UTF-16 code units, as in every finding) of a byte offset. */
function bytePosition(buf: Buffer, offset: number): Range {
  let line = 1;
  for (let i = buf.indexOf(10); i !== -1 && i < offset; i = buf.indexOf(10, i + 1)) line++;
  const lineStart = offset > 0 ? buf.lastIndexOf(10, offset - 1) + 1 : 0;
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

/**
 * Read at most `limit + 1` bytes: enough to tell that a file is over the limit without reading all of it. Reads
 * devices, pipes and files that grow while being read as safely as regular files.
 */
function readAtMost(abs: string, limit: number, sizeHint?: number): Buffer {
  const fd = openSync(abs, 'r');
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    // The first read is sized for the file as stat saw it (plus one byte, to see the end): a 1 MiB buffer for every
    // small manifest made a run of thousands of files allocate gigabytes.
    let next = sizeHint === undefined ? 1 << 20 : Math.max(sizeHint + 1, 4096);
    while (total <= limit) {
      const chunk = Buffer.allocUnsafe(Math.min(next, 1 << 20, limit + 1 - total));
      next = 1 << 20;
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      chunks.push(n === chunk.length ? chunk : chunk.subarray(0, n));
      total += n;
    }
    return Buffer.concat(chunks, total);
  } finally {
    closeSync(fd);
  }
}

/**
 * Read and parse one file from disk. Throws PathError when it cannot be read at all. `maxBytes` raises the size limit
 * for inputs that are legitimately large (a node inventory of a big cluster).
 */
export function loadFile(abs: string, cwd: string, maxBytes: number = MAX_FILE_BYTES): SourceFile {
  const display = displayPath(abs, cwd);
  let buf: Buffer;
  try {
    const st = statSync(abs);
    if (st.isDirectory()) throw Object.assign(new Error('directory'), { code: 'EISDIR' });
    if (st.isSocket()) throw Object.assign(new Error('socket'), { code: 'ENXIO' });
    if (st.isFile() && st.size > maxBytes) return tooLarge(display, abs, maxBytes, st.size);
    buf = readAtMost(abs, maxBytes, st.isFile() ? st.size : undefined);
  } catch (err) {
    throw new PathError(`cannot read ${display}: ${describeFsError(err)}`);
  }
  return fromBuffer(buf, display, abs, maxBytes);
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
export function readTextAgain(abs: string, maxBytes: number = MAX_FILE_BYTES): string | undefined {
  let buf: Buffer;
  try {
    buf = readAtMost(abs, maxBytes);
  } catch {
    return undefined;
  }
  if (buf.length > maxBytes) return undefined;
  const decoded = decodeText(buf);
  if ('error' in decoded) return undefined;
  return decoded.text.charCodeAt(0) === 0xfeff ? decoded.text.slice(1) : decoded.text;
}

/** Read stdin, stopping once it is over MAX_FILE_BYTES (fromBuffer then reports it as too large). */
export async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of process.stdin) {
    chunks.push(chunk as Buffer);
    total += (chunk as Buffer).length;
    if (total > MAX_FILE_BYTES) break; // Leaving the loop closes stdin; the writer gets EPIPE.
  }
  return Buffer.concat(chunks);
}
