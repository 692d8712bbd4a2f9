#!/usr/bin/env node
// Local JSON schemas for kubeconform, so that the benchmark can run it offline (kubeconform downloads its schemas
// unless told where to find them). Generated from the Kubernetes 1.35 OpenAPI v3 documents in schemas/openapi/1.35/,
// in the layout of the usual "standalone-strict" schema sets kubeconform reads:
//
//   <dir>/v1.35.0-standalone-strict/<kind>-<group>-<version>.json    e.g. daemonset-apps-v1.json, service-v1.json,
//                                                                     ingress-networking-v1.json
//
// - standalone: every `$ref` is replaced by the schema it names, so one file holds the whole object's schema
//   (the OpenAPI documents wrap references as `allOf: [{$ref}]` next to a description or default; the wrapper is
//   folded into the referenced schema, the field's own description and default kept);
// - strict: every object schema with `properties` and no `additionalProperties` gets `additionalProperties: false`,
//   so unknown fields are errors (what kubeconform's -strict flag expects of the -strict schema set);
// - a field in `format: int-or-string` accepts a string or an integer.
// One file per group/version/kind the documents name in `x-kubernetes-group-version-kind` (lists included).
//
//   generateKubeconformSchemas(dir)      writes the files (skipped when the stamp matches); returns
//                                        { dir, template, kubernetesVersion, kinds, bytes }
//   node bench/kubeconform-schemas.mjs DIR    the same from the command line; prints the -schema-location template
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const OPENAPI = join(HERE, '..', 'schemas', 'openapi', '1.35');
/** The version kubeconform is given (`-kubernetes-version`); it only names the directory. */
export const KUBERNETES_VERSION = '1.35.0';
const SUBDIR = `v${KUBERNETES_VERSION}-standalone-strict`;
const REF_PREFIX = '#/components/schemas/';

/** kubeconform's file name for a kind: lower-cased kind, then the first label of the group (if any) and the version. */
export function schemaFileName({ group, version, kind }) {
  const g = group ? `-${group.split('.')[0]}` : '';
  return `${kind}${g}-${version}`.toLowerCase() + '.json';
}

/**
 * The standalone, strict form of one component schema: references inlined, objects closed. A reference back into a
 * schema being inlined (a cycle) goes into `definitions` and stays a reference to it, so the file still stands alone.
 */
function standalone(components, rootName) {
  const definitions = {};
  const onPath = new Set();
  const convert = (node) => {
    if (Array.isArray(node)) return node.map(convert);
    if (!node || typeof node !== 'object') return node;
    if (node.format === 'int-or-string') {
      const { format: _f, oneOf: _o, type: _t, ...rest } = node;
      return { ...rest, oneOf: [{ type: 'string' }, { type: 'integer' }] };
    }
    if (typeof node.$ref === 'string') return inline(node.$ref, node);
    // `allOf: [{$ref}]` beside a description/default: the referenced schema, with the field's own keys on top.
    if (Array.isArray(node.allOf) && node.allOf.length === 1 && typeof node.allOf[0]?.$ref === 'string') {
      const { allOf, ...own } = node;
      return inline(allOf[0].$ref, own);
    }
    const out = {};
    for (const [k, v] of Object.entries(node)) out[k] = k === 'properties' ? mapValues(v, convert) : convert(v);
    if (out.properties && typeof out.properties === 'object' && !('additionalProperties' in out)) out.additionalProperties = false;
    return out;
  };
  const inline = (ref, own) => {
    if (!ref.startsWith(REF_PREFIX)) throw new Error(`unexpected reference ${ref}`);
    const name = ref.slice(REF_PREFIX.length);
    const target = components[name];
    if (!target) throw new Error(`reference to a missing schema ${name}`);
    const { $ref: _r, ...siblings } = own;
    const extra = convert(siblings);
    if (onPath.has(name)) {
      if (!(name in definitions)) definitions[name] = null; // filled when the outer inlining of `name` finishes
      return { ...extra, $ref: `#/definitions/${name}` };
    }
    onPath.add(name);
    const body = convert(target);
    onPath.delete(name);
    if (name in definitions && definitions[name] === null) definitions[name] = body;
    return { ...body, ...extra };
  };
  onPath.add(rootName);
  const schema = convert(components[rootName]);
  onPath.delete(rootName);
  if (rootName in definitions) definitions[rootName] = schema;
  const defs = Object.keys(definitions).length ? { definitions } : {};
  return { $schema: 'http://json-schema.org/draft-04/schema#', ...schema, ...defs };
}

const mapValues = (o, f) => (o && typeof o === 'object' ? Object.fromEntries(Object.entries(o).map(([k, v]) => [k, f(v)])) : o);

/** Write the schema set under `dir` (replacing it); skips the work when the stamp matches the inputs. */
export function generateKubeconformSchemas(dir) {
  const out = resolve(dir);
  const sources = readdirSync(OPENAPI)
    .filter((f) => f.endsWith('_openapi.json'))
    .sort();
  const stamp = `kubeconform-schemas v=1 ${sources.map((f) => `${f}:${readFileSync(join(OPENAPI, f)).length}`).join(' ')}`;
  const stampFile = join(out, '.stamp');
  const template = join(out, '{{ .NormalizedKubernetesVersion }}-standalone{{ .StrictSuffix }}', '{{ .ResourceKind }}{{ .KindSuffix }}.json');
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) {
    return { dir: out, template, kubernetesVersion: KUBERNETES_VERSION, ...JSON.parse(readFileSync(join(out, '.stats'), 'utf8')) };
  }
  rmSync(out, { recursive: true, force: true });
  mkdirSync(join(out, SUBDIR), { recursive: true });
  const written = new Set();
  let bytes = 0;
  for (const file of sources) {
    const components = JSON.parse(readFileSync(join(OPENAPI, file), 'utf8')).components?.schemas ?? {};
    for (const [name, schema] of Object.entries(components)) {
      // Kinds shared by every group (DeleteOptions, WatchEvent) are written once, from the first document.
      const gvks = (schema['x-kubernetes-group-version-kind'] ?? []).filter((g) => !written.has(schemaFileName(g)));
      if (!gvks.length) continue;
      const text = JSON.stringify(standalone(components, name));
      for (const gvk of gvks) {
        const fileName = schemaFileName(gvk);
        writeFileSync(join(out, SUBDIR, fileName), text);
        written.add(fileName);
        bytes += Buffer.byteLength(text);
      }
    }
  }
  const stats = { kinds: written.size, bytes };
  writeFileSync(join(out, '.stats'), JSON.stringify(stats));
  writeFileSync(stampFile, stamp);
  return { dir: out, template, kubernetesVersion: KUBERNETES_VERSION, ...stats };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dir = process.argv[2];
  if (!dir) {
    console.error('usage: node bench/kubeconform-schemas.mjs DIR');
    process.exit(2);
  }
  const r = generateKubeconformSchemas(dir);
  console.log(`${r.kinds} schemas (${(r.bytes / 1e6).toFixed(1)} MB) in ${join(r.dir, SUBDIR)}`);
  console.log(`kubeconform -strict -kubernetes-version ${r.kubernetesVersion} -schema-location '${r.template}' FILE…`);
}
