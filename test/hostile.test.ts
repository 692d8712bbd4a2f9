/**
 * Hostile input catalogue (issue 8), run through the real CLI: every case ends with findings that have a position or
 * with one line on stderr and exit 2, never a stack trace or a hang. Big, binary and special-file cases are generated
 * into a temporary directory. See test/hostile/README.md.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, chmodSync, existsSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, runCli, type RunResult } from './helpers/cli.js';
import { BAD_DAEMONSET as DS, workdir as sharedWorkdir } from './helpers/manifests.js';
import { CORPUS_ROOT } from './helpers/sarif.js';
import { MAX_NESTING_DEPTH } from '../src/load/limits.js';
import { MAX_FILE_BYTES } from '../src/load/files.js';

const HOSTILE = join(import.meta.dirname, 'hostile');
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function workdir(files: Record<string, string | Buffer> = {}): string {
  const dir = sharedWorkdir(files, 'daemonlint-hostile-');
  dirs.push(dir);
  return dir;
}

interface JsonFinding {
  ruleId: string;
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  message: string;
}

/** No stack trace, and at most `lines` lines on stderr, each starting with `daemonlint: `. */
function expectCleanStderr(r: RunResult, lines = 0): void {
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(r.stderr).not.toMatch(/Warning:|Error:/);
  const got = r.stderr === '' ? [] : r.stderr.replace(/\n$/, '').split('\n');
  expect(got.length, r.stderr).toBeLessThanOrEqual(lines);
  for (const l of got) expect(l).toMatch(/^daemonlint: \S/);
}

/** Lint with JSON output; checks the report is complete JSON and every finding is on a real line. */
function lintJson(args: string[], opts: { cwd: string; input?: string | Buffer }): RunResult & { findings: JsonFinding[]; summary: Record<string, number> } {
  const r = runCli(['--no-config', '-f', 'json', ...args], opts);
  const out = JSON.parse(r.stdout);
  for (const f of out.findings as JsonFinding[]) {
    expect(f.line).toBeGreaterThanOrEqual(1);
    expect(f.column).toBeGreaterThanOrEqual(1);
    expect(f.endLine).toBeGreaterThanOrEqual(f.line);
  }
  return { ...r, findings: out.findings, summary: out.summary };
}

const keys = (fs: JsonFinding[]) => fs.map((f) => `${f.ruleId} ${f.line}:${f.column}`);


describe('hostile text', () => {
  it('empty file, only comments, only --- and only ... lines: nothing to report, exit 0', () => {
    const dir = workdir({ 'empty.yaml': '', 'comments.yaml': '# a\n   # b\n#\n', 'dashes.yaml': '---\n---\n--- \n---\n', 'dots.yaml': '...\n---\n...\n' });
    const r = lintJson(['--allow-empty', '.'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.findings).toEqual([]);
    expect(r.summary).toMatchObject({ files: 4, objects: 0 });
    expectCleanStderr(r);
    // Named one by one (as pre-commit passes them), files without objects are never an error either.
    const named = lintJson(['empty.yaml', 'comments.yaml', 'dashes.yaml', 'dots.yaml'], { cwd: dir });
    expect(named.code).toBe(0);
    expectCleanStderr(named);
  });

  it('a UTF-8 BOM is not part of line 1: positions stay exact', () => {
    const dir = workdir({ 'bom.yaml': '\ufeff' + DS });
    const r = lintJson(['bom.yaml'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.findings.find((f) => f.ruleId === 'restart-policy')).toMatchObject({ line: 12, column: 7, endLine: 12, endColumn: 20 });
  });

  it('CRLF line endings give exactly the positions of LF', () => {
    const crlf = (DS + '---\nbad: [unclosed\n').replace(/\n/g, '\r\n');
    const dir = workdir({ 'crlf.yaml': crlf, 'lf.yaml': crlf.replace(/\r\n/g, '\n') });
    // Separate runs: in one run the two identical DaemonSets would also overlap each other.
    const pos = (file: string) => lintJson([file], { cwd: dir }).findings.map(({ file: _f, ...rest }) => rest);
    const crlfFindings = pos('crlf.yaml');
    expect(crlfFindings).toEqual(pos('lf.yaml'));
    expect(crlfFindings.map((f) => [f.ruleId, f.line, f.column, f.endLine, f.endColumn])).toEqual([
      ['restart-policy', 12, 7, 12, 20],
      ['yaml-syntax', 17, 15, 17, 15], // the unclosed `[` is reported at the end of the last line, not on a line past it
    ]);
  });

  it('a tab used as indentation is a yaml-syntax finding at the tab; tabs inside values are fine', () => {
    const dir = workdir({ 'tabs.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n\tname: x\n', 'ok.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: "a\tb"}\ndata: {k: "x\ty"}\n' });
    const r = lintJson(['.'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(keys(r.findings)).toEqual(['yaml-syntax 4:1']);
    expect(r.findings[0]!.message).toMatch(/tab/i);
    expect(r.summary.objects).toBe(1);
  });

  it('non-UTF-8 bytes: one finding at the first bad byte, the file is not linted', () => {
    const bytes = Buffer.concat([Buffer.from('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: caf'), Buffer.from([0xe9]), Buffer.from('}\n')]);
    const dir = workdir({ 'latin1.yaml': bytes });
    const r = lintJson(['latin1.yaml'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.findings).toHaveLength(1);
    expect(r.findings[0]).toMatchObject({ ruleId: 'yaml-syntax', line: 3, column: 21 });
    expect(r.findings[0]!.message).toContain('not valid UTF-8 text (byte 0xE9 at line 3, column 21)');
    expectCleanStderr(r);
  });

  it('a binary file named .yaml and a UTF-16 file: one finding each, not parsed', () => {
    const binary = Buffer.alloc(4096);
    for (let i = 0; i < binary.length; i++) binary[i] = (i * 131 + 7) % 256; // deterministic bytes, NULs included
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('apiVersion: v1\n', 'utf16le')]);
    const dir = workdir({ 'blob.yaml': binary, 'utf16.yaml': utf16 });
    const r = lintJson(['.'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.findings.map((f) => [f.file, f.ruleId])).toEqual([
      ['blob.yaml', 'yaml-syntax'],
      ['utf16.yaml', 'yaml-syntax'],
    ]);
    expect(r.findings[0]!.message).toMatch(/^The file is binary \(a NUL byte at line \d+, column \d+\)/);
    expect(r.findings[1]).toMatchObject({ line: 1, column: 1 });
    expect(r.findings[1]!.message).toContain('UTF-16');
    expectCleanStderr(r);
  });

  it('very long lines: a 10 MB value is linted, and an error at the end of a 1 MB line has its exact column', () => {
    const long = 'x'.repeat(10_000_000);
    const tail = 'y'.repeat(1_000_000);
    const dir = workdir({
      'long.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: long}\ndata: {a: ${long}}\n`,
      'tail.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: t}\ndata: {a: "${tail}", b: [unclosed\n`,
    });
    const r = lintJson(['.'], { cwd: dir });
    expect(r.summary.objects).toBe(1);
    const err = r.findings.find((f) => f.file === 'tail.yaml')!;
    expect(err.ruleId).toBe('yaml-syntax');
    expect(err.line).toBeGreaterThanOrEqual(4);
    expect(r.findings.every((f) => f.file === 'tail.yaml')).toBe(true);
  });

  it('thousands of documents in one file: every object linted, every finding on its own document', () => {
    // Distinct selectors: identical ones make overlapping-selectors report every pair (n² findings; see the report of issue 8).
    const n = 3000;
    const dir = workdir({ 'many.yaml': Array.from({ length: n }, (_, i) => DS.replace(/agent\b(?!:)/g, `agent-${i}`)).join('---\n') });
    const r = lintJson(['many.yaml'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.summary.objects).toBe(n);
    const lines = r.findings.filter((f) => f.ruleId === 'restart-policy').map((f) => f.line);
    expect(lines).toEqual(Array.from({ length: n }, (_, i) => 12 + i * 16));
  });

  it('a scalar, list or wrong type at every level of a DaemonSet and a Service: schema findings, no internal error', () => {
    const dir = workdir({ 'shapes.yaml': readFileSync(join(HOSTILE, 'shapes.yaml')) });
    const r = lintJson(['shapes.yaml'], { cwd: dir });
    expect(r.code).toBe(1);
    expectCleanStderr(r);
    expect(r.summary.objects).toBe(6);
    const k = keys(r.findings);
    for (const expected of [
      'schema 5:7', // spec: 5
      'schema 12:13', // selector: true
      'selector-mismatch 12:13',
      'schema 13:3', // template: []
      'schema 17:11', // metadata: "x"
      'schema 23:19', // containers: "x"
      'schema 29:27', // matchLabels: 7
      'schema 33:20', // hostNetwork: "true"
      'schema 35:24', // initContainers: [5, …]
      'schema 38:18', // image: 1.0
      'schema 41:17', // name: 5
      'schema 42:35', // containerPort: "80"
      'schema 44:49', // capabilities.add: "SYS_ADMIN"
      'schema 49:18', // Service metadata.name: 5
      'schema 50:30', // ports: 80
    ])
      expect(k, expected).toContain(expected);
    expect(k.filter((x) => /^schema 39:/.test(x))).toEqual([]); // ports: null is allowed
  });
});

describe('resource bounds', () => {
  it(`a 50 MB file is reported as over the ${MAX_FILE_BYTES / 1048576} MiB limit without being read`, () => {
    const unit = Buffer.from(DS + '---\n');
    const big = Buffer.alloc(50 * 1024 * 1024);
    for (let o = 0; o < big.length; o += unit.length) unit.copy(big, o);
    const dir = workdir({ 'big.yaml': big, 'small.yaml': DS });
    const r = lintJson(['.'], { cwd: dir });
    expect(r.code).toBe(1);
    const f = r.findings.filter((x) => x.file === 'big.yaml');
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ ruleId: 'yaml-syntax', line: 1, column: 1 });
    expect(f[0]!.message).toBe('The file is 50.0 MiB, over the 16 MiB limit for one file; it was not linted. Split it into smaller files.');
    expect(r.findings.some((x) => x.file === 'small.yaml' && x.ruleId === 'restart-policy')).toBe(true);
  });

  it('stdin over the limit is cut off and reported; a device named as a path is refused without reading it', () => {
    const dir = workdir();
    const r = lintJson(['-'], { cwd: dir, input: Buffer.alloc(MAX_FILE_BYTES + 4096, 'a: 1\n') });
    expect(keys(r.findings)).toEqual(['yaml-syntax 1:1']);
    expect(r.findings[0]!.message).toMatch(/^The input is over the 16 MiB limit/);
    // Regular files only (src/io/read.ts): /dev/zero is not read at all (it used to be read up to the limit).
    const z = runCli(['--no-config', '/dev/zero'], { cwd: dir });
    expect(z.code).toBe(2);
    expect(z.stderr).toMatch(/^daemonlint: cannot read \S*dev\/zero: it is a character device, not a file\n$/);
  });

  it(`a document nested 10,000 levels deep (flow, block, compact) is one finding; the other documents are linted`, () => {
    const flow = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata:\n  a: ' + '['.repeat(10_000) + ']'.repeat(10_000) + '\n---\n' + DS;
    const compact = '- '.repeat(10_000) + 'x\n';
    let block = 'root:\n';
    for (let i = 1; i <= 1000; i++) block += ' '.repeat(i) + `k${i}:\n`;
    const objects = '{"a": '.repeat(10_000) + '1' + '}'.repeat(10_000) + '\n';
    const dir = workdir({ 'flow.yaml': flow, 'compact.yaml': compact, 'block.yaml': block, 'deep.json': objects });
    const r = lintJson(['.'], { cwd: dir });
    expect(r.code).toBe(1);
    expectCleanStderr(r);
    const deep = r.findings.filter((f) => f.ruleId === 'yaml-syntax');
    // Each points at the first collection one level past the limit (level k: block line k, column k; `- ` 2k-1 …).
    const k = MAX_NESTING_DEPTH + 1;
    expect(deep.map((f) => `${f.file} ${f.line}:${f.column}`)).toEqual([`block.yaml ${k}:${k}`, `compact.yaml 1:${2 * k - 1}`, `deep.json 1:${6 * k - 5}`, `flow.yaml 5:${6 + k - 3}`]);
    for (const f of deep) expect(f.message).toContain(`more than ${MAX_NESTING_DEPTH} levels deep`);
    expect(r.findings.some((f) => f.file === 'flow.yaml' && f.ruleId === 'restart-policy' && f.line === 18)).toBe(true);
  });

  it('a YAML alias bomb ("billion laughs") is one finding, not an expansion', () => {
    let bomb = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: lol}\ndata:\n  a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n';
    for (let i = 1; i < 10; i++) bomb += `  a${i}: &a${i} [${Array(9).fill(`*a${i - 1}`).join(', ')}]\n`;
    const dir = workdir({ 'bomb.yaml': bomb + '---\n' + DS });
    const r = lintJson(['bomb.yaml'], { cwd: dir });
    expect(r.code).toBe(1);
    const f = r.findings.filter((x) => x.ruleId === 'yaml-syntax');
    expect(keys(f)).toEqual(['yaml-syntax 1:1']);
    expect(f[0]!.message).toContain('expands aliases more than 1000 times');
    expect(r.findings.some((x) => x.ruleId === 'restart-policy' && x.line === 27)).toBe(true);
  });

  it('a mapping with 200,000 keys decodes in linear time; its one duplicate key is pointed at', () => {
    const body = Array.from({ length: 200_000 }, (_, i) => `  k${i}: v\n`).join('') + '  k42: again\n';
    const dir = workdir({ 'wide.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: wide}\ndata:\n${body}` });
    const r = lintJson(['wide.yaml'], { cwd: dir });
    expect(keys(r.findings.filter((f) => f.ruleId === 'yaml-syntax'))).toEqual(['yaml-syntax 200005:3']);
    expect(r.findings[0]!.message).toMatch(/^Duplicate key "k42"/);
  });

  it('a collection used as a key prints no library warning', () => {
    const dir = workdir({ 'ck.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata:\n  ? {a: 1}\n  : v\n' });
    const r = lintJson(['ck.yaml'], { cwd: dir });
    expect(r.stderr).toBe('');
  });

  it('--timeout: files not linted in time are named in one line, exit 2', () => {
    const calico = readFileSync(join(CORPUS_ROOT, 'real', 'projectcalico__calico__manifests__calico.yaml'));
    const dir = workdir({ 'a.yaml': calico, 'b.yaml': calico, 'c.yaml': calico, 'd.yaml': calico });
    const r = runCli(['--no-config', '--timeout', '0.05', '.'], { cwd: dir });
    expect(r.code).toBe(2);
    expectCleanStderr(r, 1);
    expect(r.stderr).toMatch(/^daemonlint: the time budget of 0\.05 s ran out; not linted: .*d\.yaml; raise --timeout or lint fewer files at once\n$/);
    for (const bad of ['0', '-1', 'soon']) {
      const u = runCli([`--timeout=${bad}`, '.'], { cwd: dir });
      expect(u.code).toBe(2);
      expect(u.stderr).toBe(`daemonlint: --timeout must be a number of seconds above 0 (got "${bad}")\n`);
    }
  });
});

describe('hostile paths', () => {
  it('a directory named x.yaml is walked as a directory', () => {
    const dir = workdir({ 'x.yaml/inner.yaml': DS });
    for (const arg of ['x.yaml', '.']) {
      const r = lintJson([arg], { cwd: dir });
      expect(r.summary.files).toBe(1);
      expect(r.findings.map((f) => f.file)).toContain('x.yaml/inner.yaml');
    }
  });

  it('a symlink loop: skipped inside a directory, one line and exit 2 when named', () => {
    const dir = workdir({ 'ok.yaml': DS });
    symlinkSync('b.yaml', join(dir, 'a.yaml'));
    symlinkSync('a.yaml', join(dir, 'b.yaml'));
    mkdirSync(join(dir, 'sub'));
    symlinkSync('..', join(dir, 'sub', 'up')); // a directory loop
    const walked = lintJson(['.'], { cwd: dir });
    expect(walked.code).toBe(1);
    expect(walked.summary.files).toBe(1);
    expectCleanStderr(walked);
    const named = runCli(['--no-config', 'a.yaml'], { cwd: dir });
    expect(named.code).toBe(2);
    expect(named.stderr).toBe('daemonlint: a.yaml: symbolic link loop; fix or remove the link\n');
  });

  it('a path that does not exist: one line, exit 2; --debug adds the stack', () => {
    const dir = workdir();
    const r = runCli(['--no-config', 'missing.yaml'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('daemonlint: missing.yaml: no such file or directory\n');
    const d = runCli(['--no-config', '--debug', 'missing.yaml'], { cwd: dir });
    expect(d.stderr.split('\n')[0]).toBe('daemonlint: missing.yaml: no such file or directory');
    expect(d.stderr).toMatch(/\n\s+at /);
  });

  it('a socket is refused in one line; sockets and FIFOs found in a directory are skipped (a FIFO would block)', async () => {
    const dir = workdir({ 'ok.yaml': DS });
    const server = createServer();
    await new Promise<void>((done) => server.listen(join(dir, 'sock.yaml'), done));
    try {
      expect(spawnSync('mkfifo', [join(dir, 'fifo.yaml')]).status).toBe(0);
      const named = runCli(['--no-config', 'sock.yaml'], { cwd: dir });
      expect(named.code).toBe(2);
      expect(named.stderr).toBe('daemonlint: sock.yaml is a socket, not a file; give files, directories or globs\n');
      const walked = lintJson(['.'], { cwd: dir });
      expect(walked.summary.files).toBe(1);
      expectCleanStderr(walked);
    } finally {
      server.close();
    }
  });

  it('a pipe named on the command line (process substitution) is read like a file', () => {
    const dir = workdir({ 'agent.yaml': DS });
    const r = spawnSync('bash', ['-c', '"$0" "$1" --no-config -f json <(cat agent.yaml)', process.execPath, BIN], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('');
    const f = JSON.parse(r.stdout).findings.find((x: JsonFinding) => x.ruleId === 'restart-policy');
    expect(f).toMatchObject({ line: 12, column: 7 });
    expect(f.file).toMatch(/\/fd\/\d+$/);
  });

  const canDropRoot = process.getuid?.() === 0 && spawnSync('setpriv', ['--version']).status === 0;
  // Root reads any file whatever its mode, so the child runs as nobody (setpriv) to meet a permission error.
  it.skipIf(!canDropRoot)('an unreadable file or directory: one line each, exit 2, the rest still linted', () => {
    const dir = workdir({ 'ok.yaml': DS, 'locked.yaml': DS, 'closed/inner.yaml': DS });
    chmodSync(dir, 0o755);
    chmodSync(join(dir, 'ok.yaml'), 0o644);
    chmodSync(join(dir, 'locked.yaml'), 0o000);
    chmodSync(join(dir, 'closed'), 0o000);
    const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, BIN, '--no-config', '-f', 'json', '.'], {
      cwd: dir,
      encoding: 'utf8',
      env: { PATH: process.env.PATH },
      timeout: 60_000,
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(
      'daemonlint: cannot read directory closed: permission denied; check its permissions or leave it out\n' +
        'daemonlint: cannot read locked.yaml: permission denied; check its permissions or leave it out\n',
    );
    const out = JSON.parse(r.stdout);
    expect(out.summary.files).toBe(1);
    expect(out.findings.some((f: JsonFinding) => f.file === 'ok.yaml' && f.ruleId === 'restart-policy')).toBe(true);
  });

  it('stdin empty or closed: an empty input, exit 0', () => {
    const dir = workdir();
    const empty = lintJson(['-'], { cwd: dir, input: '' });
    expect(empty.code).toBe(0);
    expect(empty.summary.files).toBe(1);
    // `0<&-` closes file descriptor 0 before node starts.
    const closed = spawnSync('bash', ['-c', 'exec "$0" "$@" 0<&-', process.execPath, BIN, '--no-config', '-f', 'json', '-'], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
    expect(closed.status).toBe(0);
    expect(closed.stderr).toBe('');
    expect(JSON.parse(closed.stdout).findings).toEqual([]);
  });

  it('stdout closed early by the reader: no error at all; stdout on a full disk: one line, exit 2', () => {
    const dir = workdir({ 'many.yaml': Array.from({ length: 400 }, (_, i) => DS.replace('name: agent', `name: agent-${i}`)).join('---\n') });
    // `| head -c 10` closes the pipe after ten bytes while daemonlint still has most of the report to write.
    const piped = spawnSync('bash', ['-c', '"$0" "$1" --no-config -f json many.yaml 2>err.txt | head -c 10 >/dev/null', process.execPath, BIN], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
    expect(piped.status).toBe(0);
    expect(readFileSync(join(dir, 'err.txt'), 'utf8')).toBe('');
    if (existsSync('/dev/full')) {
      const full = spawnSync('bash', ['-c', '"$0" "$1" --no-config -f json many.yaml >/dev/full', process.execPath, BIN], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
      expect(full.status).toBe(2);
      expect(full.stderr).toBe('daemonlint: cannot write the report to stdout: no space left on the device\n');
      const out = runCli(['--no-config', '-o', '/dev/full', 'many.yaml'], { cwd: dir });
      expect(out.code).toBe(2);
      expect(out.stderr).toBe('daemonlint: cannot write /dev/full: no space left on the device\n');
    }
  });

  it('every usage error is one line and exit 2', () => {
    const dir = workdir({ 'ok.yaml': DS });
    for (const args of [['--format'], ['-o', join(dir, 'no', 'such', 'dir', 'r.json'), 'ok.yaml'], ['--nodes', 'missing.yaml', 'ok.yaml'], ['--nodes', 'ok.yaml', 'ok.yaml'], ['--timeout']]) {
      const r = runCli(['--no-config', ...args], { cwd: dir });
      expect(r.code, args.join(' ')).toBe(2);
      expectCleanStderr(r, 1);
      expect(r.stderr, args.join(' ')).toMatch(/^daemonlint: .+\n$/);
    }
    expect(existsSync(join(dir, 'no'))).toBe(false);
  });
});
