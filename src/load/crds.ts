/**
 * CustomResourceDefinitions given with `--crd PATH` or `crds:` in config: files or directories (searched like linted
 * paths), read through the guarded reader like manifests (regular files only, size limit, the run's deadline) and
 * parsed, but not linted. Only their CustomResourceDefinition objects are kept.
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { CRD_API_VERSIONS } from '../crd/definitions.js';
import type { Manifest } from '../types.js';
import { PathError, describeFsError, displayPath, expandPaths, loadFile } from './files.js';

/** A CRD path that cannot be used: one line for the user (exit 2). */
export class CrdFileError extends Error {}

/** Load the CRDs of files and directories (relative to `cwd`). Throws CrdFileError. */
export function loadCrdFiles(paths: readonly string[], cwd: string, deadline?: number): Manifest[] {
  const out: Manifest[] = [];
  for (const p of paths) {
    const abs = resolve(cwd, p);
    let isDir = false;
    try {
      isDir = statSync(abs).isDirectory();
    } catch (err) {
      throw new CrdFileError(`CRD path ${p}: ${describeFsError(err)}`);
    }
    const errors: string[] = [];
    let files: string[];
    try {
      files = isDir ? expandPaths([abs], cwd, errors) : [abs];
    } catch (err) {
      if (err instanceof PathError) throw new CrdFileError(`CRD path ${p}: ${err.message}`);
      throw err;
    }
    if (errors.length) throw new CrdFileError(`CRD path ${p}: ${errors[0]}`);
    let found = 0;
    for (const f of files) {
      let file;
      try {
        file = loadFile(f, cwd, { deadline, stdinHint: false });
      } catch (err) {
        if (err instanceof PathError) throw new CrdFileError(`CRD file: ${err.message}`);
        throw err;
      }
      const problem = file.problems[0];
      if (problem) throw new CrdFileError(`CRD file ${file.path}:${problem.range.line}:${problem.range.column}: ${problem.message.split('\n')[0]}`);
      for (const m of file.manifests) {
        if (m.ref.kind !== 'CustomResourceDefinition' || !(CRD_API_VERSIONS as readonly string[]).includes(m.ref.apiVersion)) continue;
        out.push(m);
        found++;
      }
    }
    if (!found) throw new CrdFileError(`CRD path ${displayPath(abs, cwd)} holds no CustomResourceDefinition (apiextensions.k8s.io/v1 or v1beta1)`);
  }
  return out;
}
