/**
 * Turns the text of one file into Kubernetes objects with a position map.
 * YAML is decoded with YAML 1.1 scalar rules, the way kubectl decodes manifests
 * (unquoted yes/no/on/off are booleans; timestamps stay strings).
 */
import { isMap, isPair, isSeq, type Document } from 'yaml';
import type { LoadProblem, Manifest, ObjectRef, Path, Range, SourceFile } from '../types.js';
import { fastDecode } from './fast.js';
import { decodeJson, isJsonInput } from './json.js';
import { parseDocuments } from './limits.js';
import { TextModel } from './text.js';
import { MAX_ALIAS_COUNT, PARSE_OPTIONS, TO_JS } from './yaml-options.js';
import { syntaxProblems } from './syntax-errors.js';

export { MAX_ALIAS_COUNT, PARSE_OPTIONS } from './yaml-options.js';

/** Lines that only make sense in an unrendered Helm/Go template. */
const TEMPLATE_MARKER = /\{\{-?\s*(?:if|else|end|range|with|define|include|template|toYaml|tpl|\.Values|\.Release|\.Chart|\.Capabilities|\$\.Values|-?\s*\/\*)\b/;
/**
 * Any other Go template action where YAML expects a key, an item or a value (`  {{ $labels }}`, `key: {{ .x }}`): a
 * chart template only when it breaks the YAML on its line or opens a flow mapping (see structuralTemplate).
 */
const TEMPLATE_ACTION = /(?:^[ \t]*(?:-[ \t]+)?|:[ \t]+)(\{\{)/m;

/** Jinja (Salt, Ansible) tags: a statement or comment tag, or an expression over Salt's pillar, grains or salt. */
const JINJA_MARKER = /\{%-?\s*(?:if|for|set|macro|import|from|include|raw|block|extends|with|filter|call|endif|endfor|else|elif)\b|\{#-?\s|\{\{-?\s*(?:pillar|grains|salt|opts)\b/;

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
    const lines = new TextModel(text);
    const line = (offset: number) => lines.lineOf(offset);
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
  const problems: LoadProblem[] = [];
  const manifests: Manifest[] = [];
  // Replaced by a model that knows where each document starts when the fast pass or the JSON decoder decodes the file.
  let model = new TextModel(original);
  // Lone carriage returns are line breaks (to YAML 1.1, kubectl's decoder and editors alike), but not to the yaml
  // library: it reads a copy where each is a line feed. Same length, so every offset and column is the same.
  const text = model.parseText;
  let lineCount: number | undefined;

  const file: SourceFile = {
    path: input.path,
    absPath: input.absPath,
    text: original,
    manifests,
    problems,
    get model() {
      return model;
    },
    get lineCount() {
      return lineCount ?? model.lineCount;
    },
    set lineCount(n: number) {
      lineCount = n;
    },
    locate(docIndex: number, path: Path, at) {
      // Positions are worked out only for the documents with something to point at (text.ts).
      return model.locate(docIndex, path, at);
    },
  };

  const toRange = (start: number, end: number): Range => model.rangeOf(start, end);

  // Go template directives count where they break the YAML or sit where a value is (see structuralTemplate); Jinja
  // tags (Salt, Ansible) in a file without Go directives always do.
  // (`{{ … }}` alone is both languages' syntax: Jinja when only Jinja's own tags or variables are there.)
  const jinja = !TEMPLATE_MARKER.test(text) && JINJA_MARKER.test(text);
  const idx = jinja ? text.search(JINJA_MARKER) : TEMPLATE_MARKER.test(text) || TEMPLATE_ACTION.test(text) ? structuralTemplate(text) : undefined;
  if (idx !== undefined) {
    const end = text.indexOf('\n', idx);
    problems.push({
      ruleId: 'unrendered-template',
      message: jinja
        ? 'This file contains Jinja template tags ({% … %}, {{ pillar… }}), as Salt or Ansible render them, and is a template, not a manifest; it was not linted. Render it first and lint the output.'
        : 'This file contains Go template directives ({{ … }}) and is a chart template, not a manifest; it was not linted. Render it first, e.g. `helm template RELEASE CHART | daemonlint -`.',
      range: toRange(idx, end === -1 ? text.length : end),
    });
    return file;
  }

  if (isJsonInput(input.path, text)) {
    // kubectl reads this as JSON (json.ts): strict, positions from the decoder; the node tree of each value is
    // parsed on its own when a finding needs a position.
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
    model = new TextModel(original, decoded.spans.map((span) => span[0]), { json: true });
    decoded.values.forEach((value, docIndex) => {
      if (isObjectLike(value)) addObject(value, [], docIndex);
    });
    return file;
  }

  // Fast pass: most files decode exactly without the yaml library's node tree (see fast.ts).
  const fast = input.fast === false ? undefined : fastDecode(text);
  if (fast) {
    model = new TextModel(original, fast.starts);
    fast.values.forEach((value, docIndex) => {
      if (isObjectLike(value)) addObject(value, [], docIndex);
    });
    return file;
  }

  let parsed: Document[];
  try {
    // Line starts from the text itself (the model's): the parser misses line breaks inside some broken tokens (a stray
    // U+FEFF).
    parsed = model.documents();
  } catch (err) {
    problems.push({ ruleId: 'yaml-syntax', message: `The file could not be parsed as YAML: ${firstLine(String((err as Error).message ?? err))}`, range: emptyRange() });
    return file;
  }
  if (!Array.isArray(parsed)) parsed = [];

  parsed.forEach((doc, docIndex) => {
    if (doc.errors.length) {
      // One problem per cause (syntax-errors.ts).
      for (const p of syntaxProblems(doc.errors, text, (offset) => model.lineOf(offset)))
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
