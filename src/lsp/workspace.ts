/**
 * The language server's view of a workspace folder: the manifests on disk (loaded once, then kept up to
 * date on save, close and file-watcher events) with open editor buffers overriding them, so cross-resource
 * rules see the whole folder the way `daemonlint FOLDER` would.
 */
import { dirname, isAbsolute, relative, sep } from 'node:path';
import { expandPaths, loadFile, MANIFEST_EXTENSIONS, displayPath } from '../load/files.js';
import { parseSource } from '../load/parse.js';
import type { SourceFile } from '../types.js';

/** A workspace folder with more manifest files than this is only partly loaded (the rest are not seen by cross-resource rules). */
export const MAX_FOLDER_FILES = 5000;

/** Is `file` (absolute) inside `dir` (absolute)? */
export function isInside(dir: string, file: string): boolean {
  const rel = relative(dir, file);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel) && rel.split(sep)[0] !== '..');
}

export class Folder {
  private disk: Map<string, SourceFile> | undefined;
  /** Parsed open buffers by absolute path. */
  private readonly open = new Map<string, { version: number; file: SourceFile }>();
  truncated = false;

  constructor(
    /** Absolute path of the folder root; file paths in findings are relative to it. */
    readonly root: string,
    private readonly log: (message: string) => void,
  ) {}

  private loadDisk(): Map<string, SourceFile> {
    if (this.disk) return this.disk;
    const disk = new Map<string, SourceFile>();
    let paths: string[] = [];
    // A folder that cannot be read is logged and skipped; the rest of the workspace is still seen.
    const unreadable: string[] = [];
    try {
      paths = expandPaths([this.root], this.root, unreadable);
    } catch (err) {
      this.log(`cannot read workspace folder ${this.root}: ${(err as Error).message}`);
    }
    for (const e of unreadable) this.log(e);
    if (paths.length > MAX_FOLDER_FILES) {
      this.truncated = true;
      this.log(`workspace folder ${this.root} has ${paths.length} manifest files; cross-resource rules see the first ${MAX_FOLDER_FILES}`);
      paths = paths.slice(0, MAX_FOLDER_FILES);
    }
    for (const abs of paths) {
      try {
        disk.set(abs, loadFile(abs, this.root));
      } catch {
        // Unreadable files are skipped: the editor lints what it can.
      }
    }
    this.disk = disk;
    return disk;
  }

  /** The display path of an absolute file inside this folder. */
  display(abs: string): string {
    return displayPath(abs, this.root);
  }

  /** Parse (or reuse) the buffer of an open document. */
  buffer(abs: string, version: number, text: string): SourceFile {
    const cur = this.open.get(abs);
    if (cur && cur.version === version) return cur.file;
    const file = parseSource({ path: this.display(abs), absPath: abs, text });
    this.open.set(abs, { version, file });
    return file;
  }

  /** The document was closed: the disk version counts again (re-read, it may differ from the buffer). */
  close(abs: string): void {
    this.open.delete(abs);
    this.refresh(abs);
  }

  /** Re-read one file from disk (after a save or a file-watcher event); drops it when it is gone. */
  refresh(abs: string): void {
    if (!this.disk) return;
    if (!MANIFEST_EXTENSIONS.test(abs)) return;
    try {
      this.disk.set(abs, loadFile(abs, this.root));
    } catch {
      this.disk.delete(abs);
    }
  }

  /** Forget everything read from disk (e.g. many files changed). */
  reset(): void {
    this.disk = undefined;
  }

  /** Every file of the folder, open buffers in place of their disk version, `self` first. */
  files(self: SourceFile): SourceFile[] {
    const disk = this.loadDisk();
    const out: SourceFile[] = [self];
    const seen = new Set<string>(self.absPath ? [self.absPath] : []);
    for (const [abs, o] of this.open) {
      if (seen.has(abs)) continue;
      seen.add(abs);
      out.push(o.file);
    }
    for (const [abs, f] of disk) if (!seen.has(abs)) out.push(f);
    return out;
  }
}

/** Files that are not inside any workspace folder are linted alone, with paths relative to their directory. */
export function looseFolderRoot(abs: string): string {
  return dirname(abs);
}
