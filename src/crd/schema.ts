/**
 * Turns a CRD version's `openAPIV3Schema` (a structural schema) into what daemonlint validates a custom resource with:
 *
 * - a JSON schema (draft-07) that ajv compiles: types, the value validations (enum, pattern, lengths, bounds,
 *   item and property counts, allOf/anyOf/oneOf/not) and, where the API server would prune a field, a ban on it
 *   (`additionalProperties: false`), since kubectl's strict field validation rejects pruned fields as unknown;
 * - the same tree reduced to its shape (types, properties, required, items), which the schema explainer
 *   (src/schema/explain.ts) walks to say where a misplaced or misspelt field belongs.
 *
 * Kubernetes semantics kept: `x-kubernetes-int-or-string` (an integer or a string), `x-kubernetes-preserve-unknown-fields`
 * (nothing pruned below that node), `x-kubernetes-embedded-resource` (apiVersion, kind and metadata of a whole object),
 * `nullable`, and the implicit `apiVersion`, `kind` and `metadata` of the root. Not validated: `format` (kube-openapi's
 * format list differs from JSON Schema's), `default`, list types, and `x-kubernetes-validations` (CEL; see ./cel.ts).
 * Patterns are RE2 patterns, evaluated with RE2 (./regex.ts).
 */
import type { JsonSchemaDocument, SchemaNode } from '../schema/explain.js';
import { isRecord } from '../k8s/workloads.js';
import { isRe2Pattern } from './regex.js';

type Json = Record<string, unknown>;

/** ObjectMeta's fields, as every object's `metadata` has them (the API server checks metadata itself). */
const OBJECT_META_FIELDS: Readonly<Record<string, string[]>> = {
  annotations: ['object'],
  creationTimestamp: ['string'],
  deletionGracePeriodSeconds: ['integer'],
  deletionTimestamp: ['string'],
  finalizers: ['array'],
  generateName: ['string'],
  generation: ['integer'],
  labels: ['object'],
  managedFields: ['array'],
  name: ['string'],
  namespace: ['string'],
  ownerReferences: ['array'],
  resourceVersion: ['string'],
  selfLink: ['string'],
  uid: ['string'],
};

const STRING_MAP = { type: ['object', 'null'], additionalProperties: { type: ['string', 'null'] } };

export interface ConvertedSchema {
  /** For ajv. */
  json: Json;
  /** For the explainer: `definitions[root]` is the object's schema. */
  shape: JsonSchemaDocument;
  root: string;
}

interface Ctx {
  /** Unknown fields are kept everywhere (a v1beta1 CRD without `preserveUnknownFields: false`). */
  keepAll: boolean;
}

const withNull = (types: string[]): string[] => (types.includes('null') ? types : [...types, 'null']);

/** The JSON types a node allows, or undefined for "anything". */
function typesOf(node: Json): string[] | undefined {
  if (node['x-kubernetes-int-or-string'] === true) return ['integer', 'string'];
  if (typeof node.type === 'string') return [node.type];
  if (node['x-kubernetes-embedded-resource'] === true) return ['object'];
  return undefined;
}

/** A `pattern` RE2 can compile (the API server uses Go's RE2; a pattern it cannot read is skipped). */
function usablePattern(p: unknown): string | undefined {
  return typeof p === 'string' && isRe2Pattern(p) ? p : undefined;
}

const NUMBER_KEYWORDS = ['minLength', 'maxLength', 'minItems', 'maxItems', 'minProperties', 'maxProperties', 'multipleOf'] as const;

/** Value validations of a node (enum, pattern, bounds …), for ajv. */
function valueKeywords(node: Json, ctx: Ctx, out: Json): void {
  if (Array.isArray(node.enum)) out.enum = node.enum;
  const pattern = usablePattern(node.pattern);
  if (pattern !== undefined) out.pattern = pattern;
  for (const k of NUMBER_KEYWORDS) if (typeof node[k] === 'number') out[k] = node[k];
  // OpenAPI 3.0 writes exclusive bounds as booleans next to minimum/maximum.
  if (typeof node.minimum === 'number') {
    if (node.exclusiveMinimum === true) out.exclusiveMinimum = node.minimum;
    else out.minimum = node.minimum;
  }
  if (typeof node.maximum === 'number') {
    if (node.exclusiveMaximum === true) out.exclusiveMaximum = node.maximum;
    else out.maximum = node.maximum;
  }
  if (node.uniqueItems === true) out.uniqueItems = true;
  for (const j of ['allOf', 'anyOf', 'oneOf'] as const) {
    const list = node[j];
    if (Array.isArray(list) && list.length) out[j] = list.map((s) => (isRecord(s) ? junctor(s, ctx) : {}));
  }
  if (isRecord(node.not)) out.not = junctor(node.not, ctx);
}

/**
 * A branch of allOf/anyOf/oneOf/not: value validations only. Structural schemas may not declare types or new fields
 * there, and a branch never prunes, so it gets no `additionalProperties: false`.
 */
function junctor(node: Json, ctx: Ctx): Json {
  const out: Json = {};
  const types = typesOf(node);
  if (types) out.type = withNull(types);
  valueKeywords(node, ctx, out);
  if (Array.isArray(node.required)) out.required = node.required.filter((r) => typeof r === 'string');
  if (isRecord(node.properties)) {
    const props: Json = {};
    for (const [k, v] of Object.entries(node.properties)) if (isRecord(v)) props[k] = junctor(v, ctx);
    out.properties = props;
  }
  if (isRecord(node.items)) out.items = junctor(node.items, ctx);
  if (isRecord(node.additionalProperties)) out.additionalProperties = junctor(node.additionalProperties, ctx);
  return out;
}

/** ObjectMeta with the schema's own restrictions (structural schemas may only restrict name and generateName). */
function metadata(node: Json | undefined, ctx: Ctx): { json: Json; shape: SchemaNode } {
  const props: Json = {};
  const shapeProps: Record<string, SchemaNode> = {};
  for (const [name, types] of Object.entries(OBJECT_META_FIELDS)) {
    const json: Json = name === 'labels' || name === 'annotations' ? { ...STRING_MAP } : { type: withNull(types) };
    const own = isRecord(node?.properties) ? (node.properties as Json)[name] : undefined;
    if ((name === 'name' || name === 'generateName') && isRecord(own)) valueKeywords(own, ctx, json);
    props[name] = json;
    shapeProps[name] = { type: withNull(types) };
  }
  return {
    json: { type: ['object', 'null'], properties: props, additionalProperties: false },
    shape: { type: ['object', 'null'], properties: shapeProps, additionalProperties: false },
  };
}

function convert(node: Json, ctx: Ctx, keep: boolean, root: boolean): { json: Json; shape: SchemaNode } {
  const json: Json = {};
  const shape: SchemaNode = {};
  const preserve = keep || node['x-kubernetes-preserve-unknown-fields'] === true;
  const embedded = node['x-kubernetes-embedded-resource'] === true;
  const types = typesOf(node);
  if (types) {
    // Nulls are pruned (or allowed by `nullable`) before this schema sees the object, so null always passes here.
    json.type = withNull(types);
    shape.type = withNull(types);
  }
  valueKeywords(node, ctx, json);

  const isObject = types?.includes('object') || isRecord(node.properties);
  if (isObject) {
    const props: Json = {};
    const shapeProps: Record<string, SchemaNode> = {};
    const own = isRecord(node.properties) ? node.properties : {};
    for (const [name, child] of Object.entries(own)) {
      if (!isRecord(child)) continue;
      if ((root || embedded) && name === 'metadata') continue;
      const c = convert(child, ctx, ctx.keepAll, false);
      props[name] = c.json;
      shapeProps[name] = c.shape;
    }
    if (root || embedded) {
      // Every object has these, whether the schema lists them or not.
      for (const name of ['apiVersion', 'kind']) {
        if (!props[name]) {
          props[name] = { type: ['string', 'null'] };
          shapeProps[name] = { type: ['string', 'null'] };
        }
      }
      const meta = metadata(isRecord(own.metadata) ? own.metadata : undefined, ctx);
      props.metadata = meta.json;
      shapeProps.metadata = meta.shape;
    }
    if (Object.keys(props).length) {
      json.properties = props;
      shape.properties = shapeProps;
    }
    const required = Array.isArray(node.required) ? node.required.filter((r): r is string => typeof r === 'string') : [];
    if (required.length) {
      json.required = required;
      shape.required = required;
    }
    if (isRecord(node.additionalProperties)) {
      const c = convert(node.additionalProperties, ctx, ctx.keepAll, false);
      json.additionalProperties = c.json;
      shape.additionalProperties = c.shape;
    } else if (!preserve && node.additionalProperties !== true) {
      // The API server prunes every field the schema does not name; kubectl reports them as unknown.
      json.additionalProperties = false;
      shape.additionalProperties = false;
    }
  }
  if (types?.includes('array') && isRecord(node.items)) {
    const c = convert(node.items, ctx, ctx.keepAll, false);
    json.items = c.json;
    shape.items = c.shape;
  }
  return { json, shape };
}

/** Convert a CRD version's `openAPIV3Schema`. `keepUnknownFields`: nothing is pruned (v1beta1's default). */
export function convertCrdSchema(openAPIV3Schema: Record<string, unknown>, kind: string, keepUnknownFields = false): ConvertedSchema {
  const ctx: Ctx = { keepAll: keepUnknownFields };
  const { json, shape } = convert(openAPIV3Schema, ctx, keepUnknownFields, true);
  const root = kind;
  return {
    json: { $schema: 'http://json-schema.org/draft-07/schema#', ...json },
    shape: { $schema: 'http://json-schema.org/draft-07/schema#', $id: `crd:${kind}`, definitions: { [root]: { title: kind, ...shape } } },
    root,
  };
}

/**
 * Remove the nulls the API server would drop before validating: a `null` where the schema does not say `nullable:
 * true` (kept under preserved unknown fields). Returns a copy; the input is not changed.
 */
export function pruneNulls(value: unknown, node: unknown): unknown {
  if (Array.isArray(value)) {
    const items = isRecord(node) && isRecord(node.items) ? node.items : undefined;
    return value.map((v) => (v === null ? v : pruneNulls(v, items)));
  }
  if (!isRecord(value)) return value;
  const schema = isRecord(node) ? node : undefined;
  const props = schema && isRecord(schema.properties) ? schema.properties : undefined;
  const extra = schema && isRecord(schema.additionalProperties) ? schema.additionalProperties : undefined;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const child = props && isRecord(props[k]) ? (props[k] as Json) : extra;
    if (v === null && child && child.nullable !== true) continue;
    out[k] = pruneNulls(v, child);
  }
  return out;
}
