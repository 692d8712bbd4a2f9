/**
 * Expands command-line paths (files, directories, globs, `-`) into files to lint and reads them.
 * Problems that stop a path from being read are `PathError`s (exit 2); problems with a file's
 * content become findings.
 */
import { readFileSync, readdirSync, realpathSync, statSync, type Stats } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { Minimatch } from 'minimatch';
import type { SourceFile } from '../types.js';
import { parseSource } from './parse.js';

export const MANIFEST_EXTENSIONS = /\.(ya?ml|json)$/i;
const SKIPPED_DIRS = new Set(['node_modules', '.git']);
/** Files larger than this are reported, not parsed. */
export const MAX_FILE_BYTES = 64 * 1024 * 1024;

export class PathError extends Error {}

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

function walkDir(dir: string, out: string[], seen: Set<string>, filter?: (abs: string) => boolean): void {
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
    throw new PathError(`cannot read directory ${dir}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
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
      if (!SKIPPED_DIRS.has(e.name)) walkDir(full, out, seen, filter);
    } else if (isFile && (filter ? filter(full) : MANIFEST_EXTENSIONS.test(e.name))) {
      out.push(full);
    }
  }
}

/** Expand a glob pattern: walk from its static prefix and keep matching files. */
function expandGlob(pattern: string, cwd: string): string[] {
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
  walkDir(base, out, new Set(), (abs) => mm.match(abs.split(sep).join('/')));
  return out;
}

/** Turn command-line paths into a sorted, de-duplicated list of files (and `-` for stdin). */
export function expandPaths(paths: readonly string[], cwd: string): string[] {
  const out: string[] = [];
  const add = (f: string) => {
    if (!out.includes(f)) out.push(f);
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
      if (code === 'ELOOP') throw new PathError(`${p}: symbolic link loop`);
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw new PathError(`cannot read ${p}: ${code ?? (err as Error).message}`);
    }
    if (st?.isDirectory()) {
      const found: string[] = [];
      walkDir(abs, found, new Set());
      found.forEach(add);
    } else if (st) {
      add(abs);
    } else if (hasGlobMagic(p)) {
      const found = expandGlob(p, cwd).sort();
      if (!found.length) throw new PathError(`no files match ${p}`);
      found.forEach(add);
    } else {
      throw new PathError(`${p}: no such file or directory`);
    }
  }
  return out;
}

/** Decode file bytes as UTF-8 text, or say why they are not text. */
export function decodeText(buf: Buffer): { text: string } | { error: string } {
  const probe = buf.subarray(0, 8192);
  if (probe.includes(0)) return { error: 'The file is binary (it contains NUL bytes), not YAML or JSON text.' };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(buf) };
  } catch {
    return { error: 'The file is not valid UTF-8 text; Kubernetes manifests must be UTF-8. Re-save it as UTF-8.' };
  }
}

/** A file whose content could not be decoded becomes a SourceFile with a single problem. */
export function undecodableFile(display: string, abs: string | undefined, message: string): SourceFile {
  const file = parseSource({ path: display, absPath: abs, text: '' });
  file.problems.push({ ruleId: 'yaml-syntax', message, range: { line: 1, column: 1, endLine: 1, endColumn: 1 } });
  return file;
}

/** Read and parse one file from disk. Throws PathError when it cannot be read at all. */
export function loadFile(abs: string, cwd: string): SourceFile {
  const display = displayPath(abs, cwd);
  let buf: Buffer;
  try {
    const st = statSync(abs);
    if (st.size > MAX_FILE_BYTES) {
      return undecodableFile(
        display,
        abs,
        `The file is ${(st.size / 1048576).toFixed(1)} MiB, over the ${MAX_FILE_BYTES / 1048576} MiB limit for one file; it was not linted. Split it into smaller files.`,
      );
    }
    buf = readFileSync(abs);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new PathError(`cannot read ${display}: ${code === 'EACCES' ? 'permission denied' : (code ?? (err as Error).message)}`);
  }
  return fromBuffer(buf, display, abs);
}

export function fromBuffer(buf: Buffer, display: string, abs?: string): SourceFile {
  const decoded = decodeText(buf);
  if ('error' in decoded) return undecodableFile(display, abs, decoded.error);
  return parseSource({ path: display, absPath: abs, text: decoded.text });
}

/** Read all of stdin. */
export async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
