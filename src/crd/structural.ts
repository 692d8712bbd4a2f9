/**
 * Is a CRD version's `openAPIV3Schema` a structural schema the API server accepts for an apiextensions.k8s.io/v1
 * CustomResourceDefinition? The rules, from the Kubernetes documentation on structural schemas and the CRD validation
 * of the API server, restated:
 *
 * - every node (the root, each property, additionalProperties and items) has a single `type`, unless it says
 *   `x-kubernetes-int-or-string: true` or `x-kubernetes-preserve-unknown-fields: true`;
 * - allOf/anyOf/oneOf/not only add value validations: no `type` (except the int-or-string pattern), `description`,
 *   `default`, `additionalProperties`, `nullable` or `x-kubernetes-*`, and no field or item that the schema does not
 *   also declare outside them;
 * - the root's `metadata` may only restrict `name` and `generateName`;
 * - `properties` and `additionalProperties` exclude each other; `uniqueItems: true`, `$ref`, `definitions`,
 *   `dependencies`, `patternProperties`, `additionalItems` and `id` are not supported;
 * - `type` names one of array, boolean, integer, number, object and string;
 * - `x-kubernetes-preserve-unknown-fields` is true or absent; list and map types are well formed.
 */
import { isRecord } from '../k8s/workloads.js';
import type { Path } from '../types.js';

export interface StructuralIssue {
  /** Path inside the schema (relative to `openAPIV3Schema`). */
  path: Path;
  message: string;
}

type Json = Record<string, unknown>;

const UNSUPPORTED = ['$ref', 'definitions', 'dependencies', 'patternProperties', 'additionalItems', 'id'] as const;
const NOT_IN_JUNCTORS = ['description', 'default', 'additionalProperties', 'nullable'] as const;
const JUNCTORS = ['allOf', 'anyOf', 'oneOf'] as const;
const LIST_TYPES = ['atomic', 'set', 'map'];
const MAP_TYPES = ['atomic', 'granular'];
/** The type names the API server accepts in a CRD schema (OpenAPI v3's, without `null`). */
const TYPES = ['array', 'boolean', 'integer', 'number', 'object', 'string'];

const code = (s: string) => '`' + s + '`';

/** The int-or-string pattern junctors may use: `anyOf: [{type: integer}, {type: string}]`. */
function isIntOrStringBranch(node: Json, parent: Json): boolean {
  return parent['x-kubernetes-int-or-string'] === true && (node.type === 'integer' || node.type === 'string') && Object.keys(node).length === 1;
}

class Checker {
  readonly issues: StructuralIssue[] = [];

  private add(path: Path, message: string): void {
    this.issues.push({ path, message });
  }

  /** A node outside junctors: `where` names it for messages (`the root`, `property foo`, `the items of bar`). */
  node(node: Json, path: Path, where: string, root = false): void {
    const intOrString = node['x-kubernetes-int-or-string'] === true;
    const preserve = node['x-kubernetes-preserve-unknown-fields'] === true;
    this.common(node, path);
    if (node.type === undefined) {
      if (!intOrString && !preserve) this.add(path, `${where} has no \`type\`: a structural schema gives every field a type (or \`x-kubernetes-int-or-string: true\` or \`x-kubernetes-preserve-unknown-fields: true\`).`);
    } else if (intOrString) {
      this.add([...path, 'type'], `${where} sets \`type\` together with \`x-kubernetes-int-or-string: true\`; leave \`type\` out (the value may be an integer or a string).`);
    }
    if (node['x-kubernetes-embedded-resource'] === true) {
      if (node.type !== 'object') this.add(path, `${where} is an embedded resource (\`x-kubernetes-embedded-resource: true\`) and must have \`type: object\`.`);
      if (!isRecord(node.properties) && !preserve) this.add(path, `${where} is an embedded resource and needs \`properties\` or \`x-kubernetes-preserve-unknown-fields: true\`.`);
    }
    const props = isRecord(node.properties) ? node.properties : undefined;
    if (props && Object.keys(props).length && node.additionalProperties !== undefined && node.additionalProperties !== true) {
      this.add([...path, 'additionalProperties'], `${where} sets both \`properties\` and \`additionalProperties\`, which exclude each other: \`properties\` describe a struct, \`additionalProperties\` a map.`);
    }
    if (props) {
      for (const [name, child] of Object.entries(props)) {
        if (!isRecord(child)) continue;
        const childPath = [...path, 'properties', name];
        if (root && name === 'metadata') this.metadata(child, childPath);
        else this.node(child, childPath, `property ${code(name)}`);
      }
    }
    if (isRecord(node.additionalProperties)) this.node(node.additionalProperties, [...path, 'additionalProperties'], `the additionalProperties of ${where}`);
    if (isRecord(node.items)) this.node(node.items, [...path, 'items'], `the items of ${where}`);
    else if (node.type === 'array' && node.items === undefined) this.add(path, `${where} is an array without \`items\`: a structural schema describes the items' type.`);
    for (const j of JUNCTORS) {
      const list = node[j];
      if (Array.isArray(list)) list.forEach((branch, i) => isRecord(branch) && this.junctor(branch, node, [...path, j, i]));
    }
    if (isRecord(node.not)) this.junctor(node.not, node, [...path, 'not']);
  }

  /** Checks shared by every node, junctor or not. */
  private common(node: Json, path: Path): void {
    for (const k of UNSUPPORTED) if (node[k] !== undefined) this.add([...path, k], `${code(k)} is not supported in a CustomResourceDefinition schema.`);
    if (node.uniqueItems === true) this.add([...path, 'uniqueItems'], '`uniqueItems: true` is not allowed (its cost grows with the square of the list); use `x-kubernetes-list-type: set` instead.');
    if (node.type !== undefined && typeof node.type !== 'string') this.add([...path, 'type'], '`type` must be a single type name, not a list.');
    if (node.type === 'null') this.add([...path, 'type'], '`type` cannot be `null`; use `nullable: true` on the field instead.');
    else if (typeof node.type === 'string' && !TYPES.includes(node.type)) this.add([...path, 'type'], `\`type: ${node.type}\` is not a type of a CRD schema; use one of ${TYPES.map(code).join(', ')}.`);
    if (node['x-kubernetes-preserve-unknown-fields'] === false) this.add([...path, 'x-kubernetes-preserve-unknown-fields'], '`x-kubernetes-preserve-unknown-fields` must be true or left out.');
    const listType = node['x-kubernetes-list-type'];
    if (listType !== undefined) {
      if (node.type !== 'array') this.add([...path, 'x-kubernetes-list-type'], '`x-kubernetes-list-type` needs `type: array`.');
      if (typeof listType !== 'string' || !LIST_TYPES.includes(listType)) this.add([...path, 'x-kubernetes-list-type'], `\`x-kubernetes-list-type\` must be one of ${LIST_TYPES.map(code).join(', ')}.`);
    }
    const keys = node['x-kubernetes-list-map-keys'];
    if (listType === 'map') {
      if (!Array.isArray(keys) || !keys.length) this.add(path, '`x-kubernetes-list-type: map` needs `x-kubernetes-list-map-keys`.');
      else {
        const items = isRecord(node.items) ? node.items : undefined;
        const itemProps = items && isRecord(items.properties) ? items.properties : {};
        for (const k of keys) if (typeof k !== 'string' || !Object.hasOwn(itemProps, k)) this.add([...path, 'x-kubernetes-list-map-keys'], `the map key ${code(String(k))} is not a property of the list's items.`);
      }
    } else if (Array.isArray(keys) && keys.length) this.add([...path, 'x-kubernetes-list-map-keys'], '`x-kubernetes-list-map-keys` needs `x-kubernetes-list-type: map`.');
    const mapType = node['x-kubernetes-map-type'];
    if (mapType !== undefined) {
      if (node.type !== 'object') this.add([...path, 'x-kubernetes-map-type'], '`x-kubernetes-map-type` needs `type: object`.');
      if (typeof mapType !== 'string' || !MAP_TYPES.includes(mapType)) this.add([...path, 'x-kubernetes-map-type'], `\`x-kubernetes-map-type\` must be ${MAP_TYPES.map(code).join(' or ')}.`);
    }
  }

  /** A branch of allOf/anyOf/oneOf/not of `outer`: value validations of fields `outer` declares. */
  private junctor(node: Json, outer: Json, path: Path): void {
    this.common(node, path);
    if (node.type !== undefined && !isIntOrStringBranch(node, outer)) this.add([...path, 'type'], '`type` may not be set inside allOf, anyOf, oneOf or not; declare the type outside them.');
    for (const k of NOT_IN_JUNCTORS) if (node[k] !== undefined) this.add([...path, k], `${code(k)} may not be set inside allOf, anyOf, oneOf or not.`);
    for (const k of Object.keys(node)) if (k.startsWith('x-kubernetes-')) this.add([...path, k], `${code(k)} may not be set inside allOf, anyOf, oneOf or not.`);
    const outerProps = isRecord(outer.properties) ? outer.properties : undefined;
    if (isRecord(node.properties)) {
      for (const [name, child] of Object.entries(node.properties)) {
        const declared = outerProps && isRecord(outerProps[name]) ? (outerProps[name] as Json) : isRecord(outer.additionalProperties) ? outer.additionalProperties : undefined;
        if (!declared && outer['x-kubernetes-preserve-unknown-fields'] !== true) {
          this.add([...path, 'properties', name], `${code(name)} is declared only inside allOf, anyOf, oneOf or not; declare it in the schema's \`properties\` too.`);
        } else if (isRecord(child) && declared) this.junctor(child, declared, [...path, 'properties', name]);
      }
    }
    if (isRecord(node.items)) {
      if (!isRecord(outer.items)) this.add([...path, 'items'], '`items` is declared only inside allOf, anyOf, oneOf or not; declare them outside too.');
      else this.junctor(node.items, outer.items, [...path, 'items']);
    }
    for (const j of JUNCTORS) {
      const list = node[j];
      if (Array.isArray(list)) list.forEach((branch, i) => isRecord(branch) && this.junctor(branch, outer, [...path, j, i]));
    }
    if (isRecord(node.not)) this.junctor(node.not, outer, [...path, 'not']);
  }

  /** The root's metadata: only `name` and `generateName` may be restricted. */
  private metadata(node: Json, path: Path): void {
    if (node.type !== undefined && node.type !== 'object') this.add([...path, 'type'], 'the root `metadata` must have `type: object`.');
    const props = isRecord(node.properties) ? node.properties : {};
    for (const name of Object.keys(props)) {
      if (name !== 'name' && name !== 'generateName') this.add([...path, 'properties', name], `the root \`metadata\` may only restrict \`name\` and \`generateName\`, not ${code(name)}.`);
    }
  }
}

/** Every structural-schema problem of one CRD version's `openAPIV3Schema`. */
export function structuralIssues(openAPIV3Schema: Record<string, unknown>): StructuralIssue[] {
  const c = new Checker();
  c.node(openAPIV3Schema, [], 'the root of the schema', true);
  if (openAPIV3Schema.type !== undefined && openAPIV3Schema.type !== 'object') c.issues.push({ path: ['type'], message: 'the root of the schema must have `type: object`.' });
  return c.issues;
}
