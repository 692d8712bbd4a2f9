// The text model (src/load/text.ts): the one place where offsets become lines and columns, and where files are parsed
// for positions.
import { describe, expect, it } from 'vitest';
import { documentStarts, fastDocuments } from '../src/load/fast.js';
import { parseSource } from '../src/load/parse.js';
import { spanInDocument } from '../src/load/positions.js';
import { TextModel } from '../src/load/text.js';

describe('line index', () => {
  it('counts LF, CRLF (as one break) and a lone CR as line breaks', () => {
    const m = new TextModel('a\nb\r\nc\rd');
    expect([...m.lineStarts]).toEqual([0, 2, 5, 7]);
    expect(m.lineCount).toBe(4);
    expect([1, 2, 3, 4].map((l) => m.lineText(l))).toEqual(['a', 'b', 'c', 'd']);
    expect(m.position(3)).toEqual({ line: 2, column: 2 }); // the CR of CRLF ends line 2
    expect(m.position(5)).toEqual({ line: 3, column: 1 });
    expect(m.position(8)).toEqual({ line: 4, column: 2 }); // the end of the text
    expect(m.offsetAt(3, 1)).toBe(5);
    expect(m.offsetAt(2, 99)).toBe(3); // clamped to the line's end, before its break
  });

  it('does not count a final line break as a line, and an empty text has one line', () => {
    expect(new TextModel('a: 1\n').lineCount).toBe(1);
    expect(new TextModel('a: 1\r\n').lineCount).toBe(1);
    expect(new TextModel('a: 1\r').lineCount).toBe(1);
    expect(new TextModel('a: 1\n\n').lineCount).toBe(2);
    expect(new TextModel('').lineCount).toBe(1);
  });

  it('keeps ranges inside the file: an end just after a line break stays on the line it closes', () => {
    for (const nl of ['\n', '\r\n', '\r']) {
      const text = `a: 1${nl}b: 2${nl}`;
      const m = new TextModel(text);
      expect(m.rangeOf(0, 4 + nl.length), JSON.stringify(nl)).toEqual({ line: 1, column: 1, endLine: 1, endColumn: 5 });
      expect(m.rangeOf(text.length, text.length), JSON.stringify(nl)).toEqual({ line: 2, column: 5, endLine: 2, endColumn: 5 });
    }
  });

  it('agrees with a line-by-line split on random texts', () => {
    let seed = 7;
    const r = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    for (let n = 0; n < 200; n++) {
      const text = Array.from({ length: Math.floor(r() * 40) }, () => ['a', ' ', '\n', '\r', '\r\n', 'é'][Math.floor(r() * 6)]).join('');
      const m = new TextModel(text);
      const lines = text.split(/\r\n|\r|\n/);
      expect(m.lineStarts.length).toBe(lines.length);
      lines.forEach((l, i) => expect(m.lineText(i + 1)).toBe(l));
      for (let o = 0; o <= text.length; o++) {
        const { line, column } = m.position(o);
        expect(m.lineStart(line) + column - 1).toBe(o);
      }
    }
  });
});

describe('documents', () => {
  const text = ['# lead', 'kind: A', 'spec: {x: 1}', '---', 'kind: B', 'spec:', '  y: [1, 2]', '--- ', 'kind: C', ''].join('\n');

  it('parses one document on its own with positions in the whole file, equal to the whole-file parse', () => {
    const fast = fastDocuments(text)!;
    const alone = new TextModel(text, documentStarts(text, fast.length));
    const whole = new TextModel(text);
    expect(alone.documentCount).toBe(3);
    for (let i = 0; i < 3; i++) {
      const a = alone.document(i)!;
      const w = whole.document(i)!;
      expect(a.offset).toBeGreaterThanOrEqual(0);
      expect(w.offset).toBe(0);
      for (const path of [[], ['kind'], ['spec'], ['spec', 'x'], ['spec', 'y', 1], ['spec', 'nope']]) {
        for (const at of ['key', 'value', 'node'] as const) {
          const [s1, e1] = spanInDocument(a.doc, path, at);
          const [s2, e2] = spanInDocument(w.doc, path, at);
          expect(alone.rangeOf(a.offset + s1, a.offset + e1)).toEqual(whole.rangeOf(s2, e2));
        }
      }
      expect(alone.documentSpan(i)).toBeDefined();
    }
  });

  it('keeps documents parsed on their own within a budget, and parses again on demand', () => {
    const many = Array.from({ length: 50 }, (_, i) => `kind: K${i}\nmetadata: {name: n${i}}\n`).join('---\n');
    const file = parseSource({ path: 'm.yaml', text: many });
    const first = file.locate(0, ['metadata', 'name']);
    for (let i = 0; i < 50; i++) expect(file.locate(i, ['kind'], 'value').line).toBe(1 + i * 3);
    expect(file.locate(0, ['metadata', 'name'])).toEqual(first);
  });

  it('counts lines of CR-only files the way an editor does', () => {
    const file = parseSource({ path: 'cr.yaml', text: 'kind: A\rmetadata: {}\r' });
    expect(file.lineCount).toBe(2);
  });
});
