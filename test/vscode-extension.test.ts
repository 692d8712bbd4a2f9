/**
 * The VS Code extension as users install it: editors/vscode built with esbuild (client and language server bundled)
 * and packaged with vsce, offline and without a warning; then the language server taken out of the .vsix starts on
 * its own (no daemonlint on PATH, no node_modules beside it) and publishes diagnostics for a manifest.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { inflateRawSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import {
  DidOpenTextDocumentNotification,
  ExitNotification,
  InitializeRequest,
  InitializedNotification,
  PublishDiagnosticsNotification,
  ShutdownRequest,
  createProtocolConnection,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';
import { ROOT } from './helpers/cli.js';
import { BAD_DAEMONSET } from './helpers/manifests.js';
import { packageExtension, stageExtension } from '../scripts/build-vscode.mjs';

/** The entries of a zip archive (a .vsix is one): name → content, read from its central directory. */
function unzip(zip: Buffer): Map<string, Buffer> {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (end < 0) throw new Error('not a zip archive');
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const files = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error(`bad central directory entry at ${at}`);
    const method = zip.readUInt16LE(at + 10);
    const size = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const local = zip.readUInt32LE(at + 42);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const data = zip.subarray(start, start + size);
    files.set(name, method === 8 ? inflateRawSync(data) : Buffer.from(data));
    at += 46 + nameLength + extraLength + commentLength;
  }
  return files;
}

const GUARD = join(ROOT, 'test', 'helpers', 'no-network.cjs');
let work: string;
let vsix: Map<string, Buffer>;
let vsceOutput: string;
let guardLog: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'daemonlint-vscode-'));
  const staged = join(work, 'extension');
  await stageExtension(staged);
  const out = join(work, 'daemonlint.vsix');
  guardLog = join(work, 'vsce-guard.log');
  // Packaging runs offline: the guard refuses (and logs) every network connection and child process.
  vsceOutput = packageExtension(out, staged, { ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${GUARD}`, DAEMONLINT_GUARD_LOG: guardLog });
  vsix = unzip(readFileSync(out));
}, 120_000);

describe('the packaged VS Code extension', () => {
  it('is packaged by vsce offline, without a warning, with only what runs', () => {
    expect(vsceOutput).toMatch(/DONE\s+Packaged/);
    expect(vsceOutput).not.toMatch(/warning/i);
    let blocked = '';
    try {
      blocked = readFileSync(guardLog, 'utf8');
    } catch {}
    expect(blocked).toBe('');
    const names = [...vsix.keys()].filter((n) => n.startsWith('extension/')).sort();
    expect(names).toEqual(['extension/LICENSE.txt', 'extension/dist/extension.js', 'extension/dist/server.js', 'extension/package.json', 'extension/readme.md']);
    const manifest = JSON.parse(vsix.get('extension/package.json')!.toString('utf8')) as { main: string; dependencies?: unknown; contributes: { configuration: { properties: Record<string, unknown> } } };
    expect(manifest.main).toBe('./dist/extension.js');
    expect(manifest.dependencies).toBeUndefined();
    expect(Object.keys(manifest.contributes.configuration.properties).sort()).toEqual(['daemonlint.kubeVersion', 'daemonlint.nodes', 'daemonlint.path']);
  });

  it('has a client that needs nothing but the editor (vscode) and Node built-ins', () => {
    const client = vsix.get('extension/dist/extension.js')!.toString('utf8');
    const required = new Set([...client.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]!));
    const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
    expect([...required].filter((m) => m !== 'vscode' && !builtins.has(m))).toEqual([]);
    expect(required.has('vscode')).toBe(true);
    // The bundled server is started from the extension's own folder.
    expect(client).toContain('dist/server.js');
  });

  it("starts the bundled language server, which publishes diagnostics for a manifest", async () => {
    const extension = join(work, 'installed');
    for (const [name, data] of vsix) {
      if (!name.startsWith('extension/')) continue;
      const target = join(extension, name.slice('extension/'.length));
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, data);
    }
    const folder = join(work, 'workspace');
    mkdirSync(folder);
    const text = BAD_DAEMONSET;
    writeFileSync(join(folder, 'agent.yaml'), text);
    // As VS Code starts it (TransportKind.stdio): `node dist/server.js --stdio`, with no daemonlint on PATH.
    const child = spawn(process.execPath, [join(extension, 'dist', 'server.js'), '--stdio', `--clientProcessId=${process.pid}`], {
      cwd: folder,
      env: { ...process.env, PATH: '/nonexistent', NODE_OPTIONS: `--require ${GUARD}`, DAEMONLINT_GUARD_LOG: join(work, 'server-guard.log') },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const conn = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
    const uri = pathToFileURL(join(folder, 'agent.yaml')).href;
    const published = new Promise<PublishDiagnosticsParams>((resolve) =>
      conn.onNotification(PublishDiagnosticsNotification.type, (p) => {
        if (p.uri === uri) resolve(p);
      }),
    );
    conn.onNotification('window/logMessage', () => undefined);
    conn.onRequest('client/registerCapability', () => null);
    conn.listen();
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const init = await conn.sendRequest(InitializeRequest.type, {
        processId: process.pid,
        rootUri: pathToFileURL(folder).href,
        workspaceFolders: [{ uri: pathToFileURL(folder).href, name: 'ws' }],
        capabilities: { textDocument: { publishDiagnostics: { relatedInformation: true } }, workspace: { didChangeWatchedFiles: { dynamicRegistration: true } } },
      });
      expect(init.serverInfo?.name).toBe('daemonlint');
      await conn.sendNotification(InitializedNotification.type, {});
      await conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'yaml', version: 1, text } });
      const p = await published;
      const rp = p.diagnostics.find((d) => d.code === 'restart-policy');
      expect(rp, `${JSON.stringify(p)}\n${stderr}`).toBeDefined();
      expect(rp!.range.start).toEqual({ line: 11, character: 6 });
      expect(rp!.source).toBe('daemonlint');
      await conn.sendRequest(ShutdownRequest.type);
      await conn.sendNotification(ExitNotification.type);
      expect(await exited).toBe(0);
      let blocked = '';
      try {
        blocked = readFileSync(join(work, 'server-guard.log'), 'utf8');
      } catch {}
      expect(blocked).toBe('');
    } finally {
      conn.dispose();
      if (child.exitCode === null) child.kill();
    }
  });
});
