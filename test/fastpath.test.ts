// Differential test of the loader's fast pass (src/load/fast.ts, js-yaml events) against the yaml library path:
// whenever the fast pass decodes a text, the yaml path must decode it without error into identical values, and
// parseSource must produce the same manifests and problems either way. Positions are always the yaml library's.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { documentStarts, fastDecode, fastDocuments, resolvePlain } from '../src/load/fast.js';
import { parseSource, yamlValues } from '../src/load/parse.js';
import type { SourceFile } from '../src/types.js';
import { CORPUS_ROOT } from './helpers/sarif.js';
import { sampleDocuments } from '../bench/corpus.mjs';

/** An exact, order-preserving rendering of a decoded value (-0, NaN, Infinity and key order all count). */
function canon(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : Number.isNaN(v) ? 'NaN' : String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(canon).join(',')}]`;
  if (typeof v === 'object') {
    if (Object.getPrototypeOf(v) !== Object.prototype) return `<${Object.prototype.toString.call(v)}>`;
    return `{${Object.keys(v as object).map((k) => `${JSON.stringify(k)}:${canon((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return `<${typeof v}:${String(v)}>`;
}

/** Every path inside a value (mapping keys and sequence indexes), plus one missing child of each mapping. */
function pathsOf(v: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(prefix);
  if (out.length > 200) return out;
  if (Array.isArray(v)) v.forEach((x, i) => pathsOf(x, [...prefix, i], out));
  else if (v && typeof v === 'object') {
    for (const k of Object.keys(v)) pathsOf((v as Record<string, unknown>)[k], [...prefix, k], out);
    out.push([...prefix, 'no-such-field']);
  }
  return out;
}

/** Everything a SourceFile hands to the rules, plus the positions of every manifest's root and kind. */
function summary(f: SourceFile): string {
  return JSON.stringify({
    lineCount: f.lineCount,
    problems: f.problems,
    manifests: f.manifests.map((m) => ({
      docIndex: m.docIndex,
      base: m.base,
      ref: m.ref,
      namespace: m.namespace,
      object: canon(m.object),
      root: f.locate(m.docIndex, m.base, 'node'),
      kind: f.locate(m.docIndex, [...m.base, 'kind'], 'value'),
    })),
  });
}

/** The property: the fast pass either gives up, or agrees exactly with the yaml library (which must accept the text). */
function checkText(text: string): 'fast' | 'fallback' {
  const fast = fastDocuments(text);
  const viaFast = parseSource({ path: 'x.yaml', text });
  const viaYaml = parseSource({ path: 'x.yaml', text, fast: false });
  expect(summary(viaFast), text).toBe(summary(viaYaml));
  if (!fast) return 'fallback';
  const ref = yamlValues(text);
  expect(ref, `yaml rejects a text the fast pass accepted:\n${text}`).toBeDefined();
  expect(fast.map(canon), text).toEqual(ref!.map(canon));
  return 'fast';
}

function yamlFiles(dir: string, out: string[] = []): string[] {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) yamlFiles(full, out);
    else if (/\.(ya?ml|json)$/i.test(name)) out.push(full);
  }
  return out;
}

const ROOT = join(import.meta.dirname, '..');
const CORPUS_FILES = [
  ...yamlFiles(CORPUS_ROOT),
  ...yamlFiles(join(ROOT, 'test', 'fixtures')),
  ...yamlFiles(join(ROOT, 'examples')),
];

// Plain scalars whose YAML 1.1 reading is easy to get wrong, and their quoted forms.
const TRICKY = [
  'yes', 'Yes', 'YES', 'yEs', 'no', 'No', 'NO', 'on', 'On', 'ON', 'off', 'Off', 'OFF', 'y', 'Y', 'n', 'N', 'true', 'True',
  'TRUE', 'tRue', 'false', 'False', 'FALSE', '~', 'null', 'Null', 'NULL', 'nULL', '', '0', '-0', '+0', '00', '0755', '-0755',
  '+0755', '08', '09', '0_7', '0_', '0b101', '-0b11', '0b', '0b2', '0x1F', '0X1F', '0xff_ff', '-0x10', '0x', '0xg', '0o17',
  '1_000', '1__0', '_1', '1_', '123', '-123', '+123', '12345678901234567890', '1.5', '1.', '.5', '-.5', '+.5', '.', '-.', '1.0',
  '1.50', '1_0.5', '1e3', '1E3', '1e+3', '1.5e-3', '.5e1', 'e3', '1e', '1e3.5', '.inf', '.Inf', '.INF', '-.inf', '+.inf',
  '.nan', '.NaN', '.NAN', 'inf', 'nan', 'NaN', '2001-12-14', '2001-12-14t21:59:43.10-05:00', '2001-12-14 21:59:43.10 -5',
  '12:30:45', '190:20:30', '1:20', '-1:30.5', '<<', '=', '0.0.0.0', '10.0.0.1', '1.2.3', 'v1', '100m', '128Mi', '1Gi', '10%',
  '*', 'a b', 'a: b', 'a #b', '#', '"', "'", '-', '- a', '[a]', '{a: 1}', '@x', '`x`', '!x', '&x', '%x', '|', '>', '?',
  'é', '日本', '\u00a0x', 'x\u00a0', '__proto__', 'constructor', 'toString', 'hasOwnProperty',
];

function quoteVariants(s: string): string[] {
  return [JSON.stringify(s), `'${s.replace(/'/g, "''")}'`];
}

/** Scalars as they may appear in a YAML source (plain where that is valid YAML, quoted, block). */
const scalarSrc = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...TRICKY) },
  { weight: 2, arbitrary: fc.constantFrom(...TRICKY).map((s) => fc.sample(fc.constantFrom(...quoteVariants(s)), 1)[0]!) },
  { weight: 1, arbitrary: fc.string({ maxLength: 8 }) },
  { weight: 1, arbitrary: fc.constantFrom('"a\\tb\\n\\x41\\u00e9\\\\"', "'it''s'", '"multi\n  line"', 'plain\n  folded', '"\\/"', '" lead"') },
);

type Tree = string | Tree[] | { [k: string]: Tree };

const keySrc = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom('a', 'b', 'name', 'kind', 'value', 'labels', 'app.kubernetes.io/name', 'x y') },
  { weight: 2, arbitrary: fc.constantFrom(...TRICKY.filter((t) => /^[\w.~+-]*$/.test(t) && t !== '')) },
  { weight: 1, arbitrary: fc.constantFrom('"a"', "'a'", '"1"', '"yes"', '? a', '"__proto__"', 'a b') },
);

const tree: fc.Arbitrary<Tree> = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalarSrc, tie('seq'), tie('map')),
  seq: fc.array(tie('node'), { maxLength: 4 }),
  map: fc.dictionary(keySrc, tie('node'), { maxKeys: 4 }),
})).node as fc.Arbitrary<Tree>;

/** Render a tree as block YAML (flow style for some collections). */
function render(t: Tree, indent: number, flow: boolean): string {
  const pad = ' '.repeat(indent);
  if (typeof t === 'string') return t.includes('\n') ? t.replace(/\n/g, `\n${pad}  `) : t;
  if (Array.isArray(t)) {
    if (!t.length) return '[]';
    if (flow) return `[${t.map((x) => (typeof x === 'string' && /^[\w.~+-]+$/.test(x) ? x : JSON.stringify(canon(x)))).join(', ')}]`;
    return '\n' + t.map((x) => `${pad}- ${render(x, indent + 2, false).replace(/^\n\s*/, '')}`).join('\n');
  }
  const keys = Object.keys(t);
  if (!keys.length) return '{}';
  if (flow) return `{${keys.map((k) => `${k.startsWith('?') ? JSON.stringify(k) : k}: ${typeof t[k] === 'string' && /^[\w.~+-]*$/.test(t[k] as string) ? t[k] : '""'}`).join(', ')}}`;
  return '\n' + keys.map((k) => `${pad}${k}: ${render(t[k]!, indent + 2, false)}`).join('\n');
}

describe('lazy positions', () => {
  it('point every path of every corpus object where the yaml path points it, for every anchor', () => {
    let located = 0;
    for (const file of CORPUS_FILES.filter((_, i) => i % 2 === 0).slice(0, 70)) {
      const text = readFileSync(file, 'utf8');
      const lazy = parseSource({ path: 'x.yaml', text });
      const eager = parseSource({ path: 'x.yaml', text, fast: false });
      expect(lazy.manifests.length).toBe(eager.manifests.length);
      lazy.manifests.forEach((m, i) => {
        for (const p of pathsOf(m.object)) {
          for (const at of ['key', 'value', 'node'] as const) {
            expect(lazy.locate(m.docIndex, [...m.base, ...p], at), `${file} ${p.join('.')}`).toEqual(eager.locate(eager.manifests[i]!.docIndex, [...m.base, ...p], at));
            located++;
          }
        }
      });
    }
    expect(located).toBeGreaterThan(5000);
  }, 180_000);

  it('parse one document on its own and agree with the whole-file parse on every path of every document', () => {
    const ds = sampleDocuments(5, 4);
    const texts = [
      ds.join('---\n'),
      `# leading comment\n\n---\n${ds.join('\n---\n')}`,
      `---\n${ds.join('--- # a comment on the marker\n')}`,
      ds.join('---\t\n'),
      `${ds[0]}---\n# only a comment\n---\n${ds[1]}`,
      `${ds[0]}# trailing comment of the first document\n\n---\n${ds[1]}\n\n\n`,
      `--- |\nroot literal at column 0\n---x is still text\n----\n---\n${ds[2]}`,
      `--- >\n  folded\n---\n${ds[3]}---\n`,
      ds.map((d) => d.replace(/\n/g, '\r\n')).join('---\r\n'),
      `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata:\n  k: |\n    ---\n    --- not a marker: indented\n---\n${ds[0]}`,
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: "multi\n    --- line"\n---\napiVersion: v1\nkind: List\nitems:\n- ${ds[1]!.replace(/\n(?!$)/g, '\n  ')}`,
    ];
    for (const text of texts) {
      expect(fastDocuments(text), text).toBeDefined();
      const lazy = parseSource({ path: 'x.yaml', text });
      const eager = parseSource({ path: 'x.yaml', text, fast: false });
      expect(lazy.manifests.length, text).toBe(eager.manifests.length);
      expect(lazy.manifests.length).toBeGreaterThan(0);
      // Later documents first: each is parsed on its own before anything else is.
      for (const m of [...lazy.manifests].reverse()) {
        for (const p of pathsOf(m.object)) {
          for (const at of ['key', 'value', 'node'] as const) {
            const path = [...m.base, ...p];
            expect(lazy.locate(m.docIndex, path, at), `${text}\n${path.join('.')} ${at}`).toEqual(eager.locate(m.docIndex, path, at));
          }
        }
      }
    }
  });

  it('find where each document starts, or give up when the markers do not account for the documents', () => {
    expect(documentStarts('a: 1\n---\nb: 2\n', 2)).toEqual([0, 5]);
    expect(documentStarts('# c\n---\na: 1\n--- \nb: 2\n', 2)).toEqual([0, 13]);
    expect(documentStarts('---\na: 1\n', 1)).toEqual([0]);
    expect(documentStarts('--- |\ntext\n---x\n----\n---\tb: 1\n', 2)).toEqual([0, 21]);
    expect(documentStarts('', 0)).toEqual([]);
    expect(documentStarts('a: 1\n---\n', 2)).toEqual([0, 5]);
    expect(documentStarts('a: 1\n---\nb: 2\n', 3)).toBeUndefined();
    expect(documentStarts('a: 1\r---\rb: 2\r', 2)).toBeUndefined();
  });

  it('are resolved on demand, after the objects are decoded, and stay stable across calls', () => {
    const text = sampleDocuments(2, 3).join('---\n');
    const f = parseSource({ path: 'x.yaml', text });
    expect(f.manifests.length).toBe(3);
    const last = f.manifests[2]!;
    const first = f.locate(last.docIndex, ['metadata', 'name'], 'value');
    expect(text.split('\n')[first.line - 1]).toContain(`name: ${last.object.metadata.name}`);
    expect(f.locate(last.docIndex, ['metadata', 'name'], 'value')).toEqual(first);
    expect(f.locate(99, ['kind'])).toEqual({ line: 1, column: 1, endLine: 1, endColumn: 1 });
  });
});

describe('the fast pass', () => {
  it('resolves plain scalars as YAML 1.1 does for kubectl', () => {
    expect(resolvePlain('yes')).toBe(true);
    expect(resolvePlain('Off')).toBe(false);
    expect(resolvePlain('y')).toBe(true);
    expect(resolvePlain('0755')).toBe(493);
    expect(resolvePlain('0x1F')).toBe(31);
    expect(resolvePlain('1_000')).toBe(1000);
    expect(resolvePlain('~')).toBe(null);
    expect(resolvePlain('2001-12-14')).toBe('2001-12-14');
    expect(resolvePlain('190:20:30')).toBe('190:20:30');
    expect(resolvePlain('0o17')).toBe('0o17');
    expect(Object.is(resolvePlain('-0'), -0)).toBe(true);
  });

  it('agrees with the yaml path on every tricky scalar, plain and quoted, as a value and as a key', () => {
    for (const s of TRICKY) {
      for (const src of [s, ...quoteVariants(s)]) {
        checkText(`v: ${src}\n`);
        checkText(`- ${src}\n`);
        checkText(`${src}: 1\n`);
        checkText(`{a: ${src}}\n`);
        checkText(`[${src}]\n`);
        checkText(`apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  k: ${src}\n`);
      }
    }
  });

  it('agrees on documents, block scalars, comments, flow collections and edge layouts', () => {
    const texts = [
      '', '\n', '# only a comment\n', '---\n', '---\n---\n', '...\n', 'a: 1\n---\n', '---\na: 1\n...\n---\nb: 2\n',
      '# c\n---\napiVersion: v1\nkind: Service\n', 'a: 1\n--- \nb: 2', '--- |\n  text\n', '--- >-\n  folded\n  text\n\n',
      'k: |\n  line1\n  line2\n', 'k: |-\n  x\n', 'k: |+\n  x\n\n', 'k: >\n  a\n  b\n\n  c\n', 'k: |2\n    indented\n',
      'k: >-\n  \n  a\n', 'k: "a\n  b\n\n  c"\n', "k: 'a\n  b'\n", 'k: plain\n  continued\n  more\n', 'k: a # comment\n',
      'k: a#b\n', 'k:\n  - a\n  -\n  - c\n', 'k:\n- a\n- b\n', '- - a\n  - b\n- c\n', 'k: {a: 1, b: [x, y], c: {d: e}}\n',
      'k: [a, {b: c}, [d]]\n', '{a: 1, a: 2}\n', 'a: 1\na: 2\n', 'a: 1\n"a": 2\n', '1: a\n"1": b\n', '1: a\n1.0: b\n',
      'null: a\n~: b\n', ': novalue\n', '? complex\n: value\n', '? [a, b]\n: v\n', '? {a: 1}\n: v\n', 'a: &x 1\nb: *x\n',
      'base: &b {x: 1}\nd:\n  <<: *b\n  y: 2\n', '<<: {a: 1}\n', 'a: !!str 1\n', 'a: !custom x\n', '%YAML 1.1\n---\na: yes\n',
      '%YAML 1.2\n---\na: yes\n', '%TAG ! tag:x,2000:\n---\na: b\n', 'a:\tb\n', 'a: b\t\n', '\ta: b\n', 'a:\n\t- b\n',
      'a: b: c\n', 'a: [b\n', 'a: "unterminated\n', "a: 'x''\n", '- a\nb: c\n', 'a:\n  b: 1\n c: 2\n', 'a: 1\n  b: 2\n',
      '[a, b]: c\n', '"a\\qb": 1\n', 'a: "\\x41\\u263a\\U0001F600"\n', 'key with spaces: v\n', '"quoted key": v\n',
      '__proto__: {polluted: true}\n', 'constructor: x\ntoString: y\n', 'a: 1\r\nb: 2\r\n', '\ufeffa: 1\n', 'a: -\n',
      'a: - b\n', '- a: 1\n  b: 2\n- c: 3\n', 'a:\n  - b: 1\n    c: 2\n', 'x: {a: }\n', 'x: [a, ]\n', 'x: {? a}\n', 'x: [a: b]\n',
      'a: >\n\n  x\n', `${'k'.repeat(1100)}: v\n`, `a: ${'['.repeat(120)}${']'.repeat(120)}\n`, 'a:\n' + '  '.repeat(1) + 'b: c\n',
      'items: [1, 2]\nkind: List\napiVersion: v1\n', 'apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n',
    ];
    for (const t of texts) checkText(t);
  });

  it('agrees on every corpus, fixture and example file, and decodes most of them itself', () => {
    expect(CORPUS_FILES.length).toBeGreaterThan(100);
    let fast = 0;
    for (const f of CORPUS_FILES) {
      const text = readFileSync(f, 'utf8').replace(/^\ufeff/, '');
      if (checkText(text) === 'fast') fast++;
    }
    expect(fast / CORPUS_FILES.length).toBeGreaterThan(0.8);
  }, 120_000);

  it('agrees on the benchmark generator documents', () => {
    const docs = sampleDocuments(11, 150);
    for (const d of docs) expect(checkText(d)).toBe('fast');
    expect(checkText(docs.join('---\n'))).toBe('fast');
  }, 120_000);

  it('decodes the same whatever the size of the pieces a text is decoded in', () => {
    // Large texts are decoded a few documents at a time (FAST_PIECE_CHARS); one document per piece, a few per piece
    // and the whole text at once must give the same values and document starts, or all give up.
    const texts = [
      ...CORPUS_FILES.map((f) => readFileSync(f, 'utf8').replace(/^\ufeff/, '')).filter((t) => t.includes('\n---')),
      sampleDocuments(7, 60).join('---\n'),
      '# head\n---\na: 1\n---\n---\nb: 2\n# tail\n',
      'a: 1\n---\nb: [2\n---\nc: 3\n',
      'a: 1\n---\nb: &x 2\n---\nc: *x\n',
    ];
    expect(texts.length).toBeGreaterThan(20);
    for (const t of texts) {
      const whole = fastDecode(t, Number.MAX_SAFE_INTEGER);
      for (const piece of [1, 64, 1024]) expect(fastDecode(t, piece), `piece ${piece}`).toEqual(whole);
    }
  }, 120_000);

  it('agrees on generated documents', () => {
    fc.assert(
      fc.property(fc.array(tree, { minLength: 1, maxLength: 3 }), fc.boolean(), (docs, flow) => {
        const text = docs.map((d) => render(d, 0, flow).replace(/^\n/, '') + '\n').join('---\n');
        checkText(text);
      }),
      { numRuns: 1500, seed: 20251122 },
    );
  }, 120_000);

  it('never accepts a damaged manifest that the yaml library rejects', () => {
    const sources = CORPUS_FILES.filter((f) => /real/.test(f)).slice(0, 40).map((f) => readFileSync(f, 'utf8'));
    const damage = [':', ' ', '\t', '-', '"', "'", '\n', '#', '[', '{', ']', '}', ',', '&', '*', '!', '|', '>', '?', '%', '@'];
    fc.assert(
      fc.property(fc.nat(), fc.nat(), fc.constantFrom(...damage), fc.constantFrom('insert', 'replace', 'delete'), (a, b, ch, op) => {
        const src = sources[a % sources.length]!;
        const at = b % (src.length + 1);
        const text = op === 'insert' ? src.slice(0, at) + ch + src.slice(at) : op === 'replace' ? src.slice(0, at) + ch + src.slice(at + 1) : src.slice(0, at) + src.slice(at + 1);
        checkText(text);
      }),
      { numRuns: 800, seed: 7 },
    );
  }, 180_000);
});
