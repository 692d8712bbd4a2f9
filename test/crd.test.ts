// Custom resources against their CRD's openAPIV3Schema: the converter, the validator and the structural checks.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { celIssues, existingPrefix, hasValidationRules, parseFieldPath, schemaRuleEntries, undeclaredFieldPathSegment, validationRulesFor, withDefaults } from '../src/crd/cel.js';
import { CrdIndex } from '../src/crd/definitions.js';
import { structuralIssues } from '../src/crd/structural.js';
import { compileCrdSchema, validateCustomResource, type CrIssue } from '../src/crd/validate.js';
import { parseSource } from '../src/load/parse.js';
import { sourceText } from '../src/schema/pointer.js';
import type { Manifest } from '../src/types.js';

const CRDS = join(import.meta.dirname, 'fixtures', 'crds');

function load(name: string) {
  return parseSource({ path: name, text: readFileSync(join(CRDS, name), 'utf8') });
}

/** Validate every custom resource of `m` against a schema given inline. */
function check(schema: Record<string, unknown>, object: Record<string, unknown>, keep = false): CrIssue[] {
  return validateCustomResource({ compiled: compileCrdSchema(schema, 'Widget', keep), kind: 'Widget', object });
}

const WIDGET = {
  type: 'object',
  properties: {
    apiVersion: { type: 'string' },
    kind: { type: 'string' },
    metadata: { type: 'object' },
    spec: {
      type: 'object',
      required: ['size'],
      properties: {
        size: { type: 'integer', minimum: 1, maximum: 10 },
        mode: { type: 'string', enum: ['Fast', 'Safe'] },
        port: { 'x-kubernetes-int-or-string': true },
        labels: { type: 'object', additionalProperties: { type: 'string' } },
        extra: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
        template: { type: 'object', 'x-kubernetes-embedded-resource': true, 'x-kubernetes-preserve-unknown-fields': true },
        note: { type: 'string', nullable: true },
        name: { type: 'string', pattern: '^[a-z]+$', maxLength: 8 },
        items: { type: 'array', maxItems: 2, items: { type: 'object', properties: { id: { type: 'string' } } } },
        source: {
          type: 'object',
          properties: { git: { type: 'string' }, http: { type: 'string' } },
          oneOf: [{ required: ['git'] }, { required: ['http'] }],
        },
      },
    },
  },
};

const base = (spec: Record<string, unknown>, metadata: Record<string, unknown> = { name: 'w' }) => ({ apiVersion: 'example.com/v1', kind: 'Widget', metadata, spec });

describe('custom resource validation', () => {
  it('accepts a valid object, with the Kubernetes extensions', () => {
    const ok = base({
      size: 3,
      mode: 'Fast',
      port: 'http',
      labels: { a: 'b' },
      extra: { anything: { goes: [1, 2] } },
      template: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', labels: { x: 'y' } }, spec: { whatever: true } },
      note: null,
      name: 'abc',
      items: [{ id: 'x' }],
      source: { git: 'https://example.com/r.git' },
    });
    expect(check(WIDGET, ok)).toEqual([]);
    expect(check(WIDGET, base({ size: 3, port: 8080 }))).toEqual([]);
  });

  it('reports pruned fields as unknown, with did-you-mean and where they belong', () => {
    const issues = check(WIDGET, base({ size: 3, modes: 'Fast', items: [{ id: 'a', size: 1 }] }));
    expect(issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['spec.modes', expect.stringMatching(/^`modes` is not a field of `spec`; did you mean `mode`\?/)],
      ['spec.items.0.size', expect.stringMatching(/^`size` is not a field of `spec.items\[0\]`/)],
    ]);
    expect(issues[0]!.fix).toEqual({ description: 'Rename modes to mode', edits: [{ op: 'move', from: ['spec', 'modes'], to: ['spec', 'mode'] }] });
  });

  it('reports wrong types, value validations and missing required fields', () => {
    const issues = check(WIDGET, base({ size: 11, mode: 'Fsat', name: 'ABC', items: [{}, {}, {}], port: true }));
    const byPath = Object.fromEntries(issues.map((i) => [i.path.join('.'), i.message]));
    expect(byPath['spec.size']).toBe('`spec.size` must be <= 10, but it is 11.');
    expect(byPath['spec.mode']).toBe('`spec.mode` must be one of `Fast`, `Safe`, not `Fsat`; did you mean `Fast`?');
    expect(byPath['spec.name']).toMatch(/does not match the pattern `\^\[a-z\]\+\$`/);
    expect(byPath['spec.items']).toBe('`spec.items` may have at most 2 items; it has 3.');
    expect(byPath['spec.port']).toMatch(/^`spec.port` must be an integer or a string, but it is a boolean/);
    expect(check(WIDGET, base({ mode: 'Safe' })).map((i) => i.message)).toEqual(['`spec` is missing the required field `size`.']);
    const fix = issues.find((i) => i.path.join('.') === 'spec.mode')!.fix!;
    expect(fix).toEqual({ description: 'Change Fsat to Fast', edits: [{ op: 'set', path: ['spec', 'mode'], value: 'Fast' }], safe: false });
  });

  it('explains oneOf alternatives that each require a field', () => {
    expect(check(WIDGET, base({ size: 1, source: {} })).map((i) => i.message)).toEqual(['`spec.source` must set one of `git`, `http`.']);
    expect(check(WIDGET, base({ size: 1, source: { git: 'a', http: 'b' } })).map((i) => i.message)).toEqual([
      '`spec.source` matches more than one of the alternatives the CRD allows (oneOf): set only one of them.',
    ]);
  });

  it('drops nulls of fields that are not nullable, as the API server does', () => {
    expect(check(WIDGET, base({ size: 1, mode: null, name: null }))).toEqual([]);
  });

  it('checks metadata like every object and keeps unknown fields of an old CRD that preserves them', () => {
    expect(check(WIDGET, base({ size: 1 }, { name: 'w', lables: { a: 'b' } })).map((i) => i.message)).toEqual([
      expect.stringMatching(/^`lables` is not a field of `metadata`; did you mean `labels`\?/),
    ]);
    expect(check(WIDGET, base({ size: 1, whatever: 1 }), true)).toEqual([]);
  });

  it('evaluates patterns with RE2, as the API server does: linear time, Go syntax', () => {
    const schema = {
      type: 'object',
      properties: {
        spec: {
          type: 'object',
          properties: { a: { type: 'string', pattern: '^(a+)+$' }, b: { type: 'string', pattern: '(?i)^abc$' }, c: { type: 'string', pattern: '(x)\\1' } },
        },
      },
    };
    const issues = check(schema, base({ a: 'a'.repeat(5000) + '!', b: 'ABC', c: 'anything' }));
    // A backtracking engine would take exponential time on `a`; `(?i)` is RE2 syntax; a backreference is not RE2 and is skipped.
    expect(issues.map((i) => i.path.join('.'))).toEqual(['spec.a']);
  });

  it('reuses a compiled schema', () => {
    const a = compileCrdSchema(WIDGET, 'Widget', false);
    const b = compileCrdSchema(structuredClone(WIDGET), 'Widget', false);
    expect(b).toBe(a);
  });
});

describe('real CRDs', () => {
  const crdFile = load('cert-manager.io_certificates.yaml');
  const index = new CrdIndex([...crdFile.manifests, ...load('monitoring.coreos.com_servicemonitors.yaml').manifests]);

  function validate(m: Manifest): CrIssue[] {
    const crd = index.lookup('cert-manager.io', m.ref.kind)!;
    const v = crd.versions.find((x) => x.name === 'v1')!;
    return validateCustomResource({ compiled: compileCrdSchema(v.schema!, crd.kind, v.keepsUnknownFields), kind: crd.kind, object: m.object, sourceText: (p) => sourceText(m, p) });
  }

  it('indexes CRDs by group and kind', () => {
    expect(index.size).toBe(2);
    expect(index.kindsOf('cert-manager.io')).toEqual(['Certificate']);
    expect(index.lookup('monitoring.coreos.com', 'ServiceMonitor')?.versions.map((v) => v.name)).toEqual(['v1']);
  });

  it("accepts cert-manager's own test Certificates", () => {
    const file = load('cert-manager-resources.yaml');
    const certs = file.manifests.filter((m) => m.ref.kind === 'Certificate');
    expect(certs).toHaveLength(2);
    for (const m of certs) expect(validate(m)).toEqual([]);
  });

  it('finds each mistake of a misspelt Certificate at its line and column', () => {
    const file = load('certificate-misspelt.yaml');
    const m = file.manifests[0]!;
    const found = validate(m).map((i) => {
      const r = file.locate(m.docIndex, [...m.base, ...i.path], i.at);
      return `${r.line}:${r.column} ${i.message}`;
    });
    expect(found.sort()).toEqual([
      '10:3 `dnsName` is not a field of `spec`; did you mean `dnsNames`?',
      '16:5 `secretName` is not a field of `spec.issuerRef`; it belongs in `spec.secretName`.',
      '18:16 `spec.privateKey.algorithm` must be one of `RSA`, `ECDSA`, `Ed25519`, not `ECDSAA`; did you mean `ECDSA`?',
      '19:11 `spec.privateKey.size` must be an integer, but it is a string (`"256"`). Remove the quotes.',
    ]);
  });

  it('finds every real CRD of the fixtures and corpus structural', () => {
    for (const m of crdFile.manifests) for (const v of m.object.spec.versions) expect(structuralIssues(v.schema.openAPIV3Schema)).toEqual([]);
  });
});

describe('structural schema checks', () => {
  it('reports nodes without a type, junctors that declare types or fields, and unsupported keywords', () => {
    const issues = structuralIssues({
      type: 'object',
      properties: {
        metadata: { type: 'object', properties: { labels: { type: 'object' } } },
        spec: {
          type: 'object',
          properties: { a: { description: 'no type' }, b: { type: 'array' }, c: { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] } },
          anyOf: [{ type: 'object', properties: { d: { type: 'string' } } }],
          additionalProperties: { type: 'string' },
        },
        tags: { type: 'array', items: { type: 'string' }, uniqueItems: true },
        any: { 'x-kubernetes-preserve-unknown-fields': true },
      },
    });
    expect(issues.map((i) => i.path.join('.'))).toEqual([
      'properties.metadata.properties.labels',
      'properties.spec.additionalProperties',
      'properties.spec.properties.a',
      'properties.spec.properties.b',
      'properties.spec.anyOf.0.type',
      'properties.spec.anyOf.0.properties.d.type',
      'properties.tags.uniqueItems',
    ]);
    expect(issues[2]!.message).toMatch(/has no `type`/);
  });
});

describe('x-kubernetes-validations', () => {
  const schema = {
    type: 'object',
    properties: {
      spec: {
        type: 'object',
        'x-kubernetes-validations': [
          { rule: 'self.min <= self.max', message: 'min must not exceed max' },
          { rule: 'self.min == oldSelf.min', message: 'immutable' },
        ],
        properties: { min: { type: 'integer' }, max: { type: 'integer' } },
      },
    },
  };

  it('collects the rules along the object, without transition rules', () => {
    const rules = validationRulesFor(schema, { spec: { min: 3, max: 1 } });
    expect(rules.map((r) => [r.path, r.rule])).toEqual([[['spec'], 'self.min <= self.max']]);
  });

  it('reports what an evaluator rejects, worded by message, messageExpression or the rule, with the reason', () => {
    const rules = validationRulesFor(schema, { spec: { min: 3, max: 1 } });
    const evaluator = {
      check: (_rule: string, self: unknown) => (self as { min: number; max: number }).min <= (self as { min: number; max: number }).max,
      message: () => ({ error: 'no such key', stage: 'evaluation' as const }),
    };
    expect(celIssues(rules, evaluator)).toEqual([{ path: ['spec'], rulePath: ['spec'], rule: 'self.min <= self.max', kind: 'violated', text: 'min must not exceed max', reason: 'Invalid value' }]);
    // A messageExpression that fails falls back to message; without message, the rule is the message.
    const withExpr = validationRulesFor({ type: 'object', 'x-kubernetes-validations': [{ rule: 'false', messageExpression: "'x'", reason: 'FieldValueForbidden' }] }, {});
    expect(celIssues(withExpr, evaluator)).toMatchObject([{ text: 'failed rule: false', reason: 'Forbidden' }]);
    expect(celIssues(withExpr, { ...evaluator, message: () => 'from the expression' })).toMatchObject([{ text: 'from the expression' }]);
  });

  it('points at the fieldPath node, or the nearest parent the object has', () => {
    const s2 = { type: 'object', properties: { spec: { type: 'object', 'x-kubernetes-validations': [{ rule: 'false', fieldPath: ".labels['app.kubernetes.io/name']" }] } } };
    const no = { check: () => false, message: () => 'm' };
    expect(celIssues(validationRulesFor(s2, { spec: { labels: { 'app.kubernetes.io/name': 'a' } } }), no)[0]!.path).toEqual(['spec', 'labels', 'app.kubernetes.io/name']);
    expect(celIssues(validationRulesFor(s2, { spec: { labels: {} } }), no)[0]!.path).toEqual(['spec', 'labels']);
    expect(celIssues(validationRulesFor(s2, { spec: {} }), no)[0]!.path).toEqual(['spec']);
    expect(parseFieldPath('.a.b')).toEqual(['a', 'b']);
    expect(parseFieldPath(".a['x.y']")).toEqual(['a', 'x.y']);
    expect(parseFieldPath('.a[0]')).toBeUndefined();
    expect(parseFieldPath('a')).toBeUndefined();
  });

  it('names a rule that does not compile or runs out of budget once per object, and one that fails at each node', () => {
    const s3 = { type: 'array', items: { type: 'object', 'x-kubernetes-validations': [{ rule: 'compile' }, { rule: 'cost' }, { rule: 'eval' }] } };
    const ev = { check: (rule: string) => ({ error: rule, stage: (rule === 'eval' ? 'evaluation' : rule) as 'compile' | 'cost' | 'evaluation' }), message: () => 'm' };
    const issues = celIssues(validationRulesFor(s3, [{}, {}]), ev);
    expect(issues.map((i) => [i.kind, i.path])).toEqual([
      ['notChecked', [0]],
      ['tooCostly', [0]],
      ['notEvaluated', [0]],
      ['notEvaluated', [1]],
    ]);
  });

  it('fills in defaults without changing the object, and knows which schemas have rules', () => {
    const s4 = { type: 'object', properties: { spec: { type: 'object', properties: { a: { type: 'integer', default: 3 }, b: { type: 'object', default: {}, properties: { c: { type: 'string', default: 'x' } } } } } } };
    const obj = { spec: { a: 1 } };
    expect(withDefaults(obj, s4)).toEqual({ spec: { a: 1, b: { c: 'x' } } });
    expect(obj).toEqual({ spec: { a: 1 } });
    expect(withDefaults({ spec: {} }, s4)).toEqual({ spec: { a: 3, b: { c: 'x' } } });
    const unchanged = { other: 1 };
    expect(withDefaults(unchanged, s4)).toBe(unchanged);
    expect(existingPrefix({ spec: { list: [{ a: 1 }] } }, ['spec', 'list', 0, 'b'])).toEqual(['spec', 'list', 0]);
    expect(hasValidationRules(schema)).toBe(true);
    expect(hasValidationRules(s4)).toBe(false);
    expect(hasValidationRules(undefined)).toBe(false);
  });

  it('lists the rules of a schema and judges fieldPaths only where the schema is certain', () => {
    expect(schemaRuleEntries(schema).map((e) => e.path)).toEqual([
      ['properties', 'spec', 'x-kubernetes-validations', 0],
      ['properties', 'spec', 'x-kubernetes-validations', 1],
    ]);
    const node = { type: 'object', properties: { min: { type: 'integer' }, labels: { type: 'object', additionalProperties: { type: 'string' } }, free: { type: 'object', properties: { a: { type: 'string' } }, 'x-kubernetes-preserve-unknown-fields': true } } };
    expect(undeclaredFieldPathSegment(node, '.min')).toBeUndefined();
    expect(undeclaredFieldPathSegment(node, '.mni')).toEqual({ segment: 'mni', declared: ['min', 'labels', 'free'] });
    expect(undeclaredFieldPathSegment(node, ".labels['any.key']")).toBeUndefined();
    expect(undeclaredFieldPathSegment(node, '.free.b')).toBeUndefined();
    expect(undeclaredFieldPathSegment(node, '.min.x')).toBeUndefined();
    expect(undeclaredFieldPathSegment(node, 'min[0]')).toBeUndefined();
  });
});
