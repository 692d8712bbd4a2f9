// Precision on real manifests: every finding on the vendored real corpus (test/fixtures/corpus/real, one lint run per
// file, as a project would lint its own manifest) is listed in test/fixtures/corpus/real.expected.txt with the reason
// it is right. A finding that appears or vanishes, or changes its severity or wording, fails this test until a person
// reviews it: `UPDATE_PRECISION=1 npx vitest run test/precision.test.ts` rewrites the list, keeps the reasons of the
// findings that stay, and marks every other one `reason: TODO`, which fails the test until it is replaced by a reason.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lintPaths } from '../src/app/lint.js';
import { CORPUS_ROOT } from './helpers/sarif.js';

const CORPUS = join(CORPUS_ROOT, 'real');
const EXPECTED = join(CORPUS_ROOT, 'real.expected.txt');
const TODO = 'TODO';

interface Entry {
  /** `file:line:column rule/messageId`, with `#n` for the n-th finding of the same key. */
  key: string;
  severity: string;
  message: string;
  reason: string;
}

const HEADER = `# Every finding of daemonlint on test/fixtures/corpus/real (one run per file, default profile, no config), each with
# the reason it is intended. Checked by test/precision.test.ts: a new, vanished or changed finding fails the test.
# After a deliberate change run \`UPDATE_PRECISION=1 npx vitest run test/precision.test.ts\`: it keeps the reasons of
# unchanged findings and writes "reason: ${TODO}" for the others; review each of those and write its reason (or fix
# the rule when the finding is wrong).
`;

async function actualEntries(): Promise<Entry[]> {
  const out: Entry[] = [];
  const names = readdirSync(CORPUS)
    .filter((n) => /\.ya?ml$/.test(n))
    .sort();
  for (const name of names) {
    const r = await lintPaths({ paths: [name], cwd: CORPUS, noConfig: true, readStdin: async () => Buffer.alloc(0) });
    expect(r.internalErrors, name).toEqual([]);
    expect(r.readErrors, name).toEqual([]);
    const seen = new Map<string, number>();
    for (const f of r.findings) {
      const base = `${f.file}:${f.line}:${f.column} ${f.ruleId}/${f.messageId ?? '-'}`;
      const n = (seen.get(base) ?? 0) + 1;
      seen.set(base, n);
      out.push({ key: n === 1 ? base : `${base}#${n}`, severity: f.severity, message: f.message, reason: '' });
    }
  }
  return out;
}

function parseExpected(text: string): Entry[] {
  const out: Entry[] = [];
  let cur: Entry | undefined;
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line.trim() === '') continue;
    const head = /^(\S+:\d+:\d+ \S+) (error|warning|info)$/.exec(line);
    if (head) {
      cur = { key: head[1]!, severity: head[2]!, message: '', reason: '' };
      out.push(cur);
      continue;
    }
    const field = /^ {2}(message|reason): (.*)$/.exec(line);
    if (!field || !cur) throw new Error(`real.expected.txt: cannot read line ${JSON.stringify(line)}`);
    cur[field[1] as 'message' | 'reason'] = field[2]!;
  }
  return out;
}

function render(entries: readonly Entry[]): string {
  return `${HEADER}\n${entries.map((e) => `${e.key} ${e.severity}\n  message: ${e.message}\n  reason: ${e.reason}\n`).join('\n')}`;
}

describe('precision on the real corpus', () => {
  it('finds exactly the reviewed findings, each with its reason', async () => {
    const actual = await actualEntries();
    let expected = parseExpected(readFileSync(EXPECTED, 'utf8'));
    if (process.env.UPDATE_PRECISION) {
      const reasons = new Map(expected.map((e) => [e.key, e]));
      // A reason is kept only for a finding that stayed the same: a changed wording or severity is reviewed again.
      for (const a of actual) {
        const old = reasons.get(a.key);
        a.reason = old && old.severity === a.severity && old.message === a.message && old.reason ? old.reason : TODO;
      }
      writeFileSync(EXPECTED, render(actual));
      expected = parseExpected(readFileSync(EXPECTED, 'utf8'));
    }
    const keys = (list: readonly Entry[]) => new Set(list.map((e) => e.key));
    const actualKeys = keys(actual);
    const expectedKeys = keys(expected);
    const appeared = actual.filter((e) => !expectedKeys.has(e.key)).map((e) => `${e.key} ${e.severity}: ${e.message}`);
    const vanished = expected.filter((e) => !actualKeys.has(e.key)).map((e) => e.key);
    expect({ appeared, vanished }, 'findings not in real.expected.txt, and listed ones no longer found').toEqual({ appeared: [], vanished: [] });
    const byKey = new Map(expected.map((e) => [e.key, e]));
    const changed = actual
      .filter((a) => byKey.get(a.key)!.severity !== a.severity || byKey.get(a.key)!.message !== a.message)
      .map((a) => `${a.key}: now ${a.severity}: ${a.message}`);
    expect(changed, 'findings whose severity or wording changed').toEqual([]);
    const unreviewed = expected.filter((e) => !e.reason || e.reason.startsWith(TODO)).map((e) => e.key);
    expect(unreviewed, 'findings without a reviewed reason').toEqual([]);
  });
});
