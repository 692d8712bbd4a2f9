/**
 * Reading one of daemonlint's own files, a config or a policy file (through the guarded reader, with the loader's
 * linear duplicate-key check), and the rule for the files a config may name: a config found in a repository stays
 * inside it.
 */
import { existsSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { ReadError, readText } from '../io/read.js';
import { parseDocuments } from '../load/limits.js';
import { locateInDocument, locateInString } from '../load/positions.js';
import { TextModel } from '../load/text.js';
import type { Path, Range } from '../types.js';
import { ConfigError } from './find.js';

export interface Source {
  file: string;
  value: unknown;
  /** Locate a path in the file (1-based range); undefined positions for text that only JSON could read. */
  locate(path: Path, at?: 'key' | 'value'): Range;
  /** The position of character `offset` of the string at `path` (a place inside an expression). */
  locateIn(path: Path, offset: number): { line: number; column: number };
}

/** Largest config file read (a config with tens of thousands of keys is still far below it). */
export const MAX_CONFIG_BYTES = 16 * 1024 * 1024;

/** Top-level keys of a config file: a file with none of them is not a daemonlint config. */
export const CONFIG_KEYS = ['rules', 'overrides', 'ignore', 'extends', 'kubeVersion', 'nodes', 'crds', 'failOn', 'strict', 'waivers', 'policies', 'admissionPolicies', 'profile'];

/**
 * A YAML error in one line without any text of the file: parts of a message that quote the source (an alias or tag
 * name, a bad escape, a block scalar header) are dropped, so an error never shows the content of a file that turns
 * out not to be a config.
 */
function yamlErrorText(e: { code: string; message: string }): string {
  const first = e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?\s*$/, '');
  if (e.code === 'BAD_DQ_ESCAPE') return 'invalid escape sequence in a double-quoted string';
  if (e.code === 'TAG_RESOLVE_FAILED') return 'unknown tag';
  const cut = first.indexOf(':');
  return (cut === -1 ? first : first.slice(0, cut)).trim() || e.code;
}

/** Read and parse a config (`what`: `config`) or a policy file (`policy file`). Throws ConfigError. */
export function readSource(file: string, what: 'config' | 'policy file' = 'config'): Source {
  let text: string;
  try {
    text = readText(file, { maxBytes: MAX_CONFIG_BYTES, what: what === 'config' ? 'config file' : what });
  } catch (err) {
    if (err instanceof ReadError) throw new ConfigError(`cannot read ${what} ${file}: ${err.reason}`);
    throw err;
  }
  const model = new TextModel(text);
  // The loader's bounded parse: a linear duplicate-key check and the nesting limit.
  const docs = parseDocuments(model.parseText, { prettyErrors: false, uniqueKeys: true, logLevel: 'error' });
  const errors = docs.flatMap((d) => d.errors);
  if (docs.length > 1 && !errors.length) {
    const pos = model.position(docs[1]!.range?.[0] ?? 0);
    throw new ConfigError(`${file}:${pos.line}:${pos.column}: a ${what} holds one YAML document; remove the second one`);
  }
  if (errors.length) {
    const e = errors[0]!;
    const pos = model.position(e.pos[0]);
    const problem = e.code === 'DUPLICATE_KEY' ? 'a key appears twice in one mapping' : yamlErrorText(e);
    throw new ConfigError(`${file}:${pos.line}:${pos.column}: invalid ${file.endsWith('.json') ? 'JSON' : 'YAML'}: ${problem}`);
  }
  const doc = docs[0];
  let value: unknown;
  try {
    value = doc ? doc.toJS({ maxAliasCount: 100 }) : {};
  } catch {
    throw new ConfigError(`${file}: cannot read ${what}: it expands aliases more than 100 times`);
  }
  return {
    file,
    value: value ?? {},
    locate: (path, at = 'key') => (doc ? locateInDocument(model, { doc, offset: 0 }, path, at) : { line: 1, column: 1, endLine: 1, endColumn: 1 }),
    locateIn: (path, offset) => (doc ? locateInString(model, { doc, offset: 0 }, path, offset) : { line: 1, column: 1 }),
  };
}

/** The folder a config file may reach into: its repository (the nearest folder above it holding `.git`), else the working directory when it is inside it, else its own folder. */
export function configBoundary(file: string): string {
  return repositoryOf(dirname(file));
}

/** The repository of a folder: the nearest folder at or above it holding `.git`, else the working directory when it is inside it, else the folder itself. */
export function repositoryOf(folder: string, cwd: string = process.cwd()): string {
  let dir = folder;
  for (;;) {
    if (existsSync(join(dir, '.git'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return isInsideDir(cwd, folder) ? cwd : folder;
}

function isInsideDir(dir: string, file: string): boolean {
  const rel = relative(dir, file);
  return rel === '' || (!isAbsolute(rel) && rel !== '..' && !rel.startsWith(`..${sep}`));
}

function realOrSelf(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}

/**
 * Does `target` (absolute) lead out of `boundary` once symbolic links are resolved? For files found below a folder a
 * config named (a directory of Node manifests), which {@link referenceRefused} could not see.
 */
export function leavesBoundary(boundary: string, target: string): boolean {
  return !isInsideDir(realOrSelf(boundary), realOrSelf(target));
}

/**
 * Why a file named by a config (`extends`, `nodes`, `crds`, `policies`, `admissionPolicies`) may not be read, or undefined when it may. A config given on the
 * command line (`trusted`) may name any file; a config found in a repository only files inside that repository,
 * symbolic links resolved, so a cloned repository or a pull request cannot make daemonlint read /etc/shadow or
 * ~/.kube/config.
 */
export function referenceRefused(file: string, ref: string, trusted: boolean): string | undefined {
  if (trusted) return undefined;
  const boundary = configBoundary(file);
  const why = `a config found in a repository may only name files inside it (${boundary}); pass a config that needs it with --config`;
  if (isAbsolute(ref)) return `${ref} is an absolute path: ${why}`;
  const target = resolve(dirname(file), ref);
  if (!isInsideDir(boundary, target) || (existsSync(target) && !isInsideDir(realOrSelf(boundary), realOrSelf(target)))) return `${ref} is outside the repository: ${why}`;
  return undefined;
}

