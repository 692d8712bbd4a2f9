/** `--fix-dry-run`'s unified diff: minimal hunks on large files, the same hunks as `diff -u`, exit code like a lint run. */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { unifiedDiff } from '../src/fix/diff.js';
import { runMain } from './helpers/cli.js';
import { BAD_DAEMONSET, removeWorkdirs, workdir } from './helpers/manifests.js';

afterAll(removeWorkdirs);

/** A DaemonSet named `name`: clean, or with restartPolicy Never (one finding, a one-line safe fix). */
const daemonset = (name: string, bad: boolean) =>
  `---\n${BAD_DAEMONSET.replace('name: agent', `name: ${name}`).replace('restartPolicy: Never', bad ? 'restartPolicy: Never' : 'restartPolicy: Always').replace(/agent}/g, `${name}}`)}`;

/** About 4,000 lines: a bad DaemonSet first and last, clean ones between. */
function bigFile(): string {
  const docs = [daemonset('first', true)];
  for (let i = 0; i < 260; i++) docs.push(daemonset(`ok-${i}`, false));
  docs.push(daemonset('last', true));
  return docs.join('');
}

describe('unifiedDiff', () => {
  it('a two-line change in a 4,000-line file is two small hunks', () => {
    const before = bigFile();
    expect(before.split('\n').length).toBeGreaterThan(4000);
    const lines = before.split('\n');
    lines[12] = '      restartPolicy: Always';
    lines[lines.length - 5] = '      restartPolicy: Always';
    const diff = unifiedDiff(before, lines.join('\n'), 'a/x.yaml', 'b/x.yaml');
    expect(diff.match(/^@@/gm)).toHaveLength(2);
    expect(diff.match(/^[-+](?![-+]{2} )/gm)).toHaveLength(4);
    expect(diff.split('\n').length).toBeLessThan(25);
  });

  it('gives what diff -u gives (changes, insertions, deletions, a missing final newline, empty files)', () => {
    const dir = workdir();
    const cases: [string, string][] = [
      ['a\nb\nc\n', 'a\nB\nc\n'],
      ['a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\n', 'a\nb\nX\nd\ne\nf\ng\nh\ni\nY\nk\nl\n'],
      ['', 'a\n'],
      ['a\n', ''],
      ['a\nb', 'a\nb\n'],
      ['x\ny\n', 'y\nx\n'],
      [Array.from({ length: 50 }, (_, i) => `line ${i}\n`).join(''), Array.from({ length: 50 }, (_, i) => (i % 17 === 3 ? `changed ${i}\n` : `line ${i}\n`)).join('')],
    ];
    for (const [i, [a, b]] of cases.entries()) {
      writeFileSync(join(dir, `a${i}`), a);
      writeFileSync(join(dir, `b${i}`), b);
      const gnu = spawnSync('diff', ['-u', '--label', 'a/f', '--label', 'b/f', `a${i}`, `b${i}`], { cwd: dir, encoding: 'utf8' });
      // GNU diff writes a one-line range without its length (`-3 +3`); ours always says it (`-3,1 +3,1`).
      const normalized = gnu.stdout.replace(/^@@ -(\d+)(,\d+)? \+(\d+)(,\d+)? @@/gm, (_, a1, a2, b1, b2) => `@@ -${a1}${a2 ?? ',1'} +${b1}${b2 ?? ',1'} @@`);
      expect(unifiedDiff(a, b, 'a/f', 'b/f'), JSON.stringify([a, b])).toBe(normalized);
    }
  });

  it('equal texts: no diff', () => {
    expect(unifiedDiff('a\n', 'a\n', 'a', 'b')).toBe('');
  });
});

describe('--fix-dry-run', () => {
  it('on a 4,000-line file with two fixable findings prints two small hunks and writes nothing', async () => {
    const text = bigFile();
    const dir = workdir({ 'big.yaml': text });
    const r = await runMain(['--no-config', '--fix-dry-run', 'big.yaml'], { cwd: dir });
    expect(r.stdout.match(/^@@/gm)).toHaveLength(2);
    expect(r.stdout.match(/^- {6}restartPolicy: Never$/gm)).toHaveLength(2);
    expect(r.stdout.match(/^\+ {6}restartPolicy: Always$/gm)).toHaveLength(2);
    expect(r.stdout.split('\n').length).toBeLessThan(25);
    expect(r.stderr).toContain('2 fixes would change 1 file');
    expect(readFileSync(join(dir, 'big.yaml'), 'utf8')).toBe(text);
  });

  it('exits like a lint run: by the findings still in the files and --fail-on', async () => {
    const dir = workdir({ 'a.yaml': BAD_DAEMONSET.replace('      restartPolicy: Never\n', '      restartPolicy: Never\n      hostPID: true\n') });
    // restart-policy (error, fixable) and host-pid (warning, not fixable) are both still on disk.
    expect((await runMain(['--no-config', '--fix-dry-run', 'a.yaml'], { cwd: dir })).code).toBe(1);
    const clean = workdir({ 'a.yaml': BAD_DAEMONSET.replace('restartPolicy: Never', 'restartPolicy: Always').replace('      containers:\n', '      hostPID: true\n      containers:\n') });
    expect((await runMain(['--no-config', '--fix-dry-run', 'a.yaml'], { cwd: clean })).code).toBe(0);
    expect((await runMain(['--no-config', '--fix-dry-run', '--fail-on', 'warning', 'a.yaml'], { cwd: clean })).code).toBe(1);
  });
});
