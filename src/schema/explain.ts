/**
 * Explains why an object fails its strict Kubernetes schema, one issue per root cause, in words a
 * person can act on: where a misplaced field belongs, which field name was probably meant, which
 * YAML value needs quotes. Only called for objects the compiled validator already rejected.
 *
 * The walker understands exactly the schema subset scripts/gen-schemas.mjs emits ($ref, type,
 * properties, additionalProperties, required, items, pattern, minimum, maximum), with ajv's semantics,
 * so it finds at least one issue whenever the compiled validator fails.
 */
import { touchesPrivileges } from '../k8s/privileges.js';
import { isRecord } from '../k8s/workloads.js';
import { formatPath } from '../load/positions.js';
import { editDistance } from '../util/suggest.js';
import type { Anchor, Fix, Path, PathSegment } from '../types.js';
import type { JsonSchemaDocument, SchemaNode } from '../../schemas/k8s/1.35/types.js';

export type { JsonSchemaDocument, SchemaNode };

export interface SchemaIssue {
  kind: 'unknown-field' | 'type' | 'required' | 'format' | 'range';
  /** Path of the node the finding belongs on, relative to the object root. */
  path: Path;
  at: Anchor;
  message: string;
  fix?: Fix;
}

export interface ExplainInput {
  schema: JsonSchemaDocument;
  /** OpenAPI definition name of the object's kind, e.g. `io.k8s.api.apps.v1.DaemonSet`. */
  definition: string;
  /** The object's kind, e.g. `DaemonSet`. */
  kind: string;
  object: unknown;
  /** The source text of a scalar value at a path, when known (to tell `yes` from `true`). */
  sourceText?: (path: Path) => string | undefined;
}

/** A schema node with its `$ref`s followed, and the name of the nearest named definition. */
interface Resolved {
  node: SchemaNode;
  title?: string;
}

/** An object the walker entered, innermost last. */
interface Frame {
  path: Path;
  resolved: Resolved;
  value: Record<string, unknown>;
}

interface UnknownField {
  frames: Frame[];
  key: string;
  value: unknown;
}

interface Candidate {
  dest: PathSegment[];
  score: number;
  node: Resolved;
  /** False when the destination crosses a list whose element cannot be chosen. */
  certain: boolean;
}

/** Placeholder index for "each element of this list" in a destination path. */
const ANY_INDEX = -1;

const TYPE_WORDS: Record<string, string> = {
  integer: 'an integer',
  number: 'a number',
  string: 'a string',
  boolean: 'a boolean (true or false)',
  array: 'a list',
  object: 'a mapping',
  null: 'null',
};

const FOUND_WORDS: Record<string, string> = {
  integer: 'a number',
  number: 'a number',
  string: 'a string',
  boolean: 'a boolean',
  array: 'a list',
  object: 'a mapping',
  null: 'null',
};

/** Unquoted scalars a YAML 1.1 decoder (kubectl's) turns into booleans. */
const YAML11_BOOL = /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF)$/;

export function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

/** ajv's type test for one JSON type. */
function hasType(t: string, v: unknown): boolean {
  switch (t) {
    case 'null':
      return v === null;
    case 'boolean':
      return typeof v === 'boolean';
    case 'string':
      return typeof v === 'string';
    case 'number':
      return typeof v === 'number' && Number.isFinite(v);
    case 'integer':
      return typeof v === 'number' && !(v % 1) && !Number.isNaN(v) && Number.isFinite(v);
    case 'array':
      return Array.isArray(v);
    case 'object':
      return typeof v === 'object' && v !== null && !Array.isArray(v);
    default:
      return false;
  }
}

/** Show a path in a message; `[*]` stands for "each element". */
export function showPath(path: Path): string {
  return formatPath(path).replace(/\[-1\]/g, '[*]');
}

function code(s: string): string {
  return '`' + s + '`';
}

/** Field names of `names` that `key` is probably a misspelling of (closest first, ties kept). */
export function nearMisses(key: string, names: readonly string[]): string[] {
  const lower = key.toLowerCase();
  const limit = key.length <= 4 ? 1 : key.length <= 8 ? 2 : 3;
  let best = Infinity;
  let out: string[] = [];
  for (const name of names) {
    if (name === key) continue;
    // A difference only in case is the nearest miss there is.
    const dist = name.toLowerCase() === lower ? 0 : editDistance(lower, name.toLowerCase());
    if (dist > limit) continue;
    if (dist < best) {
      best = dist;
      out = [name];
    } else if (dist === best) out.push(name);
  }
  if (out.length || key.length < 4) return out;
  // A shortened name: `strategy` for `updateStrategy`, `port` for `containerPort`/`hostPort`.
  const suffixed = names.filter((n) => n.length > key.length && n.toLowerCase().endsWith(lower));
  return suffixed.length <= 2 ? suffixed : [];
}

export class Explainer {
  private readonly defs: Record<string, SchemaNode>;
  private readonly issues: SchemaIssue[] = [];
  private readonly unknown: UnknownField[] = [];
  private readonly missing: { frame: Frame; field: string }[] = [];

  constructor(private readonly input: ExplainInput) {
    this.defs = input.schema.definitions;
  }

  resolve(node: SchemaNode, title?: string): Resolved {
    let n = node;
    let t = n.title ?? title;
    for (let guard = 0; n.$ref && guard < 32; guard++) {
      const name = n.$ref.slice(n.$ref.lastIndexOf('/') + 1);
      const target = this.defs[name];
      if (!target) break;
      n = target;
      t = target.title ?? t;
    }
    return { node: n, title: n === node ? node.title : t };
  }

  run(): SchemaIssue[] {
    const root = this.defs[this.input.definition];
    if (!root) return [];
    this.visit(this.input.object, this.resolve(root), [], []);
    for (const u of this.unknown) this.explainUnknown(u);
    this.explainMissing();
    return this.issues;
  }

  private where(path: Path, title?: string): string {
    if (path.length === 0) return `the ${this.input.kind} object`;
    return title ? `${code(showPath(path))} (${title})` : code(showPath(path));
  }

  private visit(value: unknown, r: Resolved, path: Path, frames: Frame[]): void {
    const node = r.node;
    if (node.type && !node.type.some((t) => hasType(t, value))) {
      this.typeIssue(value, r, path);
      return;
    }
    if (value === null) return;
    if (typeof value === 'string' && node.pattern !== undefined && !new RegExp(node.pattern, 'u').test(value)) {
      this.patternIssue(value, r, path);
    }
    if (typeof value === 'number' && ((node.minimum !== undefined && value < node.minimum) || (node.maximum !== undefined && value > node.maximum))) {
      this.issues.push({
        kind: 'range',
        path,
        at: 'value',
        message:
          node.maximum === 65535
            ? `${code(showPath(path))} is ${value}, not a port number: the API server accepts ${node.minimum} to 65535${node.minimum === 0 ? ' (0: not set)' : ''}.`
            : `${code(showPath(path))} is ${value}, outside the range of a 32-bit integer (${node.minimum} to ${node.maximum}).`,
      });
    }
    if (Array.isArray(value)) {
      if (node.items) {
        const items = this.resolve(node.items);
        value.forEach((item, i) => this.visit(item, items, [...path, i], frames));
      }
      return;
    }
    if (!isRecord(value)) return;
    const frame: Frame = { path, resolved: r, value };
    const inner = [...frames, frame];
    const props = node.properties ?? {};
    for (const key of Object.keys(value)) {
      const child = value[key];
      if (child === undefined) continue;
      if (Object.hasOwn(props, key)) this.visit(child, this.resolve(props[key]!), [...path, key], inner);
      else if (node.additionalProperties === false) this.unknown.push({ frames: inner, key, value: child });
      else if (node.additionalProperties) this.visit(child, this.resolve(node.additionalProperties), [...path, key], inner);
    }
    // `field: null` is the same as leaving the field out (Kubernetes decodes null as unset).
    for (const field of node.required ?? []) if (value[field] === undefined || value[field] === null) this.missing.push({ frame, field });
  }

  // ---------------------------------------------------------------- types and formats

  private expected(r: Resolved): string {
    const types = (r.node.type ?? []).filter((t) => t !== 'null');
    if (types.includes('integer') && types.includes('string')) return 'an integer or a string';
    if (types.includes('number') && types.includes('string')) return 'a number or a string';
    const words = types.map((t) => TYPE_WORDS[t] ?? t);
    let text = words.join(' or ');
    if (types.length === 1 && types[0] === 'array' && r.node.items) {
      const item = this.resolve(r.node.items);
      const itemTypes = (item.node.type ?? []).filter((t) => t !== 'null');
      if (item.title && item.node.properties) text = `a list of ${item.title} mappings`;
      else if (itemTypes.length === 1) text = `a list of ${itemTypes[0]}s`;
    } else if (types.length === 1 && types[0] === 'object' && r.title) text = `a mapping (${r.title})`;
    return text;
  }

  private typeIssue(value: unknown, r: Resolved, path: Path): void {
    const found = jsonType(value);
    const types = r.node.type ?? [];
    const where = path.length ? code(showPath(path)) : `The ${this.input.kind} object`;
    let message = `${where} must be ${this.expected(r)}, but it is ${FOUND_WORDS[found] ?? found}`;
    const raw = this.input.sourceText?.(path)?.trim();
    if (types.includes('string') && (found === 'boolean' || found === 'integer' || found === 'number')) {
      const text = raw && !/^["']/.test(raw) ? raw : String(value);
      if (found === 'boolean' && YAML11_BOOL.test(text)) {
        message = `${where} must be a string, but YAML 1.1 (which kubectl uses) reads the unquoted ${code(text)} as the boolean ${String(value)}. Quote the value: ${code(JSON.stringify(text))}.`;
      } else {
        message += ` (${code(text)}). Quote the value to keep it text: ${code(JSON.stringify(text))}.`;
      }
    } else if ((types.includes('integer') || types.includes('number')) && found === 'string' && /^[+-]?\d+(\.\d+)?$/.test(String(value))) {
      message += ` (${code(JSON.stringify(value))}). Remove the quotes.`;
    } else if (types.includes('boolean') && found === 'string') {
      const v = String(value);
      message += /^(?:true|false)$/i.test(v)
        ? ` (${code(JSON.stringify(v))}). Remove the quotes.`
        : ` (${code(JSON.stringify(v))}). Use true or false, unquoted.`;
    } else if (types.includes('array') && found === 'object') {
      message += '. Write each entry as a list item starting with `- `.';
    } else if (types.includes('array') && (found === 'string' || found === 'integer' || found === 'number' || found === 'boolean')) {
      message += '. Write it as a list, one `- ` item per entry.';
    } else {
      message += '.';
    }
    // A block mapping or list starts on the line after its key: point from the key through the value.
    this.issues.push({ kind: 'type', path, at: found === 'object' || found === 'array' ? 'node' : 'value', message });
  }

  private patternIssue(value: string, r: Resolved, path: Path): void {
    const shown = value.length > 40 ? value.slice(0, 37) + '…' : value;
    const message =
      r.title === 'Quantity'
        ? `${code(showPath(path))} is not a valid Kubernetes quantity: ${code(shown)}. Use a number with an optional suffix, such as \`500m\`, \`2\`, \`128Mi\` or \`1Gi\` (\`MB\`/\`GB\` are not suffixes; use \`M\`/\`G\` or \`Mi\`/\`Gi\`).`
        : `${code(showPath(path))} must be base64-encoded, but ${code(shown)} is not base64. Encode the value, or put the plain text under \`stringData\`.`;
    this.issues.push({ kind: 'format', path, at: 'value', message });
  }

  // ---------------------------------------------------------------- unknown fields

  /** Does `value` fit the schema node well enough to be what the user meant to write there? */
  private fits(value: unknown, r: Resolved): boolean {
    const types = r.node.type;
    if (value !== null && types && !types.some((t) => hasType(t, value))) return false;
    if (isRecord(value) && r.node.properties && r.node.additionalProperties === false) {
      const keys = Object.keys(value);
      if (keys.length === 0) return true;
      const known = keys.filter((k) => Object.hasOwn(r.node.properties!, k)).length;
      return known * 2 >= keys.length;
    }
    if (Array.isArray(value) && value.length && r.node.items) {
      const item = this.resolve(r.node.items);
      return this.fits(value[0], item);
    }
    return true;
  }

  /** Places near the unknown field where a field of that name exists and its value fits. */
  private candidates(u: UnknownField): Candidate[] {
    const source = [...u.frames[u.frames.length - 1]!.path, u.key];
    const found = new Map<string, Candidate>();
    const consider = (c: Candidate) => {
      // Never "move" a field to its own position or inside itself.
      if (c.dest.length <= source.length && c.dest.every((s, i) => s === source[i])) return;
      const id = JSON.stringify(c.dest);
      const prev = found.get(id);
      if (!prev || prev.score > c.score) found.set(id, c);
    };
    const maxUp = Math.min(2, u.frames.length - 1);
    for (let up = 0; up <= maxUp; up++) {
      const start = u.frames[u.frames.length - 1 - up]!;
      const maxDepth = up === 0 ? 3 : 2;
      // Breadth-first over object-typed fields below `start`.
      type Item = { r: Resolved; path: PathSegment[]; value: unknown; depth: number; certain: boolean; penalty: number };
      const queue: Item[] = [{ r: start.resolved, path: [...start.path], value: start.value, depth: 0, certain: true, penalty: 0 }];
      const seen = new Set<SchemaNode>();
      while (queue.length) {
        const it = queue.shift()!;
        const props = it.r.node.properties;
        if (!props) continue;
        if (!(up === 0 && it.depth === 0) && Object.hasOwn(props, u.key)) {
          const target = this.resolve(props[u.key]!);
          if (this.fits(u.value, target)) {
            consider({ dest: [...it.path, u.key], score: up + it.depth + it.penalty, node: target, certain: it.certain });
          }
        }
        if (it.depth >= maxDepth || seen.has(it.r.node)) continue;
        seen.add(it.r.node);
        for (const [name, child] of Object.entries(props)) {
          let r = this.resolve(child);
          let path = [...it.path, name];
          let certain = it.certain;
          const present = isRecord(it.value) ? it.value[name] : undefined;
          let value: unknown = present;
          if (r.node.type?.includes('array') && r.node.items) {
            r = this.resolve(r.node.items);
            if (Array.isArray(present) && present.length === 1) {
              path = [...path, 0];
              value = present[0];
            } else {
              path = [...path, ANY_INDEX];
              value = undefined;
              certain = false;
            }
          }
          if (!r.node.type?.includes('object') || !r.node.properties) continue;
          // Leaving the branch the field came from is fine; walking a missing branch costs a little.
          const penalty = it.penalty + (present === undefined ? 0.5 : 0);
          queue.push({ r, path, value, depth: it.depth + 1, certain, penalty });
        }
      }
    }
    return [...found.values()].sort((a, b) => a.score - b.score || a.dest.length - b.dest.length);
  }

  private existsAt(path: Path): boolean {
    let cur: unknown = this.input.object;
    for (const seg of path) {
      if (typeof seg === 'number') {
        if (!Array.isArray(cur) || seg < 0 || seg >= cur.length) return false;
        cur = cur[seg];
      } else {
        if (!isRecord(cur) || cur[seg] === undefined) return false;
        cur = cur[seg];
      }
    }
    return true;
  }

  /** Destinations (paths) that explain a missing required field away, with the field's container. */
  private readonly covered: PathSegment[][] = [];

  private explainUnknown(u: UnknownField): void {
    const frame = u.frames[u.frames.length - 1]!;
    const path = [...frame.path, u.key];
    const head = `${code(u.key)} is not a field of ${this.where(frame.path, frame.resolved.title)}`;
    const kind = this.input.kind;

    if (kind === 'DaemonSet' && u.key === 'replicas' && frame.resolved.title === 'DaemonSetSpec') {
      this.issues.push({
        kind: 'unknown-field',
        path,
        at: 'key',
        message: `${head}: a DaemonSet runs one Pod on every eligible node, so it has no replica count. Remove \`replicas\`; choose the nodes with a nodeSelector, affinity or tolerations instead (or use a Deployment for a fixed number of Pods).`,
        fix: { description: 'Remove replicas from the DaemonSet', edits: [{ op: 'delete', path }] },
      });
      return;
    }

    if (frame.resolved.title === 'ResourceRequirements' && (isRecord(u.value) ? false : u.value !== null)) {
      this.issues.push({
        kind: 'unknown-field',
        path,
        at: 'key',
        message: `${head}: resource amounts go under \`requests\` (what the scheduler reserves for the container) or \`limits\` (the most it may use), e.g. \`requests: {${u.key}: …}\`.`,
      });
      return;
    }

    const all = this.candidates(u);
    const best = all.length ? all[0]!.score : Infinity;
    const top = all.filter((c) => c.score === best);
    const typos = nearMisses(u.key, Object.keys(frame.resolved.node.properties ?? {}));

    if (top.length && (best <= 2 || typos.length === 0) && best <= 3.5) {
      for (const c of top) this.covered.push(c.dest);
      const dests = top.map((c) => code(showPath(c.dest)));
      const one = top.length === 1 ? top[0]! : undefined;
      const podSpec =
        one && u.key === 'spec' && one.node.title === 'PodSpec' && one.dest.length === path.length + 1 && one.dest[path.length - 1] === 'template';
      let message: string;
      if (podSpec) {
        message = `${head}: the Pod spec is indented one level too shallow. It belongs at ${dests[0]}, under \`template:\` next to the template's \`metadata\`.`;
      } else if (one) {
        message = `${head}; it belongs in ${dests[0]}.`;
      } else {
        message = `${head}; it belongs in one of ${dests.slice(0, 3).join(', ')}.`;
      }
      let fix: Fix | undefined;
      if (one && one.certain) {
        if (this.existsAt(one.dest)) message += ` (${dests[0]} is already set: merge the two.)`;
        else fix = privilegeAware({ description: `Move ${u.key} to ${showPath(one.dest)}`, edits: [{ op: 'move', from: path, to: one.dest }] }, u.key, u.value);
      }
      this.issues.push({ kind: 'unknown-field', path, at: 'key', message, fix });
      return;
    }

    if (typos.length) {
      for (const t of typos) this.covered.push([...frame.path, t]);
      const names = typos.map(code);
      let message = `${head}; did you mean ${names.length === 1 ? names[0] : `one of ${names.join(', ')}`}?`;
      let fix: Fix | undefined;
      if (typos.length === 1) {
        const to = [...frame.path, typos[0]!];
        const target = this.resolve(frame.resolved.node.properties![typos[0]!]!);
        if (this.existsAt(to)) message += ` (${code(typos[0]!)} is also set: keep one.)`;
        else if (this.fits(u.value, target)) fix = privilegeAware({ description: `Rename ${u.key} to ${typos[0]}`, edits: [{ op: 'move', from: path, to }] }, typos[0]!, u.value);
      }
      this.issues.push({ kind: 'unknown-field', path, at: 'key', message, fix });
      return;
    }

    const fields = Object.keys(frame.resolved.node.properties ?? {});
    const list = fields.length <= 12 ? ` Its fields are: ${fields.map(code).join(', ')}.` : '';
    this.issues.push({
      kind: 'unknown-field',
      path,
      at: 'key',
      message: `${head}, and kubectl rejects unknown fields (strict field validation). Remove it or move it where it belongs.${list}`,
    });
  }

  // ---------------------------------------------------------------- required fields

  private explainMissing(): void {
    // One finding per object that lacks fields, naming all of them.
    const byFrame = new Map<Frame, string[]>();
    for (const { frame, field } of this.missing) {
      const target = [...frame.path, field];
      // A misplaced or misspelt field that belongs here is the same mistake: already reported.
      const explained = this.covered.some((dest) => dest.length >= target.length && target.every((s, i) => s === dest[i] || dest[i] === ANY_INDEX));
      if (explained) continue;
      byFrame.set(frame, [...(byFrame.get(frame) ?? []), field]);
    }
    for (const [frame, fields] of byFrame) {
      const where = frame.path.length ? this.where(frame.path, frame.resolved.title) : `The ${this.input.kind} object`;
      const names = fields.map(code);
      const list = names.length === 1 ? `the required field ${names[0]}` : `the required fields ${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
      let message = `${where} is missing ${list}.`;
      const nulls = fields.filter((f) => (frame.value as Record<string, unknown>)[f] === null);
      if (nulls.length) message += ` (\`${nulls[0]}: null\` is the same as leaving it out.)`;
      if (fields.includes('selector') && /^(?:DaemonSet|Deployment|ReplicaSet|StatefulSet)Spec$/.test(frame.resolved.title ?? '')) {
        message += ` apps/v1 has no default selector: add \`selector.matchLabels\` with labels of the Pod template.`;
      }
      this.issues.push({ kind: 'required', path: frame.path, at: 'key', message });
    }
  }
}

/** Explain every problem of an object that failed its schema. */
export function explain(input: ExplainInput): SchemaIssue[] {
  return new Explainer(input).run();
}

/**
 * A move or rename that makes a field take effect is safe to apply unless the field changes what the Pod may do
 * (`hostnetwork: true` renamed to `hostNetwork: true` switches host networking on): then it is offered in editors,
 * never applied by --fix.
 */
function privilegeAware(fix: Fix, key: string, value: unknown): Fix {
  return touchesPrivileges(key, value) ? { ...fix, safe: false, description: `${fix.description} (it changes what the Pod may do: review it)` } : fix;
}
