// Generates strict JSON schemas and ahead-of-time compiled ajv validators for the built-in
// Kubernetes kinds from the official OpenAPI v3 documents (schemas/openapi/<version>, see its SOURCE.md).
//
//   node scripts/gen-schemas.mjs                 write schemas/k8s/<version>/
//   node scripts/gen-schemas.mjs --out DIR       write somewhere else (the staleness test uses a temp dir)
//   node scripts/gen-schemas.mjs --openapi DIR   read the OpenAPI documents from DIR
//
// Output, per API group/version (e.g. `apps-v1`):
//   <gv>.json          the strict JSON schema (draft-07, `definitions` keyed by the OpenAPI names)
//   <gv>.validate.js   ajv standalone validators, one named export per kind (loaded lazily per group)
//   <gv>.schema.js     the same schema as an ES module, loaded only to explain an invalid object
//   index.js           which kinds each apiVersion bundles, and static `import()`s of the modules above
// plus `.d.ts` declarations so TypeScript can import the generated modules.
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export const KUBE_VERSION = '1.35';

/** The OpenAPI documents bundled, with the apiVersion they serve. */
export const GROUP_DOCS = [
  { file: 'api__v1_openapi.json', group: '', version: 'v1', key: 'core-v1' },
  { file: 'apis__apps__v1_openapi.json', group: 'apps', version: 'v1', key: 'apps-v1' },
  { file: 'apis__autoscaling__v2_openapi.json', group: 'autoscaling', version: 'v2', key: 'autoscaling-v2' },
  { file: 'apis__batch__v1_openapi.json', group: 'batch', version: 'v1', key: 'batch-v1' },
  { file: 'apis__networking.k8s.io__v1_openapi.json', group: 'networking.k8s.io', version: 'v1', key: 'networking-v1' },
  { file: 'apis__policy__v1_openapi.json', group: 'policy', version: 'v1', key: 'policy-v1' },
  { file: 'apis__rbac.authorization.k8s.io__v1_openapi.json', group: 'rbac.authorization.k8s.io', version: 'v1', key: 'rbac-v1' },
  { file: 'apis__scheduling.k8s.io__v1_openapi.json', group: 'scheduling.k8s.io', version: 'v1', key: 'scheduling-v1' },
  { file: 'apis__storage.k8s.io__v1_openapi.json', group: 'storage.k8s.io', version: 'v1', key: 'storage-v1' },
];

const REF_PREFIX = '#/components/schemas/';
const INT32 = { minimum: -2147483648, maximum: 2147483647 };
/** Base64 as Go's encoding/json decodes []byte (standard alphabet, padding; CR/LF are skipped). */
const BASE64 = '^[A-Za-z0-9+/\\r\\n]*(?:=[\\r\\n]*){0,2}$';
/** resource.Quantity's accepted syntax: a signed decimal number with an optional SI, binary or exponent suffix. */
const QUANTITY = '^[+-]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:[eE][+-]?[0-9]+|[numkMGTPE]|Ki|Mi|Gi|Ti|Pi|Ei)?$';
const QUANTITY_DEF = 'io.k8s.apimachinery.pkg.api.resource.Quantity';

/**
 * Port numbers the API server accepts, which the OpenAPI documents (plain int32) do not say: a containerPort or a
 * Service port is 1–65535; a hostPort, nodePort or targetPort may also be 0 (unset, or defaulted from `port`).
 */
const PORT_RANGES = {
  'io.k8s.api.core.v1.ContainerPort': { containerPort: [1, 65535], hostPort: [0, 65535] },
  'io.k8s.api.core.v1.ServicePort': { port: [1, 65535], nodePort: [0, 65535], targetPort: [0, 65535] },
};

function schemaId(key) {
  return `https://daemonlint.dev/schemas/k8s/${KUBE_VERSION}/${key}.json`;
}

/** Every JSON type also accepts null: Kubernetes decodes `field: null` as "unset". */
function withNull(type) {
  const list = Array.isArray(type) ? [...type] : [type];
  if (!list.includes('null')) list.push('null');
  return list;
}

/**
 * Convert one OpenAPI schema node into the strict JSON schema subset daemonlint uses:
 * $ref, type, properties, additionalProperties, required, items, pattern, minimum, maximum, title.
 */
function convert(node, refs) {
  if (!node || typeof node !== 'object') return {};
  // `allOf: [{$ref}]` is how the documents attach a description/default to a reference.
  if (Array.isArray(node.allOf) && node.allOf.length === 1 && node.allOf[0].$ref && !node.properties && !node.type) {
    return convert(node.allOf[0], refs);
  }
  if (node.$ref) {
    const name = node.$ref.slice(REF_PREFIX.length);
    refs.add(name);
    return { $ref: `#/definitions/${name}` };
  }
  if (node['x-kubernetes-int-or-string'] === true || node.format === 'int-or-string') {
    return { type: ['integer', 'string', 'null'] };
  }
  const out = {};
  let type = node.type;
  if (!type && Array.isArray(node.oneOf) && node.oneOf.every((s) => s && typeof s.type === 'string' && Object.keys(s).length === 1)) {
    type = node.oneOf.map((s) => s.type);
  }
  const preserve = node['x-kubernetes-preserve-unknown-fields'] === true;
  const embedded = node['x-kubernetes-embedded-resource'] === true;
  if (embedded && !type) type = 'object';
  if (type) out.type = withNull(type);
  else if (!preserve) {
    // No type and no known shape: accept anything (nothing in the built-in documents hits this).
  }
  const types = out.type ?? [];
  if (types.includes('integer') && node.format === 'int32') Object.assign(out, INT32);
  if (types.includes('string') && node.format === 'byte') out.pattern = BASE64;

  if (types.includes('object') || node.properties) {
    const props = { ...(node.properties ?? {}) };
    if (embedded) {
      // An embedded object is a whole Kubernetes object: apiVersion, kind and metadata always exist.
      props.apiVersion ??= { type: 'string' };
      props.kind ??= { type: 'string' };
      props.metadata ??= { type: 'object' };
    }
    const names = Object.keys(props).sort();
    if (names.length) {
      out.properties = {};
      for (const name of names) out.properties[name] = convert(props[name], refs);
    }
    const required = [...(node.required ?? [])];
    if (embedded) for (const r of ['apiVersion', 'kind']) if (!required.includes(r)) required.push(r);
    if (required.length) out.required = required.sort();
    if (node.additionalProperties && typeof node.additionalProperties === 'object') {
      out.additionalProperties = convert(node.additionalProperties, refs);
    } else if (node.additionalProperties === false) {
      out.additionalProperties = false;
    } else if (names.length && !preserve && node.additionalProperties !== true) {
      // Strict: an object with declared fields has no others.
      out.additionalProperties = false;
    }
  }
  if (types.includes('array') && node.items) out.items = convert(node.items, refs);
  return out;
}

function convertDefinition(name, node, refs) {
  if (name === QUANTITY_DEF) return { title: 'Quantity', type: ['string', 'number', 'null'], pattern: QUANTITY };
  const out = convert(node, refs);
  for (const [field, [minimum, maximum]] of Object.entries(PORT_RANGES[name] ?? {})) {
    const prop = out.properties?.[field];
    if (!prop) throw new Error(`${name} has no field ${field}`);
    // Keywords beside a $ref are ignored (draft-07): an IntOrString port is written out in place.
    if (prop.$ref === '#/definitions/io.k8s.apimachinery.pkg.util.intstr.IntOrString') out.properties[field] = { type: ['integer', 'string', 'null'], minimum, maximum };
    else if (prop.$ref) throw new Error(`${name}.${field} is a reference; write its type out before adding a range`);
    else Object.assign(prop, { minimum, maximum });
  }
  return { title: name.slice(name.lastIndexOf('.') + 1), ...out };
}

/** Build the strict schema for one OpenAPI document: the closure of definitions its kinds use. */
export function buildGroupSchema(doc, gv) {
  const all = doc.components?.schemas ?? {};
  const kinds = {};
  for (const [name, node] of Object.entries(all)) {
    if (!name.startsWith('io.k8s.api.')) continue;
    for (const gvk of node['x-kubernetes-group-version-kind'] ?? []) {
      if (gvk.group !== gv.group || gvk.version !== gv.version) continue;
      if (gvk.kind.endsWith('List')) continue; // Lists are unwrapped by the loader.
      kinds[gvk.kind] = name;
    }
  }
  const definitions = {};
  const pending = Object.values(kinds);
  while (pending.length) {
    const name = pending.pop();
    if (definitions[name]) continue;
    if (!all[name]) throw new Error(`${gv.file}: missing definition ${name}`);
    const refs = new Set();
    definitions[name] = convertDefinition(name, all[name], refs);
    for (const r of refs) if (!definitions[r]) pending.push(r);
  }
  const sortedDefs = {};
  for (const name of Object.keys(definitions).sort()) sortedDefs[name] = definitions[name];
  const sortedKinds = {};
  for (const k of Object.keys(kinds).sort()) sortedKinds[k] = kinds[k];
  return {
    schema: { $schema: 'http://json-schema.org/draft-07/schema#', $id: schemaId(gv.key), definitions: sortedDefs },
    kinds: sortedKinds,
  };
}

/** Options shared by the generator and the tests that compile the JSON schemas at run time. */
export const AJV_OPTIONS = {
  strict: true,
  strictTypes: false,
  allowUnionTypes: true,
  allErrors: false,
  messages: false,
  inlineRefs: true,
  validateSchema: false,
};

function apiVersionOf(gv) {
  return gv.group ? `${gv.group}/${gv.version}` : gv.version;
}

const HEADER = (what) =>
  `// Generated by scripts/gen-schemas.mjs from the Kubernetes ${KUBE_VERSION} OpenAPI v3 documents: ${what}. Do not edit.\n`;

/** Generate every output file in memory: `{ relativePath: content }`. */
export function generate(openapiDir) {
  const Ajv = require('ajv').default;
  const standaloneCode = require('ajv/dist/standalone').default;
  const files = {};
  const index = [];
  for (const gv of GROUP_DOCS) {
    const doc = JSON.parse(readFileSync(join(openapiDir, gv.file), 'utf8'));
    const { schema, kinds } = buildGroupSchema(doc, gv);
    const json = JSON.stringify(schema);
    files[`${gv.key}.json`] = json + '\n';
    files[`${gv.key}.schema.js`] = `${HEADER(`strict schema for ${apiVersionOf(gv)}`)}export default ${json};\n`;
    files[`${gv.key}.schema.d.ts`] = `${HEADER('declarations')}import type { JsonSchemaDocument } from './types.js';\ndeclare const schema: JsonSchemaDocument;\nexport default schema;\n`;

    const ajv = new Ajv({ ...AJV_OPTIONS, code: { source: true, esm: true, lines: false, optimize: 1 } });
    ajv.addSchema(schema);
    const exportsMap = {};
    for (const [kind, def] of Object.entries(kinds)) exportsMap[kind] = `${schema.$id}#/definitions/${def}`;
    let code = standaloneCode(ajv, exportsMap);
    if (/\brequire\(/.test(code)) throw new Error(`${gv.key}: standalone code needs the ajv runtime; keep to keywords that compile without it`);
    code = code.replace(/^"use strict";/, '');
    files[`${gv.key}.validate.js`] = `${HEADER(`validators for ${apiVersionOf(gv)}`)}${code.trim()}\n`;
    files[`${gv.key}.validate.d.ts`] =
      `${HEADER('declarations')}import type { CompiledValidator } from './types.js';\n` +
      Object.keys(kinds).map((k) => `export declare const ${k}: CompiledValidator;\n`).join('');
    index.push({ gv, kinds });
  }

  const lines = [HEADER('the index of bundled kinds'), '/** apiVersion → kind → OpenAPI definition name. */', 'export const KINDS = {'];
  for (const { gv, kinds } of index) {
    lines.push(`  ${JSON.stringify(apiVersionOf(gv))}: {`);
    for (const [k, def] of Object.entries(kinds)) lines.push(`    ${k}: ${JSON.stringify(def)},`);
    lines.push('  },');
  }
  lines.push('};', '');
  lines.push('/** Load the compiled validators of one apiVersion (one lazily loaded chunk per group). */');
  lines.push('export function loadValidators(apiVersion) {', '  switch (apiVersion) {');
  for (const { gv } of index) lines.push(`    case ${JSON.stringify(apiVersionOf(gv))}:`, `      return import('./${gv.key}.validate.js');`);
  lines.push('    default:', '      return Promise.resolve(undefined);', '  }', '}', '');
  lines.push('/** Load the strict JSON schema of one apiVersion (only needed to explain an invalid object). */');
  lines.push('export function loadSchema(apiVersion) {', '  switch (apiVersion) {');
  for (const { gv } of index) lines.push(`    case ${JSON.stringify(apiVersionOf(gv))}:`, `      return import('./${gv.key}.schema.js').then((m) => m.default);`);
  lines.push('    default:', '      return Promise.resolve(undefined);', '  }', '}', '');
  files['index.js'] = lines.join('\n');
  files['index.d.ts'] =
    `${HEADER('declarations')}import type { CompiledValidator, JsonSchemaDocument } from './types.js';\n` +
    'export declare const KINDS: Readonly<Record<string, Readonly<Record<string, string>>>>;\n' +
    'export declare function loadValidators(apiVersion: string): Promise<Readonly<Record<string, CompiledValidator>> | undefined>;\n' +
    'export declare function loadSchema(apiVersion: string): Promise<JsonSchemaDocument | undefined>;\n';
  files['types.d.ts'] =
    `${HEADER('shared declarations')}` +
    '/** One ajv error (messages are off: daemonlint writes its own). */\n' +
    'export interface CompiledError { instancePath: string; schemaPath: string; keyword: string; params: Record<string, unknown> }\n' +
    '/** An ajv standalone validator: true when valid; errors of the last call on `.errors`. */\n' +
    'export interface CompiledValidator { (data: unknown): boolean; errors?: CompiledError[] | null }\n' +
    '/** A node of the strict schema subset the generator emits. */\n' +
    'export interface SchemaNode {\n  $ref?: string;\n  title?: string;\n  type?: string[];\n  properties?: Record<string, SchemaNode>;\n' +
    '  additionalProperties?: SchemaNode | false;\n  required?: string[];\n  items?: SchemaNode;\n  pattern?: string;\n  minimum?: number;\n  maximum?: number;\n}\n' +
    'export interface JsonSchemaDocument { $schema: string; $id: string; definitions: Record<string, SchemaNode> }\n';
  files['types.js'] = `${HEADER('runtime side of types.d.ts (types only)')}export {};\n`;
  return files;
}

function parseArgs(argv) {
  const args = { out: join(root, 'schemas', 'k8s', KUBE_VERSION), openapi: join(root, 'schemas', 'openapi', KUBE_VERSION) };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--out') args.out = resolve(argv[++i]);
    else if (argv[i] === '--openapi') args.openapi = resolve(argv[++i]);
    else throw new Error(`unknown argument ${argv[i]}`);
  }
  return args;
}

/** Write the generated files to `outDir`, removing files it no longer produces. */
export function writeOutput(outDir, files) {
  mkdirSync(outDir, { recursive: true });
  for (const f of readdirSync(outDir)) if (!(f in files)) rmSync(join(outDir, f), { recursive: true, force: true });
  for (const [name, content] of Object.entries(files)) writeFileSync(join(outDir, name), content);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const files = generate(args.openapi);
  writeOutput(args.out, files);
  const bytes = Object.values(files).reduce((n, c) => n + Buffer.byteLength(c), 0);
  console.log(`gen-schemas: ${Object.keys(files).length} files, ${(bytes / 1e6).toFixed(2)} MB in ${args.out} (${Date.now() - started} ms)`);
}
