// The explainer against the compiled validators on mutated objects, and the generator's handling of
// the x-kubernetes-* extensions that custom schemas use.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { parseSource } from '../src/load/parse.js';
import { definitionOf, explain, loadSchema, loadValidators } from '../src/schema/index.js';
import { AJV_OPTIONS, buildGroupSchema } from '../scripts/gen-schemas.mjs';
import type { JsonSchemaDocument } from '../src/schema/index.js';
import { rng as prng } from './helpers/random.js';

const require = createRequire(import.meta.url);
const Ajv = require('ajv').default as new (opts: Record<string, unknown>) => { compile(s: unknown): ((d: unknown) => boolean) & { errors?: unknown } };


type Slot = { parent: Record<string, unknown> | unknown[]; key: string | number };

function slots(v: unknown, out: Slot[] = []): Slot[] {
  if (Array.isArray(v)) v.forEach((x, i) => (out.push({ parent: v, key: i }), slots(x, out)));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) out.push({ parent: v as Record<string, unknown>, key: k }), slots(x, out);
  return out;
}

describe('explainer', () => {
  it('finds a problem exactly when the compiled validator rejects (2,000 random mutations)', async () => {
    const dir = join(import.meta.dirname, 'fixtures', 'schema');
    const text = readFileSync(join(dir, 'valid-all-kinds.yaml'), 'utf8') + '\n---\n' + readFileSync(join(dir, 'valid.yaml'), 'utf8');
    const manifests = parseSource({ path: 'x.yaml', text }).manifests.filter((m) => definitionOf('1.35', m.ref.apiVersion, m.ref.kind));
    const rand = prng(42);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
    const values: unknown[] = ['yes', 1, 2.5, true, null, [], {}, [{ name: 'x' }], { name: 'x' }, '1GB', '100Mi', -1, 2 ** 40];
    const keys = ['tolerations', 'contianers', 'replicas', 'spec', 'name', 'labels', 'port', 'image', 'Containers', 'zzz'];
    let rejected = 0;
    for (let i = 0; i < 2000; i++) {
      const m = pick(manifests);
      const obj = structuredClone(m.object);
      for (let n = 1 + Math.floor(rand() * 3); n > 0; n--) {
        const all = slots(obj);
        if (!all.length) break;
        const s = pick(all);
        const op = rand();
        if (op < 0.35) (s.parent as Record<string | number, unknown>)[s.key] = structuredClone(pick(values));
        else if (op < 0.6 && !Array.isArray(s.parent)) delete s.parent[s.key as string];
        else {
          const target = (s.parent as Record<string | number, unknown>)[s.key];
          if (target && typeof target === 'object' && !Array.isArray(target)) (target as Record<string, unknown>)[pick(keys)] = structuredClone(pick(values));
        }
      }
      const validate = (await loadValidators('1.35', m.ref.apiVersion))![m.ref.kind]!;
      const ok = validate(obj);
      const schema = (await loadSchema('1.35', m.ref.apiVersion))!;
      const issues = explain({ schema, definition: definitionOf('1.35', m.ref.apiVersion, m.ref.kind)!, kind: m.ref.kind, object: obj });
      expect(issues.length === 0, `${m.ref.kind}: ${JSON.stringify(validate.errors)} vs ${JSON.stringify(issues)}`).toBe(ok);
      if (!ok) rejected++;
    }
    expect(rejected).toBeGreaterThan(500);
  });

  it('suggests the nearby place a field belongs, with a fix only when certain', async () => {
    const schema = (await loadSchema('1.35', 'v1'))!;
    const svc = explain({ schema, definition: 'io.k8s.api.core.v1.Service', kind: 'Service', object: { apiVersion: 'v1', kind: 'Service', ports: [{ port: 80 }], spec: {} } });
    expect(svc.map((i) => i.message)).toEqual(['`ports` is not a field of the Service object; it belongs in `spec.ports`.']);
    expect(svc[0]!.fix?.edits).toEqual([{ op: 'move', from: ['ports'], to: ['spec', 'ports'] }]);

    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      spec: { ports: [{ containerPort: 80 }], containers: [{ name: 'a', image: 'a' }] },
    };
    const issues = explain({ schema, definition: 'io.k8s.api.core.v1.Pod', kind: 'Pod', object: pod });
    expect(issues.map((i) => i.message)).toEqual(['`ports` is not a field of `spec` (PodSpec); it belongs in `spec.containers[0].ports`.']);
    expect(issues[0]!.fix?.edits).toEqual([{ op: 'move', from: ['spec', 'ports'], to: ['spec', 'containers', 0, 'ports'] }]);
  });
});

describe('generator', () => {
  const gv = { file: 'x.json', group: 'example.com', version: 'v1', key: 'example-v1' };
  const doc = {
    components: {
      schemas: {
        'io.k8s.api.example.v1.Widget': {
          type: 'object',
          'x-kubernetes-group-version-kind': [{ group: 'example.com', version: 'v1', kind: 'Widget' }],
          properties: {
            apiVersion: { type: 'string' },
            kind: { type: 'string' },
            spec: {
              type: 'object',
              required: ['size'],
              properties: {
                size: { 'x-kubernetes-int-or-string': true },
                count: { type: 'integer', format: 'int32' },
                config: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { known: { type: 'string' } } },
                template: { type: 'object', 'x-kubernetes-embedded-resource': true, properties: { spec: { type: 'object' } } },
                data: { type: 'string', format: 'byte' },
              },
            },
          },
        },
      },
    },
  };
  const { schema, kinds } = buildGroupSchema(doc, gv);
  const validate = new Ajv({ ...AJV_OPTIONS }).compile({ ...schema, $ref: '#/definitions/io.k8s.api.example.v1.Widget' });
  const ok = (spec: unknown) => validate({ apiVersion: 'example.com/v1', kind: 'Widget', spec });

  it('finds kinds by their group-version-kind', () => {
    expect(kinds).toEqual({ Widget: 'io.k8s.api.example.v1.Widget' });
  });
  it('is strict about unknown fields and accepts null', () => {
    expect(ok({ size: 1 })).toBe(true);
    expect(ok({ size: 1, extra: 1 })).toBe(false);
    expect(ok({ size: 1, count: null })).toBe(true);
    expect(ok({})).toBe(false);
  });
  it('handles int-or-string and int32 ranges', () => {
    expect(ok({ size: '50%' })).toBe(true);
    expect(ok({ size: 3 })).toBe(true);
    expect(ok({ size: true })).toBe(false);
    expect(ok({ size: 1, count: 2 ** 31 })).toBe(false);
  });
  it('keeps unknown fields where x-kubernetes-preserve-unknown-fields says so', () => {
    expect(ok({ size: 1, config: { known: 'a', anything: { deep: [1] } } })).toBe(true);
    expect(ok({ size: 1, config: { known: 1 } })).toBe(false);
  });
  it('treats x-kubernetes-embedded-resource as a whole object with apiVersion, kind and metadata', () => {
    expect(ok({ size: 1, template: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x' }, spec: {} } })).toBe(true);
    expect(ok({ size: 1, template: { spec: {} } })).toBe(false);
    expect(ok({ size: 1, template: { apiVersion: 'v1', kind: 'Pod', bogus: 1 } })).toBe(false);
  });
  it('checks base64 for byte strings', () => {
    expect(ok({ size: 1, data: 'aGVsbG8=' })).toBe(true);
    expect(ok({ size: 1, data: 'not base64!' })).toBe(false);
  });
  it('explains with the same schema subset', () => {
    const doc2 = schema as unknown as JsonSchemaDocument;
    const issues = explain({ schema: doc2, definition: 'io.k8s.api.example.v1.Widget', kind: 'Widget', object: { spec: { sise: 1 } } });
    expect(issues.map((i) => i.message)).toEqual(['`sise` is not a field of `spec`; did you mean `size`?']);
  });
});
