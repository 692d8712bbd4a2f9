// R3: the language server's re-lint of one 500-line manifest after an edit, in process, with the workspace state
// already cached. Uses the server's own pieces: Folder (workspace files, open buffers) and BufferLinter (what
// src/lsp/server.ts runs on each change, after its debounce). Prints JSON { samples: [ms...] }.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Folder } from '../src/lsp/workspace.js';
import { BufferLinter } from '../src/lsp/lint.js';
import { sampleDocuments } from './corpus.mjs';

const [root, editsArg] = process.argv.slice(2);
const edits = Number(editsArg ?? 40);
mkdirSync(root!, { recursive: true });
// The workspace: 100 other documents on disk, and the open 500-line manifest.
const others = sampleDocuments(3, 100);
for (let i = 0; i < others.length; i += 4) writeFileSync(join(root!, `other-${i}.yaml`), others.slice(i, i + 4).join('---\n'));
const docs: string[] = [];
for (const d of sampleDocuments(5, 40)) {
  docs.push(d);
  if (docs.join('---\n').split('\n').length >= 500) break;
}
const base = docs.join('---\n');
const abs = join(root!, 'edited.yaml');
writeFileSync(abs, base);

const folder = new Folder(root!, () => {});
const linter = new BufferLinter({});
const samples: number[] = [];
let lines = 0;
for (let v = 1; v <= edits + 5; v++) {
  // An edit: a changed image tag in the first container, as typed in an editor.
  const text = base.replace(/image: "?([^\s"]+):v1\.(\d+)/, (_m, img) => `image: ${img}:v2.${v}`);
  lines = text.split('\n').length;
  const t0 = performance.now();
  const self = folder.buffer(abs, v, text);
  const out = await linter.lint(self, folder);
  const ms = performance.now() - t0;
  if (!out) throw new Error('no lint result');
  if (v > 5) samples.push(ms);
}
process.stdout.write(JSON.stringify({ samples, lines, pipeline: 'Folder.buffer + BufferLinter.lint (src/lsp)' }));
