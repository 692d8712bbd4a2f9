/**
 * What daemonlint promises never to do to the user's files and machine (issue 8), checked through the real CLI:
 * - it writes nothing but `--output` (and `--write-baseline`) and the files `--fix` changes, atomically;
 * - it never reaches the network or starts a process, in any mode;
 * - configuration is data: nothing from the linted repository is ever required or imported;
 * - SARIF paths never escape the working directory: relative without `..` inside it, absolute file URIs outside.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, type RunResult } from './helpers/cli.js';
import { validateSarif } from './helpers/sarif.js';

const GUARD = join(import.meta.dirname, 'helpers', 'no-network.cjs');
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const DS = `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
spec:
  selector:
    matchLabels: {app: agent}
  template:
    metadata:
      labels: {app: agent}
    spec:
      restartPolicy: Never
      hostNetwork: true
      containers:
        - name: agent
          image: example/agent:1.0
          securityContext: {privileged: true, capabilities: {add: [NET_ADMIN]}}
`;
const SVC = `apiVersion: v1
kind: Service
metadata: {name: agent}
spec:
  selector: {app: agent}
  internalTrafficPolicy: Local
  ports: [{port: 80, targetPort: 8080}]
`;
const NODES = `apiVersion: v1
kind: List
items:
  - {apiVersion: v1, kind: Node, metadata: {name: n1, labels: {kubernetes.io/os: linux}}}
`;

/** A project to lint, with a fake HOME and TMPDIR inside the sandbox so writes there are seen too. */
function sandbox(files: Record<string, string> = {}): { root: string; project: string; env: Record<string, string> } {
  const root = mkdtempSync(join(tmpdir(), 'daemonlint-guarantee-'));
  dirs.push(root);
  const project = join(root, 'project');
  const all = { 'deploy/agent.yaml': DS, 'deploy/svc.yaml': SVC, 'nodes.yaml': NODES, 'notes.txt': 'not yaml', ...files };
  for (const [name, text] of Object.entries(all)) {
    mkdirSync(join(project, name, '..'), { recursive: true });
    writeFileSync(join(project, name), text);
  }
  for (const d of ['home', 'tmp', 'cache']) mkdirSync(join(root, d));
  return { root, project, env: { HOME: join(root, 'home'), TMPDIR: join(root, 'tmp'), XDG_CACHE_HOME: join(root, 'cache') } };
}

/** Path → kind, size, mtime and content hash of everything under `dir`. */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const full = join(d, name);
      const st = lstatSync(full);
      const rel = relative(dir, full);
      if (st.isDirectory()) {
        out.set(rel + '/', `dir ${st.mtimeMs}`);
        walk(full);
      } else out.set(rel, `${st.size} ${st.mtimeMs} ${createHash('sha256').update(readFileSync(full)).digest('hex')}`);
    }
  };
  walk(dir);
  return out;
}

function changes(before: Map<string, string>, after: Map<string, string>): string[] {
  const keys = new Set([...before.keys(), ...after.keys()]);
  return [...keys].filter((k) => before.get(k) !== after.get(k)).sort();
}

/** Run the CLI with the network/process guard preloaded; returns the run and every blocked attempt. */
function guarded(args: string[], cwd: string, env: Record<string, string>, extra: Record<string, string> = {}): RunResult & { attempts: string[] } {
  const logFile = join(cwd, '..', `guard-${Math.random().toString(36).slice(2)}.log`);
  const r = runCli(args, { cwd, env: { ...env, ...extra, NODE_OPTIONS: `--require ${GUARD}`, DAEMONLINT_GUARD_LOG: logFile } });
  const attempts = existsSync(logFile) ? readFileSync(logFile, 'utf8').trim().split('\n').filter(Boolean) : [];
  rmSync(logFile, { force: true });
  return { ...r, attempts };
}

const MODES: { name: string; args: string[] }[] = [
  { name: 'text', args: ['.'] },
  { name: 'json', args: ['-f', 'json', '.'] },
  { name: 'sarif', args: ['-f', 'sarif', '.'] },
  { name: 'github', args: ['-f', 'github', '.'] },
  { name: 'nodes', args: ['--nodes', 'nodes.yaml', '-f', 'json', 'deploy'] },
  { name: 'quiet baseline', args: ['--quiet', '--fail-on', 'info', '.'] },
  { name: 'fix dry run', args: ['--fix-dry-run', '.'] },
  { name: 'coverage', args: ['coverage', '--nodes', 'nodes.yaml', 'deploy'] },
  { name: 'coverage json', args: ['coverage', '--nodes', 'nodes.yaml', '-f', 'json', 'deploy'] },
  { name: 'rules', args: ['rules'] },
  { name: 'explain', args: ['explain', 'restart-policy'] },
  { name: 'help', args: ['--help'] },
  { name: 'usage error', args: ['--format', 'xml', '.'] },
];

describe('the network/process guard itself', () => {
  it('records and refuses every kind of attempt (so a silent pass means none happened)', () => {
    const { root, env } = sandbox();
    const logFile = join(root, 'self.log');
    const script = `
      const tries = [
        () => require('node:http').get('http://example.invalid/'),
        () => require('node:https').request('https://example.invalid/'),
        () => require('node:net').connect(80, 'example.invalid'),
        () => require('node:dns').lookup('example.invalid', () => {}),
        () => require('node:child_process').spawnSync('true'),
      ];
      for (const t of tries) try { t(); } catch {}
      import('node:dns').then((d) => { try { d.lookup('esm.invalid', () => {}); } catch {} })
        .then(() => fetch('http://example.invalid/')).catch(() => {});`;
    const r = spawnSync(process.execPath, ['-e', script], { env: { ...process.env, ...env, NODE_OPTIONS: `--require ${GUARD}`, DAEMONLINT_GUARD_LOG: logFile }, encoding: 'utf8' });
    expect(r.status).toBe(0);
    const what = readFileSync(logFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l).what);
    expect(what).toEqual(['http.get', 'https.request', 'net.Socket.connect', 'dns.lookup', 'child_process.spawnSync', 'dns.lookup', 'fetch']);
  });
});

describe('no network access and no processes started, in any mode', () => {
  for (const mode of MODES) {
    it(mode.name, () => {
      const { project, env } = sandbox();
      const r = guarded(['--no-color', ...mode.args], project, env);
      expect(r.attempts).toEqual([]);
      expect(r.stderr).not.toMatch(/blocked by the test guard/);
      expect(r.code).toBeLessThanOrEqual(2);
    });
  }

  it('--fix', () => {
    const { project, env } = sandbox();
    const r = guarded(['--fix', '.'], project, env);
    expect(r.attempts).toEqual([]);
    expect(readFileSync(join(project, 'deploy/agent.yaml'), 'utf8')).toContain('restartPolicy: Always');
  });
});

describe('nothing is written except --output and the files --fix changes', () => {
  const formats = ['text', 'json', 'sarif', 'github'];
  it.each(formats)('lint in %s format: the tree, HOME and TMPDIR are untouched (and --output writes only its file)', (format) => {
    const { root, project, env } = sandbox();
    const before = snapshot(root);
    const r = runCli(['-f', format, '.'], { cwd: project, env });
    expect(r.code).toBe(1);
    expect(changes(before, snapshot(root))).toEqual([]);
    const o = runCli(['-f', format, '-o', 'report.out', '.'], { cwd: project, env });
    expect(o.code).toBe(1);
    expect(o.stdout).toBe('');
    expect(changes(before, snapshot(root))).toEqual(['project/', 'project/report.out']);
  });

  it('coverage, rules, explain, --fix-dry-run, bad options, missing paths and broken files write nothing', () => {
    const { root, project, env } = sandbox({ 'broken.yaml': 'a: [\n', 'binary.yaml': '\u0000\u0001' });
    const before = snapshot(root);
    for (const args of [['coverage', '--nodes', 'nodes.yaml', 'deploy'], ['rules'], ['explain', 'host-pid'], ['--fix-dry-run', '.'], ['--bogus'], ['missing.yaml'], ['.']]) {
      runCli(args, { cwd: project, env });
      expect(changes(before, snapshot(root)), args.join(' ')).toEqual([]);
    }
  });

  it('--fix changes only the files with fixes, keeping their mode, and leaves no temporary file', () => {
    const { root, project, env } = sandbox();
    chmodSync(join(project, 'deploy/agent.yaml'), 0o640);
    const before = snapshot(root);
    const r = runCli(['--fix', '.'], { cwd: project, env });
    expect(r.code).toBe(0); // the errors are fixed; warnings remain
    expect(changes(before, snapshot(root))).toEqual(['project/deploy/', 'project/deploy/agent.yaml']);
    const after = readFileSync(join(project, 'deploy/agent.yaml'), 'utf8');
    expect(after).toContain('restartPolicy: Always');
    expect(lstatSync(join(project, 'deploy/agent.yaml')).mode & 0o777).toBe(0o640);
  });

  it('--fix when the write fails (rename refused): one line, exit 2, the original intact, no temporary file', () => {
    const { root, project, env } = sandbox();
    const original = readFileSync(join(project, 'deploy/agent.yaml'), 'utf8');
    const before = snapshot(root);
    const r = guarded(['--fix', '.'], project, env, { DAEMONLINT_GUARD_RENAME: 'fail' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^daemonlint: not fixed: cannot write deploy\/agent\.yaml: input\/output error[^\n]*\n$/);
    expect(readFileSync(join(project, 'deploy/agent.yaml'), 'utf8')).toBe(original);
    // Only the directory's mtime moves (the temporary file came and went); no file changed or was left behind.
    expect(changes(before, snapshot(root))).toEqual(['project/deploy/']);
  });

  it('--fix killed in the middle of the write (SIGKILL at the rename): the original is intact', () => {
    const { project, env } = sandbox();
    const original = readFileSync(join(project, 'deploy/agent.yaml'), 'utf8');
    const r = guarded(['--fix', '.'], project, env, { DAEMONLINT_GUARD_RENAME: 'crash' });
    expect(r.code).toBe(-1); // killed by the signal
    expect(readFileSync(join(project, 'deploy/agent.yaml'), 'utf8')).toBe(original);
    // What a crash leaves behind is at most the temporary sibling file, never a truncated manifest.
    const left = readdirSync(join(project, 'deploy')).filter((n) => n !== 'agent.yaml' && n !== 'svc.yaml');
    for (const n of left) expect(n).toMatch(/^\.agent\.yaml\.daemonlint-\d+-\w+\.tmp$/);
  });
});

describe('configuration is data: nothing from the linted repository is executed', () => {
  it('planted config scripts, plugins, package hooks and a fake yaml module never run', () => {
    const marker = (name: string) => `require('node:fs').writeFileSync(require('node:path').join(__dirname, ${JSON.stringify(`MARKER-${name}`)}), 'ran');\n`;
    const esm = (name: string) => `import { writeFileSync } from 'node:fs';\nwriteFileSync(new URL(${JSON.stringify(`./MARKER-${name}`)}, import.meta.url), 'ran');\nexport default {};\n`;
    const { project, env } = sandbox({
      '.daemonlint.js': marker('dotjs'),
      '.daemonlint.cjs': marker('dotcjs'),
      '.daemonlint.mjs': esm('dotmjs'),
      'daemonlint.config.js': marker('configjs'),
      'daemonlint.config.mjs': esm('configmjs'),
      'daemonlint.config.ts': esm('configts'),
      '.daemonlintrc.js': marker('rcjs'),
      'package.json': JSON.stringify({
        name: 'victim',
        type: 'commonjs',
        daemonlint: { plugins: ['daemonlint-plugin-evil'], extends: './evil.js' },
        scripts: { preinstall: 'node evil.js', postinstall: 'node evil.js', prepare: 'node evil.js', pretest: 'node evil.js', daemonlint: 'node evil.js' },
      }),
      'evil.js': marker('evil'),
      'node_modules/daemonlint-plugin-evil/package.json': JSON.stringify({ name: 'daemonlint-plugin-evil', main: 'index.js' }),
      'node_modules/daemonlint-plugin-evil/index.js': marker('plugin'),
      'node_modules/yaml/package.json': JSON.stringify({ name: 'yaml', main: 'index.js', exports: { '.': './index.js' } }),
      'node_modules/yaml/index.js': marker('yaml'),
      'node_modules/.bin/daemonlint': '#!/bin/sh\ntouch MARKER-bin\n',
    });
    const withConfig = (config: string) => writeFileSync(join(project, '.daemonlint.yaml'), config);
    const runs: string[][] = [['.'], ['-f', 'sarif', '.'], ['--fix-dry-run', '.'], ['coverage', '--nodes', 'nodes.yaml', 'deploy'], ['--fix', '.']];
    for (const config of [
      'rules: {host-pid: "off"}\n',
      'extends: ./evil.js\n',
      'plugins: [daemonlint-plugin-evil]\n',
      'rules: !!js/function "function () { require(\'fs\').writeFileSync(\'MARKER-tag\', \'ran\') }"\n',
    ]) {
      withConfig(config);
      for (const args of runs) {
        const r = guarded(args, project, env);
        expect(r.attempts, `${config} ${args.join(' ')}`).toEqual([]);
        expect(r.stderr, `${config} ${args.join(' ')}`).not.toMatch(/\n\s+at /);
      }
    }
    const markers: string[] = [];
    const walk = (d: string) => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        if (e.isDirectory()) walk(join(d, e.name));
        else if (e.name.startsWith('MARKER-')) markers.push(relative(project, join(d, e.name)));
      }
    };
    walk(join(project, '..'));
    expect(markers).toEqual([]);
  });
});

describe('SARIF paths never escape the working directory', () => {
  it('inside: relative to %SRCROOT% without ".."; outside: absolute file URIs; spaces and unicode encoded', () => {
    const { root, project } = sandbox({ 'with space/é agent.yaml': DS });
    writeFileSync(join(root, 'outside.yaml'), DS);
    const r = runCli(['--no-config', '-f', 'sarif', '.', '../outside.yaml', join(root, 'outside.yaml')], { cwd: project });
    const log = JSON.parse(r.stdout);
    expect(validateSarif(log)).toEqual([]);
    const run = log.runs[0];
    expect(run.originalUriBaseIds['%SRCROOT%'].uri).toBe(`file://${project}/`);
    const locations = run.results.flatMap((res: { locations: unknown[]; relatedLocations?: unknown[] }) => [...res.locations, ...(res.relatedLocations ?? [])]) as {
      physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string } };
    }[];
    const uris = new Set<string>();
    for (const l of locations) {
      const a = l.physicalLocation.artifactLocation;
      uris.add(a.uri);
      if (a.uriBaseId) {
        expect(a.uriBaseId).toBe('%SRCROOT%');
        expect(a.uri).not.toMatch(/^\/|^[a-z]+:|(^|\/)\.\.(\/|$)/);
        expect(existsSync(join(project, decodeURIComponent(a.uri)))).toBe(true);
      } else {
        expect(a.uri).toBe(`file://${root}/outside.yaml`);
      }
    }
    expect([...uris]).toEqual(expect.arrayContaining(['deploy/agent.yaml', `file://${root}/outside.yaml`, 'with%20space/%C3%A9%20agent.yaml']));
  });
});
