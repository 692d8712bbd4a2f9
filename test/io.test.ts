/**
 * The guarded reader (src/io/read.ts) and writer (src/io/write.ts), directly and through the CLI: special files never
 * hang a run, nothing is written that was not asked for, and nothing is lost (issue 20).
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, linkSync, mkdirSync, readFileSync, readdirSync, realpathSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ReadError, beginRun, readGuarded, readText, recordInputs, takeInputs, wasReadThisRun } from '../src/io/read.js';
import { WriteError, checkOutputTarget, lintedRoots, replaceFile, writeOutput } from '../src/io/write.js';
import type { RunResult } from './helpers/cli.js';
import { BAD_DAEMONSET as DS, workdir } from './helpers/manifests.js';

/** A DaemonSet with hostNetwork and no dnsPolicy: `--fix` adds `dnsPolicy: ClusterFirstWithHostNet` (line 13). */
const HOST_NET = DS.replace('      restartPolicy: Never\n', '      hostNetwork: true\n');

function mkfifo(path: string): void {
  expect(spawnSync('mkfifo', [path]).status).toBe(0);
}

/** The CLI with a hard time limit: a hang fails the test instead of stalling the suite. */
function cli(args: string[], cwd: string, input = ''): RunResult {
  const r = spawnSync(process.execPath, [join(import.meta.dirname, '..', 'bin', 'daemonlint.js'), ...args], { cwd, input, encoding: 'utf8', timeout: 20_000 });
  expect(r.error, `daemonlint ${args.join(' ')} hung`).toBeUndefined();
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function oneLine(r: RunResult, re: RegExp): void {
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(re);
  expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

describe('the guarded reader', () => {
  it('reads regular files; refuses FIFOs, devices, sockets and directories at once with one reason', async () => {
    const dir = workdir({ 'a.yaml': DS });
    mkfifo(join(dir, 'fifo.yaml'));
    const server = createServer();
    await new Promise<void>((done) => server.listen(join(dir, 'sock.yaml'), done));
    try {
      expect(readGuarded(join(dir, 'a.yaml'), { maxBytes: 1 << 20 }).bytes.toString()).toBe(DS);
      const reason = (p: string) => {
        try {
          readGuarded(p, { maxBytes: 1 << 20 });
        } catch (err) {
          expect(err).toBeInstanceOf(ReadError);
          return (err as ReadError).reason;
        }
        return 'read';
      };
      const started = Date.now();
      expect(reason(join(dir, 'fifo.yaml'))).toMatch(/^it is a named pipe \(FIFO\), not a file/);
      expect(reason('/dev/zero')).toBe('it is a character device, not a file');
      expect(reason(join(dir, 'sock.yaml'))).toMatch(/socket/);
      expect(reason(dir)).toBe('it is a directory');
      expect(reason(join(dir, 'missing.yaml'))).toBe('no such file or directory');
      expect(Date.now() - started).toBeLessThan(5000); // nothing waited for a writer
    } finally {
      server.close();
    }
  });

  it('reports a file over the limit without reading it, and gives up after the deadline', () => {
    const dir = workdir({ 'big.yaml': 'x'.repeat(5000) });
    const r = readGuarded(join(dir, 'big.yaml'), { maxBytes: 1000 });
    expect(r).toMatchObject({ tooLarge: true, size: 5000 });
    expect(r.bytes.length).toBe(0);
    expect(() => readGuarded(join(dir, 'big.yaml'), { maxBytes: 1 << 20, deadline: Date.now() - 1 })).toThrow(/time budget ran out/);
    expect(() => readText(join(dir, 'big.yaml'), { maxBytes: 1000, what: 'baseline' })).toThrow(/over the 0 MiB limit|over the/);
    writeFileSync(join(dir, 'bin.json'), Buffer.from([0x7b, 0, 0x7d]));
    expect(() => readText(join(dir, 'bin.json'), { maxBytes: 1000, what: 'baseline' })).toThrow('it is a binary file, not a baseline');
  });

  it('reads a file whole whatever its size against the first read (sized by fstat), and one that grew since', () => {
    const dir = workdir({ 'small.yaml': 'a: 1\n', 'big.yaml': 'x'.repeat(3 << 20) });
    expect(readGuarded(join(dir, 'small.yaml'), { maxBytes: 1 << 20 }).bytes.toString()).toBe('a: 1\n');
    expect(readGuarded(join(dir, 'big.yaml'), { maxBytes: 16 << 20 }).bytes.length).toBe(3 << 20);
    expect(readGuarded(join(dir, 'big.yaml'), { maxBytes: (3 << 20) - 1 })).toMatchObject({ tooLarge: true });
  });

  it('the inputs a worker thread read are handed over to the main thread (takeInputs, recordInputs)', () => {
    const dir = workdir({ 'a.yaml': 'a: 1\n' });
    beginRun();
    const { stat } = readGuarded(join(dir, 'a.yaml'), { maxBytes: 1000 });
    expect(wasReadThisRun(stat)).toBe(true);
    const ids = takeInputs();
    expect(ids).toHaveLength(1);
    expect(wasReadThisRun(stat)).toBe(false);
    expect(takeInputs()).toEqual([]);
    recordInputs(ids);
    expect(wasReadThisRun(stat)).toBe(true);
    // A read that is not recorded (positions read again) is no input.
    beginRun();
    readGuarded(join(dir, 'a.yaml'), { maxBytes: 1000, record: false });
    expect(wasReadThisRun(stat)).toBe(false);
  });

  it('a FIFO or a device named as a manifest, an extends, a node inventory or a baseline: one line, exit 2, no hang', () => {
    const dir = workdir({ '.git/HEAD': '', 'ds.yaml': DS });
    mkfifo(join(dir, 'fifo.yaml'));
    oneLine(cli(['fifo.yaml'], dir), /^daemonlint: cannot read fifo\.yaml: it is a named pipe \(FIFO\), not a file .*; lint it as stdin instead: daemonlint - < fifo\.yaml\n$/);
    oneLine(cli(['/dev/zero'], dir), /^daemonlint: cannot read .*dev\/zero: it is a character device, not a file\n$/);
    oneLine(cli(['--nodes', 'fifo.yaml', 'ds.yaml'], dir), /^daemonlint: node inventory: cannot read fifo\.yaml: it is a named pipe \(FIFO\), not a file \(reading it would wait for a writer\)\n$/);
    oneLine(cli(['--baseline', 'fifo.yaml', 'ds.yaml'], dir), /^daemonlint: cannot read baseline fifo\.yaml: it is a named pipe/);
    oneLine(cli(['--baseline', '/dev/zero', 'ds.yaml'], dir), /^daemonlint: cannot read baseline \/dev\/zero: it is a character device, not a file\n$/);
    writeFileSync(join(dir, '.daemonlint.yaml'), 'extends: ./fifo.yaml\n');
    oneLine(cli(['ds.yaml'], dir), /^daemonlint: cannot read config .*fifo\.yaml: it is a named pipe/);
    writeFileSync(join(dir, '.daemonlint.yaml'), 'nodes: ./fifo.yaml\n');
    oneLine(cli(['ds.yaml'], dir), /^daemonlint: node inventory: cannot read fifo\.yaml: it is a named pipe/);
    // Given on the command line, a config may name any file, but a device is still not read.
    writeFileSync(join(dir, 'mine.yaml'), 'extends: /dev/zero\n');
    oneLine(cli(['--config', 'mine.yaml', 'ds.yaml'], dir), /^daemonlint: cannot read config \/dev\/zero: it is a character device, not a file\n$/);
    // The FIFO can still be linted through stdin.
    const piped = spawnSync('bash', ['-c', `(cat ds.yaml > fifo.yaml &) ; "$0" "$1" --no-config -f json - < fifo.yaml`, process.execPath, join(import.meta.dirname, '..', 'bin', 'daemonlint.js')], { cwd: dir, encoding: 'utf8', timeout: 20_000 });
    expect(piped.status).toBe(1);
    expect(JSON.parse(piped.stdout).findings.map((f: { ruleId: string }) => f.ruleId)).toContain('restart-policy');
  });

  it('no error quotes the content of a file that is not a daemonlint file', () => {
    const secret = 'root:$6$s3cr3t-hash:19000:0:99999:7:::';
    const dir = workdir({ '.git/HEAD': '', 'ds.yaml': DS, 'secret.txt': `${secret}\nother: line\n`, 'keys.yaml': 'token-a1b2c3: 1\nother-key: 2\n', 'bad.yaml': 'a: *s3cr3t-alias\n' });
    const runs = [
      cli(['--no-config', '--baseline', 'secret.txt', 'ds.yaml'], dir),
      cli(['--no-config', '--baseline', 'keys.yaml', 'ds.yaml'], dir),
      cli(['--no-config', '--config', 'secret.txt', 'ds.yaml'], dir),
      cli(['--no-config', '--config', 'keys.yaml', 'ds.yaml'], dir),
      cli(['--no-config', '--config', 'bad.yaml', 'ds.yaml'], dir),
      cli(['--no-config', '--nodes', 'secret.txt', 'ds.yaml'], dir),
      cli(['--no-config', '--nodes', 'keys.yaml', 'ds.yaml'], dir),
    ];
    for (const r of runs) {
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^daemonlint: .+\n$/);
      for (const leak of ['s3cr3t', 'token-a1b2c3', 'other-key', '19000']) expect(r.stderr).not.toContain(leak);
    }
  });
});

describe('stdin that never ends', () => {
  it('is given up at the deadline: the run names it and exits 2 instead of waiting for the writer', async () => {
    const child = spawn(process.execPath, [join(import.meta.dirname, '..', 'bin', 'daemonlint.js'), '--no-config', '--timeout', '1', '-'], { stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdin.write('apiVersion: v1\n'); // and never closed
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const code = await new Promise<number | null>((resolve, reject) => {
      const guard = setTimeout(() => (child.kill(), reject(new Error('daemonlint kept waiting for stdin'))), 15_000);
      child.on('exit', (c) => (clearTimeout(guard), resolve(c)));
    });
    child.stdin.destroy();
    expect(code).toBe(2);
    expect(stderr).toBe('daemonlint: the time budget of 1 s ran out; not linted: <stdin>; raise --timeout or lint fewer files at once\n');
  });
});

describe('the guarded writer: -o and --write-baseline', () => {
  it('-o naming a linted manifest, and --write-baseline naming a manifest: refused before anything is written', () => {
    const dir = workdir({ 'x.yaml': DS, 'ds.yaml': DS });
    const o = cli(['--no-config', '-o', 'x.yaml', 'x.yaml'], dir);
    oneLine(o, /^daemonlint: cannot write x\.yaml: it exists and is not a daemonlint text report; .*\n$/);
    expect(readFileSync(join(dir, 'x.yaml'), 'utf8')).toBe(DS);
    const b = cli(['--no-config', '--write-baseline', 'ds.yaml'], dir);
    oneLine(b, /^daemonlint: cannot write ds\.yaml: it exists and is not a daemonlint baseline; .*\n$/);
    expect(readFileSync(join(dir, 'ds.yaml'), 'utf8')).toBe(DS);
  });

  it('replaces its own output of the same kind only; a device is written directly', () => {
    const dir = workdir({ 'ds.yaml': DS });
    for (const [format, file] of [['text', 'r.txt'], ['json', 'r.json'], ['sarif', 'r.sarif'], ['github', 'r.log']] as const) {
      expect(cli(['--no-config', '-f', format, '-o', file, 'ds.yaml'], dir).code).toBe(1);
      const first = readFileSync(join(dir, file), 'utf8');
      expect(cli(['--no-config', '-f', format, '-o', file, 'ds.yaml'], dir).code).toBe(1); // its own kind: replaced
      expect(readFileSync(join(dir, file), 'utf8')).toBe(first);
      const other = format === 'json' ? 'sarif' : 'json';
      oneLine(cli(['--no-config', '-f', other, '-o', file, 'ds.yaml'], dir), /is not a daemonlint .*report/);
      expect(readFileSync(join(dir, file), 'utf8')).toBe(first);
    }
    expect(cli(['--no-config', '--write-baseline', 'b.json', 'ds.yaml'], dir).code).toBe(0);
    expect(cli(['--no-config', '--write-baseline', 'b.json', 'ds.yaml'], dir).code).toBe(0);
    oneLine(cli(['--no-config', '-f', 'json', '-o', 'b.json', 'ds.yaml'], dir), /b\.json: it exists and is not a daemonlint JSON report/);
    writeFileSync(join(dir, 'empty.json'), '');
    expect(cli(['--no-config', '-f', 'json', '-o', 'empty.json', 'ds.yaml'], dir).code).toBe(1); // an empty file holds nothing to lose
    expect(cli(['--no-config', '-o', '/dev/null', 'ds.yaml'], dir).code).toBe(1);
    expect(readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('never overwrites a file the run read, even one that looks like its own output', () => {
    const dir = workdir({ 'ds.yaml': DS });
    expect(cli(['--no-config', '-f', 'json', '-o', 'r.json', 'ds.yaml'], dir).code).toBe(1);
    const before = readFileSync(join(dir, 'r.json'), 'utf8');
    // r.json is linted too (a .json file of the folder), so it is an input of this run.
    oneLine(cli(['--no-config', '-f', 'json', '-o', 'r.json', '.'], dir), /^daemonlint: cannot write r\.json: it is one of the files this run read/);
    expect(readFileSync(join(dir, 'r.json'), 'utf8')).toBe(before);
  });

  it('checkOutputTarget and writeOutput: read-only files, directories and changed files are refused', () => {
    const dir = workdir({ 'ro.json': '' });
    chmodSync(join(dir, 'ro.json'), 0o444);
    expect(() => checkOutputTarget('ro.json', 'json', dir)).toThrow(/read-only/);
    expect(() => checkOutputTarget('.', 'json', dir)).toThrow(/it is a directory/);
    expect(() => checkOutputTarget('no/such/r.json', 'json', dir)).toThrow(WriteError);
    beginRun();
    writeOutput('new.json', '{"version": "1", "findings": []}\n', 'json', dir);
    expect(statSync(join(dir, 'new.json')).mode & 0o777).toBe(0o666 & ~process.umask());
  });
});

describe('the guarded writer: --fix', () => {
  it('refuses a file that changed since it was linted (a line appended during the run is kept)', () => {
    const dir = workdir({ 'a.yaml': HOST_NET });
    writeFileSync(join(dir, 'a.yaml'), HOST_NET + '# appended while daemonlint ran\n');
    expect(() => replaceFile(join(dir, 'a.yaml'), HOST_NET, HOST_NET + 'x: 1\n', { roots: [dir], display: 'a.yaml' })).toThrow(/changed on disk while daemonlint ran/);
    expect(readFileSync(join(dir, 'a.yaml'), 'utf8')).toBe(HOST_NET + '# appended while daemonlint ran\n');
  });

  it('keeps CRLF line breaks, the byte-order mark and the mode', () => {
    const crlf = HOST_NET.replace(/\n/g, '\r\n');
    const dir = workdir({ 'crlf.yaml': crlf, 'bom.yaml': '\ufeff' + HOST_NET });
    chmodSync(join(dir, 'crlf.yaml'), 0o640);
    const r = cli(['--no-config', '--fix', 'crlf.yaml', 'bom.yaml'], dir);
    expect(r.stderr).toBe('');
    const fixed = readFileSync(join(dir, 'crlf.yaml'), 'utf8');
    expect(fixed).toContain('dnsPolicy: ClusterFirstWithHostNet\r\n');
    expect(fixed.replace(/\r\n/g, '')).not.toContain('\n'); // no bare LF anywhere
    expect(statSync(join(dir, 'crlf.yaml')).mode & 0o777).toBe(0o640);
    const bom = readFileSync(join(dir, 'bom.yaml'));
    expect([...bom.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bom.toString('utf8')).toContain('dnsPolicy: ClusterFirstWithHostNet\n');
  });

  it('does not follow a symbolic link out of the linted folders, and does not touch read-only files', () => {
    const dir = workdir({ 'outside/target.yaml': HOST_NET, 'repo/ro.yaml': HOST_NET, 'repo/ok.yaml': HOST_NET });
    symlinkSync('../outside/target.yaml', join(dir, 'repo', 'link.yaml'));
    chmodSync(join(dir, 'repo', 'ro.yaml'), 0o444);
    const r = cli(['--no-config', '--fix', '.'], join(dir, 'repo'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('daemonlint: not fixed: cannot write link.yaml: it is a symbolic link to ');
    expect(r.stderr).toContain('daemonlint: not fixed: cannot write ro.yaml: it is read-only');
    expect(readFileSync(join(dir, 'outside', 'target.yaml'), 'utf8')).toBe(HOST_NET);
    expect(readFileSync(join(dir, 'repo', 'ro.yaml'), 'utf8')).toBe(HOST_NET);
    expect(readFileSync(join(dir, 'repo', 'ok.yaml'), 'utf8')).toContain('dnsPolicy: ClusterFirstWithHostNet');
    // The report is of the files as they are now: the two not written keep their finding.
    expect(r.stdout.match(/host-network-dns-policy/g)).toHaveLength(2);
    // A link inside the linted folder is followed (the target is fixed, the link kept).
    const inside = workdir({ 'real.yaml': HOST_NET });
    symlinkSync('real.yaml', join(inside, 'alias.yaml'));
    expect(cli(['--no-config', '--fix', 'alias.yaml'], inside).stderr).toBe('');
    expect(readFileSync(join(inside, 'real.yaml'), 'utf8')).toContain('dnsPolicy');
    expect(lintedRoots(['alias.yaml'], inside)).toEqual([realpathSync(inside)]);
  });

  it('keeps hard links (the file is written in place) and, run as root, the owner', () => {
    const dir = workdir({ 'a.yaml': HOST_NET });
    linkSync(join(dir, 'a.yaml'), join(dir, 'b.yaml'));
    const ino = statSync(join(dir, 'a.yaml')).ino;
    if (process.getuid?.() === 0) chownSync(join(dir, 'a.yaml'), 65534, 65534);
    expect(cli(['--no-config', '--fix', 'a.yaml'], dir).stderr).toBe('');
    expect(statSync(join(dir, 'a.yaml')).ino).toBe(ino);
    expect(readFileSync(join(dir, 'b.yaml'), 'utf8')).toContain('dnsPolicy');
    if (process.getuid?.() === 0) {
      const own = workdir({ 'c.yaml': HOST_NET });
      chownSync(join(own, 'c.yaml'), 65534, 65534);
      expect(cli(['--no-config', '--fix', 'c.yaml'], own).stderr).toBe('');
      expect(readFileSync(join(own, 'c.yaml'), 'utf8')).toContain('dnsPolicy');
      expect(statSync(join(own, 'c.yaml'))).toMatchObject({ uid: 65534, gid: 65534 });
    }
    expect(existsSync(join(dir, 'b.yaml'))).toBe(true);
  });
});

describe('--fix-dry-run', () => {
  it('with a machine format prints the report (not a diff) and exits like a lint run while findings remain', () => {
    const dir = workdir({ 'a.yaml': DS });
    for (const format of ['json', 'sarif']) {
      const r = cli(['--no-config', '--fix-dry-run', '-f', format, 'a.yaml'], dir);
      expect(r.code).toBe(1); // restart-policy is still on disk
      const out = JSON.parse(r.stdout);
      expect(out).toBeTypeOf('object');
      expect(r.stderr).toContain('-      restartPolicy: Never');
      expect(r.stderr).toMatch(/daemonlint: 1 fix would change 1 file; failed: 1 error at or above --fail-on error\n$/);
    }
    const text = cli(['--no-config', '--fix-dry-run', 'a.yaml'], dir);
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/^--- a\/a\.yaml\n/);
    expect(readFileSync(join(dir, 'a.yaml'), 'utf8')).toBe(DS);
  });
});

describe('lintedRoots', () => {
  it('covers the folders of the command-line paths', () => {
    const dir = workdir({ 'sub/a.yaml': DS });
    mkdirSync(join(dir, 'other'));
    const real = realpathSync(dir);
    expect(lintedRoots([], dir)).toEqual([real]);
    expect(lintedRoots(['sub/a.yaml', 'other', 'sub/*.yaml', '-'], dir)).toEqual([join(real, 'sub'), join(real, 'other')]);
  });
});
