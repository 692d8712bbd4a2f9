/**
 * The language server under hostile documents (issue 8): deep nesting, an alias bomb, binary-looking text, an
 * oversized buffer, lone surrogates and a 200,000-key mapping never crash it or stop it answering, and it reaches
 * neither the network nor a child process (the guard of test/helpers/no-network.cjs is preloaded); a client that
 * sends garbage (a bad header, broken JSON, non-messages, unknown methods) gets errors, not a dead server.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import {
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  InitializedNotification,
  InitializeRequest,
  PublishDiagnosticsNotification,
  ShutdownRequest,
  createProtocolConnection,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol';
import { BIN } from './helpers/cli.js';

const GUARD = join(import.meta.dirname, 'helpers', 'no-network.cjs');
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const DS = `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      restartPolicy: Never
      containers: [{name: agent, image: "example/agent:1.0"}]
`;

describe('the language server under hostile documents', () => {
  it('keeps answering, never crashes, exits cleanly and reaches no network', async () => {
    const root = mkdtempSync(join(tmpdir(), 'daemonlint-lsp-hostile-'));
    dirs.push(root);
    writeFileSync(join(root, 'agent.yaml'), DS);
    const guardLog = join(root, '..', `${root.split('/').pop()}-guard.log`);
    const child = spawn(process.execPath, [BIN, 'lsp', '--stdio'], {
      cwd: root,
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, NODE_OPTIONS: `--require ${GUARD}`, DAEMONLINT_GUARD_LOG: guardLog },
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    const conn = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
    const published: PublishDiagnosticsParams[] = [];
    conn.onNotification(PublishDiagnosticsNotification.type, (p) => void published.push(p));
    conn.onNotification('window/logMessage', () => undefined);
    conn.onRequest('client/registerCapability', () => null);
    conn.listen();
    try {
      await conn.sendRequest(InitializeRequest.type, {
        processId: process.pid,
        rootUri: pathToFileURL(root).href,
        workspaceFolders: [{ uri: pathToFileURL(root).href, name: 'ws' }],
        capabilities: { textDocument: { publishDiagnostics: { relatedInformation: true } } },
      });
      await conn.sendNotification(InitializedNotification.type, {});

      let bomb = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: lol}\ndata:\n  a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n';
      for (let i = 1; i < 10; i++) bomb += `  a${i}: &a${i} [${Array(9).fill(`*a${i - 1}`).join(', ')}]\n`;
      const hostile: Record<string, string> = {
        'deep.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\ndata:\n  a: ' + '['.repeat(20_000) + ']'.repeat(20_000) + '\n',
        'compact.yaml': '- '.repeat(20_000) + 'x\n',
        'bomb.yaml': bomb,
        'controls.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: "\u0000\u0007\u001b[31m"}\ndata: {a: "\ud800"}\n\u0085\u2028',
        'huge.yaml': 'a: ' + 'x'.repeat(17 * 1024 * 1024) + '\n',
        'wide.yaml': 'data:\n' + Array.from({ length: 200_000 }, (_, i) => `  k${i}: v\n`).join(''),
        'template.yaml': '{{- if .Values.x }}\nkind: {{ .Values.kind }}\n{{- end }}\n',
        'shapes.yaml': 'apiVersion: apps/v1\nkind: DaemonSet\nmetadata: 5\nspec: {template: [], selector: true}\n---\n- - -\n',
      };
      let version = 1;
      const agent = pathToFileURL(join(root, 'agent.yaml')).href;
      await conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: agent, languageId: 'yaml', version: version++, text: DS } });
      for (const [name, text] of Object.entries(hostile)) {
        await conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: pathToFileURL(join(root, name)).href, languageId: 'yaml', version: version++, text } });
        // Edits in place too: a document that becomes hostile while open.
        await conn.sendNotification(DidChangeTextDocumentNotification.type, {
          textDocument: { uri: agent, version: version++ },
          contentChanges: [{ text }],
        });
      }
      // Still alive and still linting: a good document gets its diagnostics.
      await conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri: agent, version: version++ }, contentChanges: [{ text: DS }] });
      const deadline = Date.now() + 60_000; // hang guard only
      const last = () => published.filter((p) => p.uri === agent).at(-1);
      while (!last()?.diagnostics.some((d) => d.code === 'restart-policy') || !published.some((p) => p.uri.endsWith('/deep.yaml'))) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`no diagnostics for the good document; stderr:\n${stderr}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      const deep = published.filter((p) => p.uri.endsWith('/deep.yaml')).at(-1);
      expect(deep?.diagnostics.map((d) => d.code)).toEqual(['yaml-syntax']);
      await conn.sendRequest(ShutdownRequest.type);
      await conn.sendNotification(ExitNotification.type);
      expect(await exited).toBe(0);
    } finally {
      conn.dispose();
      if (child.exitCode === null) child.kill();
    }
    expect(stderr).not.toMatch(/\n\s+at |Error:|Warning:/);
    const attempts = existsSync(guardLog) ? readFileSync(guardLog, 'utf8') : '';
    rmSync(guardLog, { force: true });
    expect(attempts).toBe('');
  });

  it('survives a client that sends garbage: bad headers, broken JSON, non-messages and unknown methods', async () => {
    const root = mkdtempSync(join(tmpdir(), 'daemonlint-lsp-garbage-'));
    dirs.push(root);
    const child = spawn(process.execPath, [BIN, 'lsp', '--stdio'], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let stderr = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    const frame = (body: string) => `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
    // A header block without Content-Length is dropped with a logged error; the reader goes on when the next bytes
    // arrive, so the wait below keeps sending a harmless `$/` notification, as a live client keeps talking.
    child.stdin.write('Garbage-Header: yes\r\n\r\n');
    child.stdin.write(frame('{not json at all'));
    child.stdin.write(frame('[1,2,3]'));
    child.stdin.write(frame('{"jsonrpc":"2.0","method":42}'));
    child.stdin.write(frame('{"jsonrpc":"2.0","id":7,"method":"daemonlint/no-such-method"}'));
    child.stdin.write(frame(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { processId: null, rootUri: null, capabilities: {} } })));
    // Hang guard only: the server answers long before this.
    const deadline = Date.now() + 20_000;
    while (!/"id":1,"result"/.test(out)) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`no answer to initialize after garbage; stdout:\n${out.slice(0, 2000)}\nstderr:\n${stderr}`);
      await new Promise((r) => setTimeout(r, 100));
      child.stdin.write(frame('{"jsonrpc":"2.0","method":"$/nudge"}'));
    }
    expect(out).toMatch(/"id":7,"error":\{"code":-32601/);
    child.stdin.write(frame(JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'shutdown' })));
    child.stdin.write(frame(JSON.stringify({ jsonrpc: '2.0', method: 'exit' })));
    expect(await exited).toBe(0);
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});
