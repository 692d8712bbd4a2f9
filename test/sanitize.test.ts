/**
 * Output from input is neutralised (issue 20): a manifest value or a file name holding line breaks, terminal escape
 * sequences or bidirectional controls never reaches a terminal, a CI log or an editor raw, and the text report never
 * has a line a CI runner reads as a workflow command.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allRules } from '../rules/index.js';
import { markdownSummary } from '../src/action/summary.js';
import { renderCoverage } from '../src/coverage/index.js';
import { lintAsync } from '../src/engine/lint.js';
import { parseSource } from '../src/load/parse.js';
import { toDiagnostic } from '../src/lsp/convert.js';
import { formatGithub } from '../src/report/github.js';
import { formatJson } from '../src/report/json.js';
import { safeDiffText, safeLineStart, safeLineStarts, safeStrings, safeText } from '../src/report/sanitize.js';
import { formatSarif } from '../src/report/sarif.js';
import { formatText } from '../src/report/text.js';
import { runCli } from './helpers/cli.js';
import { workdir } from './helpers/manifests.js';

/** C0 and C1 controls, DEL, line and paragraph separators, bidirectional formatting characters. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

const NASTY = 'ds\n::error file=x,line=1::fake\r\n::stop-commands::tok\u001b]0;pwned\u0007\u001b[2J\u009b31m\u202eevil\u2028';
const HOSTILE = `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: ${JSON.stringify(NASTY)}
  namespace: ${JSON.stringify('ns\u001b[31m')}
spec:
  selector:
    matchLabels: {app: a}
  template:
    metadata:
      labels: {app: a}
    spec:
      hostNetwork: true
      restartPolicy: Never
      containers:
        - name: a
          image: a:1
          ports: [{containerPort: 80, hostPort: 8080}]
`;

/** What no text meant for a terminal or a log may hold. */
function expectInert(out: string, what: string): void {
  expect(out, what).not.toMatch(CONTROL);
  for (const l of out.split('\n')) expect(l.startsWith('::'), `${what}: ${l}`).toBe(false);
}

describe('safeText', () => {
  it('writes every control, separator and bidirectional character as a visible escape', () => {
    expect(safeText('a\nb\r\tc\u001b[2J\u0000\u007f\u0085\u2028\u202e\u2066')).toBe('a\\nb\\r\\tc\\u001b[2J\\u0000\\u007f\\u0085\\u2028\\u202e\\u2066');
    expect(safeText('plain café ✔ 日本')).toBe('plain café ✔ 日本');
    expect(safeLineStart('::error::x.yaml')).toBe('./::error::x.yaml');
    expect(safeDiffText('-a\r\n+b\u001b[2J\tc\rd\n')).toBe('-a\r\n+b\\u001b[2J\tc\\rd\n');
  });

  it('safeStrings: every string of a model, keys included; numbers, booleans and null kept', () => {
    const model = { name: 'a\nb', n: 3, ok: true, none: null, list: ['\u202ex', { 'k\u001b': ['\r'] }] };
    expect(safeStrings(model)).toEqual({ name: 'a\\nb', n: 3, ok: true, none: null, list: ['\\u202ex', { 'k\\u001b': ['\\r'] }] });
    expect(model.name).toBe('a\nb'); // a copy: the model itself is unchanged
  });

  it('safeLineStarts: no line starts with :: once white space and colour codes are trimmed, as CI runners trim them', () => {
    const out = safeLineStarts('::error::a\n  ::warning::b\n\t\u00a0::x\n\u001b[1m::notice::c\u001b[0m\nkeep :: this\n');
    expect(out).toBe('\\u003a:error::a\n  \\u003a:warning::b\n\t\u00a0\\u003a:x\n\u001b[1m\\u003a:notice::c\u001b[0m\nkeep :: this\n');
    for (const l of out.split('\n')) expect(l.replace(/\u001b\[[0-9;]*m/g, '').trimStart().startsWith('::')).toBe(false);
  });
});

describe('every reporter neutralises text from input', async () => {
  const file = parseSource({ path: '::error::x\u001b[2J.yaml', text: HOSTILE });
  const { findings, suppressed } = await lintAsync([file], { rules: allRules });
  const ctx = { files: 1, objects: 1, suppressed, color: false };

  it('text: no control character and no line starting with ::', () => {
    expect(findings.length).toBeGreaterThan(2);
    expect(findings.some((f) => f.message.includes('\n::error'))).toBe(true); // the raw message does hold it
    const text = formatText(findings, ctx);
    expectInert(text, 'text');
    expect(text).toContain('./::error::x\\u001b[2J.yaml\n');
    expect(text).toContain('ds\\n::error file=x,line=1::fake');
  });

  it('github: one command per finding, nothing else', () => {
    const out = formatGithub(findings);
    expect(out).not.toMatch(CONTROL);
    const lines = out.trimEnd().split('\n');
    expect(lines).toHaveLength(findings.length);
    for (const l of lines) expect(l).toMatch(/^::(?:error|warning|notice) file=[^\n]*::[^\n]*$/);
  });

  it('json and sarif: messages sanitised, everything JSON-escaped', () => {
    for (const out of [formatJson(findings, ctx), formatSarif(findings, { rules: allRules, cwd: '/w', suppressed })]) {
      expect(out).not.toMatch(CONTROL);
      const messages: string[] = [];
      const walk = (v: unknown): void => {
        if (Array.isArray(v)) v.forEach(walk);
        else if (v && typeof v === 'object')
          for (const [k, x] of Object.entries(v)) {
            if ((k === 'message' || k === 'text') && typeof x === 'string') messages.push(x);
            walk(x);
          }
      };
      walk(JSON.parse(out));
      expect(messages.length).toBeGreaterThanOrEqual(findings.length);
      for (const m of messages) expect(m).not.toMatch(CONTROL);
      // Object names stay exact for machines: JSON escapes bring them back unchanged.
      expect(out).toContain('\\u202e');
    }
  });

  it('language server diagnostics, the Action summary and the coverage reports', () => {
    for (const f of findings) expect(toDiagnostic(f, '/w', { version: 1 }).message).not.toMatch(CONTROL);
    expectInert(markdownSummary(findings, { files: 1, objects: 1, failOn: 'error', failed: true, problems: ['cannot read \u001b[2J::x'] }), 'summary');
    for (const format of ['text', 'html'] as const) expect(renderCoverage(file.manifests, undefined, format, { color: false })).not.toMatch(CONTROL);
  });
});

describe('through the CLI', () => {
  it('the text report of a hostile manifest with a hostile file name is inert; so are the error lines', () => {
    const dir = workdir({ 'ds.yaml': HOSTILE });
    writeFileSync(join(dir, '::error::x\u001b[2J.yaml'), HOSTILE);
    const r = runCli(['--no-config', '.'], { cwd: dir });
    expect(r.code).toBe(1);
    expectInert(r.stdout, 'stdout');
    const missing = runCli(['--no-config', 'nope\u001b[2J\n::error::x.yaml'], { cwd: dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr.trimEnd().split('\n')).toHaveLength(1);
    expectInert(missing.stderr, 'stderr');
  });
});
