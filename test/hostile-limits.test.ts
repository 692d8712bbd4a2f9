/**
 * The decoder's resource bounds (src/load/limits.ts): nesting depth and linear-time duplicate keys. They must hold
 * whatever else changes in the loader, so they are tested here directly as well as end to end in hostile.test.ts.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LineCounter, parseAllDocuments, type Document } from 'yaml';
import { MAX_NESTING_DEPTH, duplicateKeyErrors, firstTooDeep, parseDocuments } from '../src/load/limits.js';
import { PARSE_OPTIONS, parseSource } from '../src/load/parse.js';
import { Parser } from 'yaml';
import { CORPUS_ROOT } from './helpers/sarif.js';

const CORPUS = join(CORPUS_ROOT, 'real');

function docToken(text: string) {
  for (const t of new Parser().parse(text)) if (t.type === 'document') return t.value!;
  throw new Error('no document');
}

describe('nesting depth limit', () => {
  it('measures flow, block and compact nesting without recursion', () => {
    expect(firstTooDeep(docToken('a: {b: [c]}\n'), 3)).toBeUndefined();
    expect(firstTooDeep(docToken('a: {b: [c]}\n'), 2)).toBe(7); // the `[` at depth 3
    expect(firstTooDeep(docToken('- - - x\n'), 2)).toBe(4);
    expect(firstTooDeep(docToken('a:\n  b:\n    c: 1\n'), 2)).toBe(12);
    expect(firstTooDeep(docToken('? [k]\n: v\n'), 1)).toBe(2); // a collection as a key counts too
    const deep = '['.repeat(200_000) + ']'.repeat(200_000);
    expect(firstTooDeep(docToken(deep))).toBe(MAX_NESTING_DEPTH);
  });

  it('accepts a document exactly at the limit and rejects one level more, with a positioned error', () => {
    const at = 'k: ' + '['.repeat(MAX_NESTING_DEPTH - 1) + ']'.repeat(MAX_NESTING_DEPTH - 1) + '\n';
    const [ok] = parseDocuments(at, PARSE_OPTIONS);
    expect(ok!.errors).toEqual([]);
    const over = 'k: ' + '['.repeat(MAX_NESTING_DEPTH) + ']'.repeat(MAX_NESTING_DEPTH) + '\n';
    const [bad] = parseDocuments(over, PARSE_OPTIONS);
    expect(bad!.errors.map((e) => [e.code, e.pos[0]])).toEqual([['RESOURCE_EXHAUSTION', 3 + MAX_NESTING_DEPTH - 1]]);
    expect(bad!.errors[0]!.message).toContain(`more than ${MAX_NESTING_DEPTH} levels deep`);
  });

  it('keeps the other documents of the stream and their indices', () => {
    const text = 'a: 1\n---\n' + '['.repeat(10_000) + ']'.repeat(10_000) + '\n---\nb: 2\n';
    const docs = parseDocuments(text, PARSE_OPTIONS);
    expect(docs).toHaveLength(3);
    expect(docs[0]!.toJS()).toEqual({ a: 1 });
    expect(docs[1]!.errors[0]!.code).toBe('RESOURCE_EXHAUSTION');
    expect(docs[2]!.toJS()).toEqual({ b: 2 });
  });
});

describe('duplicate keys in linear time', () => {
  it('reports the same duplicates as the library, pointing at the whole key', () => {
    const text = 'metadata:\n  name: a\n  name: b\n"x": 1\nx: 2\n1: a\n"1": b\n~: 1\nnull: 2\n.nan: 1\n.nan: 2\nm:\n  <<: {p: 1}\n  <<: {q: 1}\nl: [{k: 1, k: 2}, [z: 1]]\n';
    const doc = parseAllDocuments(text, PARSE_OPTIONS)[0] as unknown as Document;
    const mine = duplicateKeyErrors(parseDocuments(text, { ...PARSE_OPTIONS, uniqueKeys: false })[0]!);
    expect(mine.map((e) => e.code)).toEqual(doc.errors.map((e) => e.code));
    expect(mine.map((e) => text.slice(e.pos[0], e.pos[1]))).toEqual(['name', 'x', 'null', 'k']);
  });

  it('decodes a mapping with 200,000 keys (quadratic in the library) and finds the one duplicate', () => {
    const keys = Array.from({ length: 200_000 }, (_, i) => `  k${i}: v\n`);
    keys.push('  k7: again\n');
    const file = parseSource({ path: 'big.yaml', text: `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata:\n${keys.join('')}`, fast: false } as Parameters<typeof parseSource>[0]);
    expect(file.manifests).toHaveLength(1);
    expect(file.problems.map((p) => [p.ruleId, p.range.line, p.range.column, p.range.endColumn])).toEqual([['yaml-syntax', 200_005, 3, 5]]);
    expect(file.problems[0]!.message).toContain('Duplicate key "k7"');
  });
});

describe('parseDocuments is parseAllDocuments on ordinary input', () => {
  it('gives the same values, errors and line table for every corpus manifest', () => {
    for (const name of readdirSync(CORPUS).filter((f) => /\.ya?ml$/.test(f))) {
      const text = readFileSync(join(CORPUS, name), 'utf8');
      const lcA = new LineCounter();
      const lcB = new LineCounter();
      const a = parseAllDocuments(text, { ...PARSE_OPTIONS, lineCounter: lcA }) as unknown as Document[];
      const b = parseDocuments(text, PARSE_OPTIONS, lcB);
      expect(b.length, name).toBe(Array.isArray(a) ? a.length : 0);
      b.forEach((d, i) => {
        expect(d.toJS({ maxAliasCount: 1000 }), name).toEqual(a[i]!.toJS({ maxAliasCount: 1000 }));
        expect(d.errors.map((e) => [e.code, e.pos[0]]), name).toEqual(a[i]!.errors.map((e) => [e.code, e.pos[0]]));
      });
      expect(lcB.lineStarts, name).toEqual(lcA.lineStarts);
    }
  });
});

describe('ranges stay within the file', () => {
  it('an error or a node running to the end of a text that ends with a line break ends on the last line', () => {
    const unclosed = parseSource({ path: 'u.yaml', text: '{metadata:\n  name: x\n' });
    expect(unclosed.lineCount).toBe(2);
    for (const p of unclosed.problems) expect(p.range.endLine).toBeLessThanOrEqual(2);
    expect(unclosed.problems[0]!.range.line).toBeLessThanOrEqual(2);
    const block = parseSource({ path: 'b.yaml', text: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: b\n', fast: false } as Parameters<typeof parseSource>[0]);
    expect(block.locate(0, ['data'], 'node')).toEqual({ line: 5, column: 1, endLine: 6, endColumn: 7 });
    expect(block.locate(0, [], 'node')).toEqual({ line: 1, column: 1, endLine: 6, endColumn: 7 });
  });
});
