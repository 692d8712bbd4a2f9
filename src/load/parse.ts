/**
 * Turns the text of one file into Kubernetes objects with a position map.
 * YAML is decoded with YAML 1.1 scalar rules, the way kubectl decodes manifests
 * (unquoted yes/no/on/off are booleans; timestamps stay strings).
 */
import { LineCounter, isMap, isPair, isSeq, type Document, type ParseOptions, type DocumentOptions, type SchemaOptions, type ToJSOptions } from 'yaml';
import type { LoadProblem, Manifest, ObjectRef, Path, Range, SourceFile } from '../types.js';
import { documentStarts, fastDocuments } from './fast.js';
import { decodeJson, isJsonInput } from './json.js';
import { parseDocuments } from './limits.js';
import { locateInDocument, rangeOf } from './positions.js';
import { lineOf, lineStarts as lineStartsOf, syntaxProblems } from './syntax-errors.js';

/** Largest alias expansion allowed when turning a document into an object. */
export const MAX_ALIAS_COUNT = 1000;

type TagLike = { tag?: string; format?: string };

/** How manifests are parsed (YAML 1.1 scalars, as kubectl); fixes re-parse with the same options. */
export const PARSE_OPTIONS: ParseOptions & DocumentOptions & SchemaOptions = {
  version: '1.1',
  uniqueKeys: true,
  prettyErrors: false,
  strict: false,
  // Never print library warnings (e.g. a collection used as a key) to the user's stderr; errors are still collected.
  logLevel: 'error',
  // kubectl's YAML 1.1 decoder has no sexagesimal numbers and keeps timestamps as strings.
  customTags: (tags) =>
    (tags as TagLike[]).filter((t) => t.tag !== 'tag:yaml.org,2002:timestamp' && t.format !== 'TIME') as typeof tags,
};

const TO_JS: ToJSOptions = { maxAliasCount: MAX_ALIAS_COUNT };

/** Lines that only make sense in an unrendered Helm/Go template. */
const TEMPLATE_MARKER = /\{\{-?\s*(?:if|else|end|range|with|define|include|template|toYaml|tpl|\.Values|\.Release|\.Chart|\.Capabilities|\$\.Values|-?\s*\/\*)\b/;
/**
 * Any other Go template action where YAML expects a key, an item or a value (`  {{ $labels }}`, `key: {{ .x }}`): a
 * chart template only when it breaks the YAML on its line or opens a flow mapping (see structuralTemplate).
 */
const TEMPLATE_ACTION = /(?:^[ \t]*(?:-[ \t]+)?|:[ \t]+)(\{\{)/m;

function emptyRange(): Range {
  return { line: 1, column: 1, endLine: 1, endColumn: 1 };
}

function firstLine(message: string): string {
  const line = message.split('\n')[0] ?? message;
  return line.replace(/ at line \d+, column \d+:?\s*$/, '').trim();
}

function isObjectLike(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function refOf(obj: Record<string, any>): ObjectRef | undefined {
  if (typeof obj.apiVersion !== 'string' || typeof obj.kind !== 'string') return undefined;
  const md = isObjectLike(obj.metadata) ? obj.metadata : {};
  const ref: ObjectRef = { apiVersion: obj.apiVersion, kind: obj.kind };
  if (typeof md.namespace === 'string') ref.namespace = md.namespace;
  if (typeof md.name === 'string') ref.name = md.name;
  return ref;
}

/** Give a line counter every line start of `text` (for positions of a text the yaml parser did not read). */
function fillLineCounter(lc: LineCounter, text: string): void {
  lc.addNewLine(0);
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lc.addNewLine(i + 1);
}

/**
 * Where a Go template directive is part of the YAML structure, or undefined when every one is inside a scalar value or
 * a comment. `helm template` output carries templates as data (an Alertmanager or Prometheus config in a ConfigMap):
 * that is a manifest like any other. A directive in the structure opens a flow mapping (`{{ … }}` read as YAML is
 * `{ { … } }`), or breaks the YAML altogether: that file is a chart template.
 */
function structuralTemplate(text: string): number | undefined {
  const markers: number[] = [];
  for (const m of text.matchAll(new RegExp(TEMPLATE_MARKER.source, 'g'))) markers.push(m.index!);
  const actions: number[] = [];
  for (const m of text.matchAll(new RegExp(TEMPLATE_ACTION.source, 'gm'))) actions.push(m.index! + m[0].length - 2);
  if (!markers.length && !actions.length) return undefined;
  const docs = parseDocuments(text, { ...PARSE_OPTIONS, uniqueKeys: false });
  const errors = docs.flatMap((d) => d.errors);
  if (errors.length) {
    if (markers.length) return markers[0];
    // Another action is a template only where it breaks its own line.
    const starts = lineStartsOf(text);
    const line = (offset: number) => lineOf(starts, offset);
    const broken = new Set(errors.map((e) => line(e.pos[0])));
    const hit = actions.find((a) => broken.has(line(a)));
    if (hit !== undefined) return hit;
  }
  markers.push(...actions);
  const flowMaps = new Set<number>();
  const stack: unknown[] = docs.map((d) => d.contents);
  while (stack.length) {
    const node = stack.pop();
    if (isMap(node)) {
      if (node.flow && node.range) flowMaps.add(node.range[0]);
      for (const p of node.items) stack.push(p.key, p.value);
    } else if (isSeq(node)) for (const item of node.items) stack.push(item);
    else if (isPair(node)) stack.push(node.key, node.value);
  }
  return markers.find((m) => flowMaps.has(m) || flowMaps.has(m + 1));
}

function countLines(text: string): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  // A trailing newline does not start a new line an editor would show.
  return text.endsWith('\n') ? n - 1 || 1 : n;
}

export interface ParseInput {
  /** Display path. */
  path: string;
  absPath?: string;
  text: string;
  /** `false` skips the fast pass (fast.ts) and decodes with the yaml library only; for tests and comparisons. */
  fast?: boolean;
}

/**
 * Every document of `text` decoded by the yaml library alone, as the loader's yaml path decodes it; undefined when a
 * document has an error. The reference the fast pass is tested against.
 */
export function yamlValues(text: string): unknown[] | undefined {
  const docs = parseDocuments(text, PARSE_OPTIONS);
  if (!Array.isArray(docs)) return undefined;
  if (docs.some((d) => d.errors.length)) return undefined;
  return docs.map((d) => d.toJS(TO_JS));
}

/** Parse a file's text into a SourceFile. Never throws on bad input. */
export function parseSource(input: ParseInput): SourceFile {
  let original = input.text;
  if (original.charCodeAt(0) === 0xfeff) original = original.slice(1);
  // Lone carriage returns are line breaks (to YAML 1.1, kubectl's decoder and editors alike), but not to the yaml
  // library: it reads a copy where each is a line feed. Same length, so every offset and column is the same.
  const text = original.includes('\r') ? original.replace(/\r(?!\n)/g, '\n') : original;
  let lc = new LineCounter();
  const problems: LoadProblem[] = [];
  const manifests: Manifest[] = [];
  let docs: Document[] = [];
  /** False while the file was decoded by the fast pass only: the node tree is built on the first `locate`. */
  let haveNodes = true;

  const file: SourceFile = {
    path: input.path,
    absPath: input.absPath,
    text: original,
    manifests,
    problems,
    lineCount: countLines(text),
    locate(docIndex: number, path: Path, at) {
      if (!haveNodes) {
        // Positions come from the yaml library's node tree, built only for the documents with something to point at.
        const one = starts && documentAlone(docIndex);
        if (one) return locateInDocument(one.doc, one.lc, path, at, text.slice(one.start));
        haveNodes = true;
        lc = new LineCounter();
        docs = parseDocuments(text, PARSE_OPTIONS);
        fillLineCounter(lc, text);
        if (!Array.isArray(docs)) docs = [];
      }
      const doc = docs[docIndex];
      if (!doc) return emptyRange();
      return locateInDocument(doc, lc, path, at, text);
    },
  };

  const toRange = (start: number, end: number): Range => rangeOf(lc, start, end, text);

  /** Fast-pass files: where each document starts (see documentStarts), and the documents parsed on their own so far. */
  let starts: number[] | undefined;
  const alone = new Map<number, { doc: Document; lc: LineCounter; start: number } | undefined>();
  let lineStarts: number[] | undefined;
  /**
   * Document `docIndex` parsed by itself from its slice of the text, with a line counter that gives positions in the
   * whole text (line starts shifted by the slice's offset; linePos is a binary search, so shifting every start and
   * every offset alike gives the same lines and columns). Undefined when the slice does not parse as exactly one
   * document without errors: the caller then parses the whole file.
   */
  function documentAlone(docIndex: number): { doc: Document; lc: LineCounter; start: number } | undefined {
    if (alone.has(docIndex)) return alone.get(docIndex);
    let found: { doc: Document; lc: LineCounter; start: number } | undefined;
    const start = starts![docIndex];
    if (start !== undefined) {
      const end = starts![docIndex + 1] ?? text.length;
      // The fast pass gave up on any repeated key, so the duplicate-key check has nothing to find here.
      const parsed = parseDocuments(text.slice(start, end), { ...PARSE_OPTIONS, uniqueKeys: false });
      if (Array.isArray(parsed) && parsed.length === 1 && !parsed[0]!.errors.length) {
        if (!lineStarts) {
          lineStarts = [0];
          for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lineStarts.push(i + 1);
        }
        const shifted = new LineCounter();
        shifted.lineStarts = start ? lineStarts.map((s) => s - start) : lineStarts;
        found = { doc: parsed[0]!, lc: shifted, start };
      }
    }
    alone.set(docIndex, found);
    return found;
  }

  const idx = TEMPLATE_MARKER.test(text) || TEMPLATE_ACTION.test(text) ? structuralTemplate(text) : undefined;
  if (idx !== undefined) {
    // Positions need the line table even though nothing is parsed.
    fillLineCounter(lc, text);
    const end = text.indexOf('\n', idx);
    problems.push({
      ruleId: 'unrendered-template',
      message:
        'This file contains Go template directives ({{ … }}) and is a chart template, not a manifest; it was not linted. Render it first, e.g. `helm template RELEASE CHART | daemonlint -`.',
      range: toRange(idx, end === -1 ? text.length : end),
    });
    return file;
  }

  if (isJsonInput(input.path, text)) {
    // kubectl reads this as JSON (json.ts): strict, positions from the decoder; the node tree of each value is
    // parsed on its own when a finding needs a position.
    fillLineCounter(lc, text);
    const decoded = decodeJson(text);
    if ('error' in decoded) {
      problems.push({
        ruleId: 'yaml-syntax',
        message: `Invalid JSON: ${decoded.error}. kubectl reads input that starts with "{" as strict JSON (and daemonlint every .json file), so nothing in this file is applied.`,
        range: toRange(decoded.start, decoded.end),
      });
      return file;
    }
    for (const d of decoded.duplicates)
      problems.push({
        ruleId: 'yaml-syntax',
        message: `Duplicate key ${JSON.stringify(d.key)}: the same key appears twice in one object; kubectl rejects the object and, at best, one value silently wins. Keep one.`,
        range: toRange(d.start, d.end),
      });
    haveNodes = false;
    starts = decoded.spans.map((span) => span[0]);
    decoded.values.forEach((value, docIndex) => {
      if (isObjectLike(value)) addObject(value, [], docIndex);
    });
    return file;
  }

  // Fast pass: most files decode exactly without the yaml library's node tree (see fast.ts).
  const fast = input.fast === false ? undefined : fastDocuments(text);
  if (fast) {
    haveNodes = false;
    starts = documentStarts(text, fast.length);
    fast.forEach((value, docIndex) => {
      if (isObjectLike(value)) addObject(value, [], docIndex);
    });
    return file;
  }

  let parsed: Document[];
  try {
    // Line starts from the text itself: the parser misses line breaks inside some broken tokens (a stray U+FEFF).
    parsed = parseDocuments(text, PARSE_OPTIONS);
    fillLineCounter(lc, text);
  } catch (err) {
    problems.push({ ruleId: 'yaml-syntax', message: `The file could not be parsed as YAML: ${firstLine(String((err as Error).message ?? err))}`, range: emptyRange() });
    return file;
  }
  if (!Array.isArray(parsed)) parsed = [];

  let textLines: number[] | undefined;
  parsed.forEach((doc, docIndex) => {
    docs.push(doc);
    if (doc.errors.length) {
      // One problem per cause (syntax-errors.ts).
      for (const p of syntaxProblems(doc.errors, text, (textLines ??= lineStartsOf(text))))
        problems.push({ ruleId: 'yaml-syntax', message: p.message, range: toRange(p.start, p.end) });
      if (doc.errors.some((err) => err.code !== 'DUPLICATE_KEY')) return;
    }
    let value: unknown;
    try {
      value = doc.toJS(TO_JS);
    } catch (err) {
      const msg = String((err as Error).message ?? err);
      const start = doc.range?.[0] ?? 0;
      problems.push({
        ruleId: 'yaml-syntax',
        message: /excessive alias/i.test(msg)
          ? `The document expands aliases more than ${MAX_ALIAS_COUNT} times (an alias bomb?); it was not linted. Write the repeated values out or use fewer aliases.`
          : `The document could not be decoded: ${firstLine(msg)}.`,
        range: toRange(start, start),
      });
      return;
    }
    if (!isObjectLike(value)) return;
    addObject(value, [], docIndex);
  });

  function addObject(obj: Record<string, any>, base: Path, docIndex: number): void {
    const ref = refOf(obj);
    if (!ref) return; // Not a Kubernetes object (CI workflow, Helm values, kustomization …): skipped silently.
    const isList = (ref.kind === 'List' || ref.kind.endsWith('List')) && Array.isArray(obj.items);
    if (isList) {
      obj.items.forEach((item: unknown, i: number) => {
        if (isObjectLike(item)) addObject(item, [...base, 'items', i], docIndex);
      });
      return;
    }
    manifests.push({
      file,
      docIndex,
      base,
      object: obj,
      ref,
      namespace: ref.namespace && ref.namespace !== '' ? ref.namespace : 'default',
    });
  }

  return file;
}
