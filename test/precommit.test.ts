/**
 * The pre-commit hook, installed and run by the real `pre-commit` (Debian's package, installed by .ci/run):
 * pre-commit clones a snapshot of this working tree, `npm install`s it (which builds it) and runs the hook on
 * the staged files of a temporary git repository when a commit is attempted.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT } from './helpers/cli.js';
import { BAD_DAEMONSET as BAD, GOOD_SERVICE as GOOD } from './helpers/manifests.js';
import { describeWithClient } from './helpers/clients.js';



const GIT_ENV = { GIT_AUTHOR_NAME: 'test', GIT_AUTHOR_EMAIL: 'test@example.com', GIT_COMMITTER_NAME: 'test', GIT_COMMITTER_EMAIL: 'test@example.com' };

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'init.defaultBranch=main', '-c', 'commit.gpgsign=false', ...args], { cwd, encoding: 'utf8', env: { ...process.env, ...GIT_ENV } });
}

/** A git repository holding the current working tree (tracked and new files, as they are now) in one commit. */
function snapshotRepo(): { dir: string; rev: string } {
  const dir = mkdtempSync(join(tmpdir(), 'daemonlint-snapshot-'));
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' }).split('\0').filter(Boolean);
  for (const f of new Set(files)) {
    let isFile = false;
    try {
      isFile = statSync(join(ROOT, f)).isFile();
    } catch {
      // Deleted in the working tree.
    }
    if (!isFile) continue;
    mkdirSync(dirname(join(dir, f)), { recursive: true });
    copyFileSync(join(ROOT, f), join(dir, f));
  }
  git(dir, 'init', '-q');
  git(dir, 'add', '-f', '.');
  git(dir, 'commit', '-q', '--no-verify', '-m', 'snapshot');
  return { dir, rev: git(dir, 'rev-parse', 'HEAD').trim() };
}

describe('pre-commit hook', () => {
  it('declares the daemonlint hook as pre-commit expects', () => {
    const hooks = parse(readFileSync(join(ROOT, '.pre-commit-hooks.yaml'), 'utf8'));
    expect(hooks).toEqual([
      expect.objectContaining({ id: 'daemonlint', name: 'daemonlint', entry: 'daemonlint', language: 'node', types_or: ['yaml', 'json'], require_serial: true }),
    ]);
    expect(hooks[0].pass_filenames).not.toBe(false);
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    expect(pkg.bin.daemonlint).toBeDefined();
    // `npm pack` (run by pre-commit) must print only the tarball name, not the prepare script's banner.
    expect(readFileSync(join(ROOT, '.npmrc'), 'utf8')).toMatch(/^foreground-scripts=false$/m);
  });

});

describeWithClient('pre-commit', 'pre-commit hook in a real repository', (preCommit) => {
  it(
    'blocks a commit of a bad manifest with its file:line, and lets a good one through',
    () => {
      const snap = snapshotRepo();
      const home = mkdtempSync(join(tmpdir(), 'daemonlint-pre-commit-home-'));
      const project = mkdtempSync(join(tmpdir(), 'daemonlint-pre-commit-project-'));
      const env = { ...process.env, ...GIT_ENV, PRE_COMMIT_HOME: home, NO_COLOR: '1' };
      git(project, 'init', '-q');
      writeFileSync(join(project, '.pre-commit-config.yaml'), `repos:\n  - repo: ${snap.dir}\n    rev: ${snap.rev}\n    hooks:\n      - id: daemonlint\n`);
      mkdirSync(join(project, 'deploy'));
      writeFileSync(join(project, 'deploy/good.yaml'), GOOD);
      writeFileSync(join(project, 'deploy/bad.yaml'), BAD);
      writeFileSync(join(project, 'untracked-bad.yaml'), BAD);
      writeFileSync(join(project, 'notes.txt'), BAD);

      const install = spawnSync(preCommit.path, ['install', '--install-hooks'], { cwd: project, env, encoding: 'utf8' });
      expect(install.status, install.stdout + install.stderr).toBe(0);

      git(project, 'add', '.pre-commit-config.yaml', 'deploy/good.yaml', 'deploy/bad.yaml', 'notes.txt');
      const blocked = spawnSync('git', ['commit', '-m', 'add manifests'], { cwd: project, env, encoding: 'utf8' });
      const out = blocked.stdout + blocked.stderr;
      expect(blocked.status, out).not.toBe(0);
      expect(out).toMatch(/daemonlint\.+Failed/);
      // The text report names the file, then line:column of the finding (restartPolicy on line 12).
      expect(out).toMatch(/deploy\/bad\.yaml\n\s+12:7\s+error\s+restartPolicy "Never"/);
      // Only staged manifests were linted: not the untracked file, not the .txt file.
      expect(out).not.toContain('untracked-bad.yaml');
      expect(out).not.toContain('notes.txt');
      expect(spawnSync('git', ['rev-parse', '--verify', 'HEAD'], { cwd: project }).status).not.toBe(0);

      // Unstage the bad manifest: the commit of the good one passes the hook.
      git(project, 'rm', '-q', '--cached', 'deploy/bad.yaml');
      const passed = spawnSync('git', ['commit', '-m', 'add good manifest'], { cwd: project, env, encoding: 'utf8' });
      expect(passed.status, passed.stdout + passed.stderr).toBe(0);
      expect(passed.stdout + passed.stderr).toMatch(/daemonlint\.+Passed/);
      expect(git(project, 'show', '--name-only', '--format=', 'HEAD').trim().split('\n').sort()).toEqual(['.pre-commit-config.yaml', 'deploy/good.yaml', 'notes.txt']);
    },
    600_000,
  );
});
