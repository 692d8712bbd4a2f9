/**
 * Drives `daemonlint lsp --stdio` in a child process with a real JSON-RPC client (vscode-languageserver-protocol
 * over vscode-jsonrpc's stream reader/writer), the way an editor does.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { chmodSync, mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import {
  CodeActionRequest,
  DidChangeTextDocumentNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  DidChangeWatchedFilesNotification,
  DidSaveTextDocumentNotification,
  ExitNotification,
  InitializeRequest,
  InitializedNotification,
  PublishDiagnosticsNotification,
  ShutdownRequest,
  createProtocolConnection,
  type CodeAction,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  type TextEdit,
} from 'vscode-languageserver-protocol/node';
import { readFileSync } from 'node:fs';
import { BIN, ROOT, runCli } from './helpers/cli.js';

const DAEMONSET = `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
  namespace: logging
spec:
  selector:
    matchLabels: {app: agent}
  template:
    metadata:
      labels: {app: agent}
    spec:
      restartPolicy: Never
      nodeSelector: {example.com/logging: enabled}
      containers:
        - name: agent
          image: example/agent:1.0
          ports: [{name: forward, containerPort: 24224}]
`;

const SERVICE = `apiVersion: v1
kind: Service
metadata:
  name: agent
  namespace: logging
spec:
  selector: {app: agent}
  internalTrafficPolicy: Local
  ports:
    - name: forward
      port: 24224
      targetPort: forward
`;

const WORKFLOW = `name: ci
on: [push]
jobs:
  test:
    runs-on: ubuntu-latest
    steps: [{run: "echo | tee"}]
`;

interface Server {
  conn: ProtocolConnection;
  child: ChildProcessWithoutNullStreams;
  /** Every publishDiagnostics notification, in arrival order. */
  published: PublishDiagnosticsParams[];
  /** Capabilities the server registered dynamically. */
  registrations: { method: string; registerOptions?: unknown }[];
  waitFor(uri: string, pred: (p: PublishDiagnosticsParams) => boolean, what: string): Promise<PublishDiagnosticsParams>;
  exited: Promise<number | null>;
  stderr: () => string;
}

const servers: Server[] = [];

/** `asUser`: run the server as another user through setpriv (to meet permission errors, which root never does). */
function startServer(cwd: string, extraArgs: string[] = [], asUser?: number): Server {
  const argv = [BIN, 'lsp', '--stdio', ...extraArgs];
  const child =
    asUser === undefined
      ? spawn(process.execPath, argv, { cwd, stdio: ['pipe', 'pipe', 'pipe'] })
      : spawn('setpriv', [`--reuid=${asUser}`, `--regid=${asUser}`, '--clear-groups', process.execPath, ...argv], { cwd, stdio: ['pipe', 'pipe', 'pipe'], env: { PATH: process.env.PATH } });
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  const conn = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  const published: PublishDiagnosticsParams[] = [];
  const waiters: { uri: string; pred: (p: PublishDiagnosticsParams) => boolean; resolve: (p: PublishDiagnosticsParams) => void }[] = [];
  conn.onNotification(PublishDiagnosticsNotification.type, (p) => {
    published.push(p);
    for (const w of [...waiters]) {
      if (w.uri === p.uri && w.pred(p)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(p);
      }
    }
  });
  conn.onNotification('window/logMessage', () => undefined);
  const registrations: { method: string; registerOptions?: unknown }[] = [];
  conn.onRequest('client/registerCapability', (p: { registrations: { method: string; registerOptions?: unknown }[] }) => {
    registrations.push(...p.registrations);
    return null;
  });
  conn.listen();
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const server: Server = {
    conn,
    child,
    published,
    registrations,
    exited,
    stderr: () => err,
    waitFor(uri, pred, what) {
      const already = published.filter((p) => p.uri === uri).at(-1);
      if (already && pred(already)) return Promise.resolve(already);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no diagnostics for ${what} (${uri}); got ${JSON.stringify(published.filter((p) => p.uri === uri))}\n${err}`)), 20000);
        waiters.push({ uri, pred, resolve: (p) => (clearTimeout(timer), resolve(p)) });
      });
    },
  };
  servers.push(server);
  return server;
}

async function initialize(s: Server, root: string): Promise<void> {
  const res = await s.conn.sendRequest(InitializeRequest.type, {
    processId: process.pid,
    rootUri: pathToFileURL(root).href,
    workspaceFolders: [{ uri: pathToFileURL(root).href, name: 'ws' }],
    capabilities: {
      textDocument: { publishDiagnostics: { relatedInformation: true, versionSupport: true } },
      workspace: { didChangeWatchedFiles: { dynamicRegistration: true } },
    },
  });
  expect(res.serverInfo?.name).toBe('daemonlint');
  expect(res.capabilities.textDocumentSync).toMatchObject({ openClose: true });
  await s.conn.sendNotification(InitializedNotification.type, {});
}

function open(s: Server, uri: string, text: string, languageId = 'yaml', version = 1) {
  return s.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId, version, text } });
}

function workspace(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'daemonlint-lsp-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

const byRule = (p: PublishDiagnosticsParams, rule: string) => p.diagnostics.filter((d) => d.code === rule);

/** Apply LSP text edits to a text (edits do not overlap; applied from the end). */
function applyEdits(text: string, edits: TextEdit[]): string {
  const offset = (pos: { line: number; character: number }) => {
    let o = 0;
    for (let l = 0; l < pos.line; l++) o = text.indexOf('\n', o) + 1;
    return o + pos.character;
  };
  const sorted = [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start));
  let out = text;
  for (const e of sorted) out = out.slice(0, offset(e.range.start)) + e.newText + out.slice(offset(e.range.end));
  return out;
}

async function shutdown(s: Server): Promise<number | null> {
  await s.conn.sendRequest(ShutdownRequest.type);
  await s.conn.sendNotification(ExitNotification.type);
  return s.exited;
}

afterEach(() => {
  for (const s of servers.splice(0)) {
    s.conn.dispose();
    if (s.child.exitCode === null) s.child.kill();
  }
});

describe('daemonlint lsp --stdio', () => {
  it('is loaded only for the lsp subcommand', () => {
    // Every chunk the CLI loads at start-up (static imports, followed transitively) is free of the LSP libraries.
    const seen = new Set<string>();
    const visit = (name: string) => {
      if (seen.has(name)) return;
      seen.add(name);
      const code = readFileSync(join(ROOT, 'dist', name), 'utf8');
      for (const m of code.matchAll(/^import\s(?:[^'"]*from\s)?["']\.\/([^"']+)["']/gm)) visit(m[1]!);
    };
    visit('cli.js');
    expect(seen.size).toBeGreaterThan(1);
    for (const name of seen) expect(readFileSync(join(ROOT, 'dist', name), 'utf8'), name).not.toMatch(/TextDocumentSyncKind|createConnection|StreamMessageReader/);
    const bad = runCli(['lsp', '--socket=7000']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('daemonlint: unknown option --socket for daemonlint lsp (see daemonlint lsp --help)\n');
  });

  it('offers quick fixes and a fix-all action that writes exactly what --fix writes', async () => {
    const text = `# the log agent
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent # keep this comment
spec:
  selector:
    matchLabels: {app: agent}
  template:
    metadata:
      labels: {app: agent}
    spec:
      hostNetwork: true
      restartPolicy: Never
      containers:
        - name: agent
          image: example/agent:1.0
`;
    const root = workspace({ 'agent.yaml': text });
    const uri = pathToFileURL(join(root, 'agent.yaml')).href;
    const s = startServer(root);
    await initialize(s, root);
    await open(s, uri, text);
    const diags = await s.waitFor(uri, (p) => byRule(p, 'restart-policy').length > 0, 'restart-policy');
    const rp = byRule(diags, 'restart-policy')[0]!;
    const quick = (await s.conn.sendRequest(CodeActionRequest.type, {
      textDocument: { uri },
      range: rp.range,
      context: { diagnostics: [rp], only: ['quickfix'] },
    })) as CodeAction[];
    expect(quick).toHaveLength(1);
    expect(quick[0]!.kind).toBe('quickfix');
    expect(quick[0]!.isPreferred).toBe(true);
    const change = quick[0]!.edit!.documentChanges![0] as { textDocument: { uri: string; version: number }; edits: TextEdit[] };
    expect(change.textDocument).toEqual({ uri, version: 1 });
    // A minimal edit: only the value on line 14 changes; the comments stay.
    expect(change.edits.every((e) => e.range.start.line === 13 && e.range.end.line === 13)).toBe(true);
    expect(applyEdits(text, change.edits)).toBe(text.replace('restartPolicy: Never', 'restartPolicy: Always'));

    // Fix all: the same text `daemonlint --fix` writes for the file.
    const all = (await s.conn.sendRequest(CodeActionRequest.type, {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      context: { diagnostics: [], only: ['source.fixAll'] },
    })) as CodeAction[];
    expect(all.map((a) => a.kind)).toEqual(['source.fixAll.daemonlint']);
    const fixed = applyEdits(text, (all[0]!.edit!.documentChanges![0] as { edits: TextEdit[] }).edits);
    const cliDir = workspace({ 'agent.yaml': text });
    runCli(['--fix', 'agent.yaml'], { cwd: cliDir });
    const cliFixed = readFileSync(join(cliDir, 'agent.yaml'), 'utf8');
    expect(cliFixed).not.toBe(text);
    expect(fixed).toBe(cliFixed);

    // Apply it, as the editor would: the fixed findings are gone.
    await s.conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version: 2 }, contentChanges: [{ text: fixed }] });
    const after = await s.waitFor(uri, (p) => p.version === 2, 'after fix');
    expect(byRule(after, 'restart-policy')).toEqual([]);
    expect(byRule(after, 'host-network-dns-policy')).toEqual([]);
    // Actions asked with the diagnostics of the replaced version offer nothing stale.
    const stale = await s.conn.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: rp.range, context: { diagnostics: [rp], only: ['quickfix'] } });
    expect(stale).toEqual([]);
    expect(await shutdown(s)).toBe(0);
  });

  it('keeps a byte-order mark and CRLF line ends intact when fixing', async () => {
    const text = '\ufeff' + DAEMONSET.replace(/\n/g, '\r\n');
    const root = workspace({ 'agent.yaml': text });
    const uri = pathToFileURL(join(root, 'agent.yaml')).href;
    const s = startServer(root);
    await initialize(s, root);
    await open(s, uri, text);
    const diags = await s.waitFor(uri, (p) => byRule(p, 'restart-policy').length > 0, 'restart-policy');
    const rp = byRule(diags, 'restart-policy')[0]!;
    expect(rp.range).toEqual({ start: { line: 12, character: 6 }, end: { line: 12, character: 19 } });
    const [action] = (await s.conn.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: rp.range, context: { diagnostics: [rp], only: ['quickfix'] } })) as CodeAction[];
    const fixed = applyEdits(text, (action!.edit!.documentChanges![0] as { edits: TextEdit[] }).edits);
    expect(fixed).toBe(text.replace('restartPolicy: Never', 'restartPolicy: Always'));
    expect(await shutdown(s)).toBe(0);
  });

  it('honours the nearest config file: severities, ignore globs, broken configs and config changes', async () => {
    const root = workspace({
      '.daemonlint.yaml': 'rules:\n  restart-policy: warning\nignore: [generated]\n',
      'deploy/agent.yaml': DAEMONSET,
      'generated/agent.yaml': DAEMONSET,
      'legacy/.daemonlint.yaml': 'rules:\n  no-such-rule: error\n',
      'legacy/agent.yaml': DAEMONSET,
    });
    const s = startServer(root);
    await initialize(s, root);
    const agent = pathToFileURL(join(root, 'deploy/agent.yaml')).href;
    const generated = pathToFileURL(join(root, 'generated/agent.yaml')).href;
    const legacy = pathToFileURL(join(root, 'legacy/agent.yaml')).href;
    const configUri = pathToFileURL(join(root, '.daemonlint.yaml')).href;
    // The config file itself is not a manifest, even with kind: keys in its waivers.
    await open(s, configUri, 'waivers:\n  -\n    kind: DaemonSet\n    rules: [host-pid]\n');
    await open(s, generated, DAEMONSET);
    await open(s, agent, DAEMONSET);
    const first = await s.waitFor(agent, (p) => byRule(p, 'restart-policy').length > 0, 'restart-policy as configured');
    expect(byRule(first, 'restart-policy')[0]!.severity).toBe(2);

    // A broken config is shown on the files it governs, in one diagnostic.
    await open(s, legacy, DAEMONSET);
    const broken = await s.waitFor(legacy, (p) => p.diagnostics.length > 0, 'config error');
    expect(broken.diagnostics).toHaveLength(1);
    expect(broken.diagnostics[0]).toMatchObject({ code: 'config', severity: 1 });
    expect(broken.diagnostics[0]!.message).toContain('no-such-rule');

    // The config changes on disk: open documents are linted again with it.
    writeFileSync(join(root, '.daemonlint.yaml'), 'rules:\n  restart-policy: "off"\nignore: [generated]\n');
    await s.conn.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: pathToFileURL(join(root, '.daemonlint.yaml')).href, type: 2 }] });
    // (The identical copy in legacy/ is the same object applied twice, not a second controller: nothing else is left.)
    const off = await s.waitFor(agent, (p) => byRule(p, 'restart-policy').length === 0, 'restart-policy off');
    expect(off.diagnostics).toEqual([]);

    // The ignored file and the config file were never reported on.
    expect(s.published.filter((p) => p.uri === generated || p.uri === configUri)).toEqual([]);
    expect(await shutdown(s)).toBe(0);
  });

  it('publishes custom policy findings on the exact field, and a broken policy expression as a config problem', async () => {
    const config = `policies:
  - id: node-critical
    severity: error
    description: Node agents run at system-node-critical priority.
    kinds: [DaemonSet]
    expression: "has(podSpec.priorityClassName) && podSpec.priorityClassName == 'system-node-critical'"
    message: set priorityClassName to system-node-critical
    path: podSpec.priorityClassName
`;
    const agent = DAEMONSET.replace('      restartPolicy: Never\n', '      priorityClassName: system-cluster-critical\n');
    const root = workspace({ '.daemonlint.yaml': config, 'agent.yaml': agent });
    const uri = pathToFileURL(join(root, 'agent.yaml')).href;
    const s = startServer(root);
    await initialize(s, root);
    await open(s, uri, agent);
    const p = await s.waitFor(uri, (x) => byRule(x, 'node-critical').length > 0, 'node-critical');
    const d = byRule(p, 'node-critical')[0]!;
    expect(d.range).toEqual({ start: { line: 12, character: 6 }, end: { line: 12, character: 23 } });
    expect(d.severity).toBe(1);
    expect(d.message).toBe('DaemonSet logging/agent: set priorityClassName to system-node-critical');
    // Documented by its definition, not by a page of the project.
    expect(d.codeDescription).toBeUndefined();

    // The config now has an expression that does not compile: one diagnostic naming its position.
    writeFileSync(join(root, '.daemonlint.yaml'), config.replace("== 'system-node-critical'\"", "== \""));
    await s.conn.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: pathToFileURL(join(root, '.daemonlint.yaml')).href, type: 2 }] });
    const broken = await s.waitFor(uri, (x) => x.diagnostics.some((e) => e.code === 'config'), 'config problem');
    expect(broken.diagnostics).toHaveLength(1);
    expect(broken.diagnostics[0]!.message).toMatch(/^daemonlint configuration: \.daemonlint\.yaml:6:\d+: policies\[0\]\.expression: syntax error/);
    expect(await shutdown(s)).toBe(0);
  });

  it('evaluates the admission policies of the workspace folder against an open manifest', async () => {
    const policy = `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
  name: no-host-network.example.com
spec:
  matchConstraints:
    resourceRules:
      - {apiGroups: [apps], apiVersions: [v1], operations: [CREATE], resources: [daemonsets]}
  validations:
    - expression: "!has(object.spec.template.spec.hostNetwork) || !object.spec.template.spec.hostNetwork"
      message: no host network in this cluster
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata:
  name: no-host-network-binding.example.com
spec:
  policyName: no-host-network.example.com
  validationActions: [Warn]
`;
    const agent = DAEMONSET.replace('      restartPolicy: Never\n', '      hostNetwork: true\n');
    const root = workspace({ 'cluster/policy.yaml': policy, 'agent.yaml': agent });
    const uri = pathToFileURL(join(root, 'agent.yaml')).href;
    const s = startServer(root);
    await initialize(s, root);
    await open(s, uri, agent);
    const p = await s.waitFor(uri, (x) => byRule(x, 'admission-policy').length > 0, 'admission-policy');
    const d = byRule(p, 'admission-policy')[0]!;
    expect(d.severity).toBe(2);
    expect(d.range.start).toEqual({ line: 12, character: 6 });
    expect(d.message).toBe(
      "DaemonSet logging/agent would get a warning: Validation failed for ValidatingAdmissionPolicy 'no-host-network.example.com' with binding 'no-host-network-binding.example.com': no host network in this cluster",
    );
    expect(d.relatedInformation?.[0]?.location.uri).toBe(pathToFileURL(join(root, 'cluster/policy.yaml')).href);
    expect(await shutdown(s)).toBe(0);
  });

  it('a config that extends a FIFO or a device is one config diagnostic; the server keeps answering', async () => {
    const root = workspace({ 'deploy/agent.yaml': DAEMONSET, 'dev/.daemonlint.yaml': 'extends: ./fifo.yaml\n', 'dev/agent.yaml': DAEMONSET });
    expect(spawnSync('mkfifo', [join(root, 'dev/fifo.yaml')]).status).toBe(0);
    const s = startServer(root);
    await initialize(s, root);
    const uri = pathToFileURL(join(root, 'dev/agent.yaml')).href;
    await open(s, uri, DAEMONSET);
    const p = await s.waitFor(uri, (x) => x.diagnostics.length > 0, 'config error for the FIFO');
    expect(p.diagnostics).toHaveLength(1);
    expect(p.diagnostics[0]).toMatchObject({ code: 'config' });
    expect(p.diagnostics[0]!.message).toMatch(/fifo\.yaml: it is a named pipe \(FIFO\), not a file/);
    // Still alive: another document is linted, and shutdown is answered.
    const other = pathToFileURL(join(root, 'deploy/agent.yaml')).href;
    await open(s, other, DAEMONSET);
    await s.waitFor(other, (x) => byRule(x, 'restart-policy').length > 0, 'the other document');
    expect(await shutdown(s)).toBe(0);
  });

  const canDropRoot = process.getuid?.() === 0 && spawnSync('setpriv', ['--version']).status === 0;
  it.skipIf(!canDropRoot)('an unreadable subfolder does not hide the rest of the workspace from cross-resource rules', async () => {
    const root = workspace({ 'ds.yaml': DAEMONSET, 'svc.yaml': SERVICE, 'locked/other.yaml': DAEMONSET });
    chmodSync(root, 0o755);
    for (const f of ['ds.yaml', 'svc.yaml']) chmodSync(join(root, f), 0o644);
    chmodSync(join(root, 'locked'), 0o000);
    const s = startServer(root, [], 65534);
    await initialize(s, root);
    const svc = pathToFileURL(join(root, 'svc.yaml')).href;
    await open(s, svc, SERVICE);
    // The gap needs the DaemonSet in ds.yaml, read from disk next to the unreadable folder.
    await s.waitFor(svc, (p) => byRule(p, 'local-traffic-gap').length > 0, 'local-traffic-gap');
    expect(await shutdown(s)).toBe(0);
  });

  it('publishes diagnostics with exact ranges on open, updates them on edit, and shuts down cleanly', async () => {
    const root = workspace({ 'deploy/agent.yaml': DAEMONSET });
    const uri = pathToFileURL(join(root, 'deploy/agent.yaml')).href;
    // As VS Code's client starts a server: the transport flag and its process id.
    const s = startServer(root, [`--clientProcessId=${process.pid}`]);
    await initialize(s, root);
    await open(s, uri, DAEMONSET);
    const first = await s.waitFor(uri, (p) => byRule(p, 'restart-policy').length > 0, 'restart-policy on open');
    expect(first.version).toBe(1);
    const d = byRule(first, 'restart-policy')[0]!;
    // The CLI reports 13:7-13:20 (1-based, exclusive end): LSP is 0-based.
    expect(d.range).toEqual({ start: { line: 12, character: 6 }, end: { line: 12, character: 19 } });
    expect(d.severity).toBe(1);
    expect(d.source).toBe('daemonlint');
    // package.json names no repository: no link (test/links.test.ts covers the other state).
    expect(d.codeDescription).toBeUndefined();

    // Edit: replace the whole text with a version that keeps the template running (no restart-policy finding).
    const fixed = DAEMONSET.replace('restartPolicy: Never', 'restartPolicy: Always');
    await s.conn.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version: 2 },
      contentChanges: [{ text: fixed }],
    });
    const second = await s.waitFor(uri, (p) => p.version === 2, 'version 2');
    expect(byRule(second, 'restart-policy')).toEqual([]);

    // An incremental edit (insert a line above): findings move down with the text.
    await s.conn.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version: 3 },
      contentChanges: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '# agent\n' }],
    });
    const third = await s.waitFor(uri, (p) => p.version === 3, 'version 3');
    const lines = (p: PublishDiagnosticsParams) => p.diagnostics.map((x) => `${x.code}@${x.range.start.line}`).sort();
    expect(lines(third)).toEqual(second.diagnostics.map((x) => `${x.code}@${x.range.start.line + 1}`).sort());

    await s.conn.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
    await s.waitFor(uri, (p) => p.diagnostics.length === 0, 'cleared on close');
    expect(await shutdown(s)).toBe(0);
  });

  it('lets cross-resource rules see the other manifests of the workspace folder, open buffers overriding disk', async () => {
    const root = workspace({ 'ds.yaml': DAEMONSET, 'svc.yaml': SERVICE });
    const svc = pathToFileURL(join(root, 'svc.yaml')).href;
    const ds = pathToFileURL(join(root, 'ds.yaml')).href;
    const s = startServer(root);
    await initialize(s, root);
    await open(s, svc, SERVICE);
    // ds.yaml on disk restricts the DaemonSet with a nodeSelector: the Local Service drops traffic elsewhere.
    const gap = await s.waitFor(svc, (p) => byRule(p, 'local-traffic-gap').length > 0, 'local-traffic-gap');
    const rel = byRule(gap, 'local-traffic-gap')[0]!.relatedInformation ?? [];
    expect(rel.map((r) => r.location.uri)).toContain(ds);

    // Open the DaemonSet and drop its nodeSelector in the buffer (not on disk): the Service's finding goes away.
    await open(s, ds, DAEMONSET);
    await s.waitFor(ds, () => true, 'ds opened');
    await s.conn.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri: ds, version: 2 },
      contentChanges: [{ text: DAEMONSET.replace('      nodeSelector: {example.com/logging: enabled}\n', '') }],
    });
    await s.waitFor(svc, (p) => byRule(p, 'local-traffic-gap').length === 0, 'gap gone once the buffer widens the DaemonSet');

    // Closing the buffer brings the disk version back.
    await s.conn.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri: ds } });
    await s.waitFor(svc, (p) => byRule(p, 'local-traffic-gap').length > 0, 'gap back after close');

    // The server asked to hear about manifests and config files changed outside the editor …
    const watchers = s.registrations.filter((r) => r.method === 'workspace/didChangeWatchedFiles');
    expect(JSON.stringify(watchers)).toContain('.daemonlint.yaml');
    // … and a change on disk (a checkout, a generator) reaches the open Service's cross-resource findings.
    writeFileSync(join(root, 'ds.yaml'), DAEMONSET.replace('      nodeSelector: {example.com/logging: enabled}\n', ''));
    await s.conn.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: ds, type: 2 }] });
    await s.waitFor(svc, (p) => byRule(p, 'local-traffic-gap').length === 0, 'gap gone after the file changed on disk');
    expect(await shutdown(s)).toBe(0);
  });

  it('compares a buffer only with what is deployed with it: environment copies are not one cluster', async () => {
    const hostPort = DAEMONSET.replace("ports: [{name: forward, containerPort: 24224}]", "ports: [{name: forward, containerPort: 24224, hostPort: 24224}]");
    const proxy = hostPort.replace('name: agent\n  namespace', 'name: proxy\n  namespace').replace(/\{app: agent\}/g, '{app: proxy}');
    const root = workspace({
      'envs/dev/agent.yaml': hostPort,
      'envs/prod/agent.yaml': hostPort.replace('example/agent:1.0', 'example/agent:0.9'),
      'envs/dev/proxy.yaml': proxy,
    });
    const prod = pathToFileURL(join(root, 'envs/prod/agent.yaml')).href;
    const dev = pathToFileURL(join(root, 'envs/dev/agent.yaml')).href;
    const s = startServer(root);
    await initialize(s, root);
    await open(s, prod, hostPort.replace('example/agent:1.0', 'example/agent:0.9'));
    const p = await s.waitFor(prod, (x) => byRule(x, 'restart-policy').length > 0, 'prod linted');
    // The dev copy and the dev proxy are another environment: no collision for the production copy.
    expect(byRule(p, 'host-port-conflict')).toEqual([]);
    await open(s, dev, hostPort);
    // In dev, the proxy really takes the agent's port: reported, naming the unit.
    const d = await s.waitFor(dev, (x) => byRule(x, 'host-port-conflict').length > 0, 'dev collision');
    expect(byRule(d, 'host-port-conflict')[0]!.message).toContain('(deployment unit envs/dev)');
    expect(await shutdown(s)).toBe(0);
  });

  it('skips files that are not manifests, survives garbage and drops stale results', async () => {
    const root = workspace({});
    const s = startServer(root);
    await initialize(s, root);
    const workflow = pathToFileURL(join(root, '.github/workflows/ci.yaml')).href;
    const pkg = pathToFileURL(join(root, 'package.json')).href;
    const readme = pathToFileURL(join(root, 'README.md')).href;
    await open(s, workflow, WORKFLOW);
    await open(s, pkg, '{"name": "x", "version": "1.0.0"}', 'json');
    await open(s, readme, 'apiVersion: v1\nkind: Pod\n', 'markdown');

    const uri = pathToFileURL(join(root, 'junk.yaml')).href;
    const garbage = ['apiVersion: v1\nkind: Pod\n\u0000\u0001\ufffd: [', '{{{{', 'kind: [a, b', '- - - :\n\t\tapiVersion', '\ud800\udc00'.repeat(1000) + '\nkind: "'];
    await open(s, uri, garbage[0]!);
    // A burst of replacements, faster than the debounce: only the last version may be reported last.
    let version = 1;
    for (let i = 0; i < 30; i++) {
      version++;
      await s.conn.sendNotification(DidChangeTextDocumentNotification.type, {
        textDocument: { uri, version },
        contentChanges: [{ text: i === 29 ? DAEMONSET : garbage[i % garbage.length]! }],
      });
    }
    const last = await s.waitFor(uri, (p) => p.version === version, 'final version');
    expect(byRule(last, 'restart-policy')).toHaveLength(1);
    const versions = s.published.filter((p) => p.uri === uri).map((p) => p.version ?? 0);
    expect([...versions].sort((a, b) => a - b)).toEqual(versions);

    // Nothing was ever published for the workflow, package.json or the Markdown file.
    expect(s.published.filter((p) => [workflow, pkg, readme].includes(p.uri))).toEqual([]);

    // A document that becomes a manifest is linted; one that stops being one is cleared.
    await s.conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri: workflow, version: 2 }, contentChanges: [{ text: DAEMONSET }] });
    await s.waitFor(workflow, (p) => byRule(p, 'restart-policy').length === 1, 'workflow turned manifest');
    await s.conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri: workflow, version: 3 }, contentChanges: [{ text: WORKFLOW }] });
    await s.waitFor(workflow, (p) => p.diagnostics.length === 0, 'workflow cleared');

    await s.conn.sendNotification(DidSaveTextDocumentNotification.type, { textDocument: { uri } });
    expect(await shutdown(s)).toBe(0);
    expect(s.stderr()).toBe('');
  });

  it('checks custom resources against CRDs of the folder or of initializationOptions.crds, for the kubeVersion given', async () => {
    const crdText = readFileSync(join(ROOT, 'test', 'fixtures', 'crds', 'cert-manager.io_certificates.yaml'), 'utf8');
    const outside = workspace({ 'certificates.yaml': crdText });
    const root = workspace({ 'cert.yaml': '' });
    const s = startServer(root);
    await s.conn.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: pathToFileURL(root).href,
      workspaceFolders: [{ uri: pathToFileURL(root).href, name: 'ws' }],
      capabilities: {},
      initializationOptions: { kubeVersion: 'v1.21.3', crds: [join(outside, 'certificates.yaml')] },
    });
    await s.conn.sendNotification(InitializedNotification.type, {});
    const uri = pathToFileURL(join(root, 'cert.yaml')).href;
    await open(s, uri, 'apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata: {name: a}\nspec:\n  secretName: s\n  issuerRef: {name: i}\n  dnsName: [a]\n');
    const diags = await s.waitFor(uri, (p) => byRule(p, 'custom-resource-schema').length > 0, 'custom-resource-schema');
    expect(byRule(diags, 'custom-resource-schema').map((d) => [d.range.start.line, d.message])).toEqual([[6, '`dnsName` is not a field of `spec`; did you mean `dnsNames`? (quick fix: Rename dnsName to dnsNames)']]);
    // The target version applies: rbac v1beta1 is only deprecated in 1.21.
    const rb = pathToFileURL(join(root, 'rb.yaml')).href;
    await open(s, rb, 'apiVersion: rbac.authorization.k8s.io/v1beta1\nkind: ClusterRole\nmetadata: {name: a}\nrules: []\n');
    const rbDiags = await s.waitFor(rb, (p) => byRule(p, 'api-version').length > 0, 'api-version');
    expect(byRule(rbDiags, 'api-version').map((d) => d.severity)).toEqual([2]);
    expect(await shutdown(s)).toBe(0);
    expect(s.stderr()).toBe('');
  });
});
