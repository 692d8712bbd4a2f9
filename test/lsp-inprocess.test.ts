/**
 * The language server from the sources, in this process, over in-memory streams: the same protocol exchange as an
 * editor's (initialize, open, edit, code actions, a config change, shutdown). test/lsp.test.ts and the Neovim test run
 * `daemonlint lsp --stdio` as editors do; these tests keep the server's own code in the coverage measurement.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import { createConnection } from 'vscode-languageserver/node';
import {
  CodeActionRequest,
  DidChangeTextDocumentNotification,
  DidChangeWatchedFilesNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  FileChangeType,
  InitializeRequest,
  InitializedNotification,
  PublishDiagnosticsNotification,
  ShutdownRequest,
  createProtocolConnection,
  type CodeAction,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  type TextDocumentEdit,
  type TextEdit,
} from 'vscode-languageserver-protocol/node';
import { debounceFor, startServer } from '../src/lsp/server.js';
import { ROOT } from './helpers/cli.js';
import { BAD_DAEMONSET, GOOD_SERVICE, removeWorkdirs, workdir } from './helpers/manifests.js';

// The server sends console output to the client's log: restore the console afterwards.
const consoleBefore = { log: console.log, info: console.info, warn: console.warn, error: console.error };
let client: ProtocolConnection;
let root: string;
const published: PublishDiagnosticsParams[] = [];
const waiters: { uri: string; pred: (p: PublishDiagnosticsParams) => boolean; resolve: (p: PublishDiagnosticsParams) => void }[] = [];

function waitFor(uri: string, pred: (p: PublishDiagnosticsParams) => boolean): Promise<PublishDiagnosticsParams> {
  const last = published.filter((p) => p.uri === uri).at(-1);
  if (last && pred(last)) return Promise.resolve(last);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no matching diagnostics for ${uri}; got ${JSON.stringify(published.filter((p) => p.uri === uri))}`)), 10_000);
    waiters.push({ uri, pred, resolve: (p) => (clearTimeout(timer), resolve(p)) });
  });
}

/** The edits of a code action (the server sends minimal edits as one versioned document change). */
function editsOf(action: CodeAction | undefined): TextEdit[] {
  const changes = action?.edit?.documentChanges as TextDocumentEdit[] | undefined;
  expect(changes).toHaveLength(1);
  return changes![0]!.edits as TextEdit[];
}

/** The text after a code action's edits (non-overlapping, in document order, all on the original text). */
function applyOnly(text: string, action: CodeAction | undefined): string {
  const offset = (p: { line: number; character: number }) => text.split('\n').slice(0, p.line).join('\n').length + (p.line ? 1 : 0) + p.character;
  let out = text;
  for (const { range, newText } of [...editsOf(action)].reverse()) out = out.slice(0, offset(range.start)) + newText + out.slice(offset(range.end));
  return out;
}

const rules = (p: PublishDiagnosticsParams) => p.diagnostics.map((d) => `${d.range.start.line + 1}:${d.range.start.character + 1} ${d.code}`).sort();

beforeAll(async () => {
  root = workdir({ '.git/HEAD': '', 'svc.yaml': GOOD_SERVICE.replace('app: web', 'app: agent') });
  const toServer = new PassThrough();
  const toClient = new PassThrough();
  // Reader and writer objects (not raw streams): the library then leaves the process alone when the streams end.
  startServer(createConnection(new StreamMessageReader(toServer), new StreamMessageWriter(toClient)));
  client = createProtocolConnection(new StreamMessageReader(toClient), new StreamMessageWriter(toServer));
  client.onNotification(PublishDiagnosticsNotification.type, (p) => {
    published.push(p);
    for (const w of [...waiters]) if (w.uri === p.uri && w.pred(p)) waiters.splice(waiters.indexOf(w), 1) && w.resolve(p);
  });
  client.onNotification('window/logMessage', () => undefined);
  client.onRequest('client/registerCapability', () => null);
  client.listen();
  const init = await client.sendRequest(InitializeRequest.type, {
    processId: null,
    rootUri: pathToFileURL(root).href,
    workspaceFolders: [{ uri: pathToFileURL(root).href, name: 'ws' }],
    capabilities: { textDocument: { publishDiagnostics: { relatedInformation: true } }, workspace: { didChangeWatchedFiles: { dynamicRegistration: true } } },
  });
  expect(init.serverInfo?.name).toBe('daemonlint');
  await client.sendNotification(InitializedNotification.type, {});
});

afterAll(async () => {
  await client.sendRequest(ShutdownRequest.type);
  client.dispose();
  Object.assign(console, consoleBefore);
  removeWorkdirs();
});

describe('language server (in-process)', () => {
  it('publishes exact diagnostics on open, with the workspace manifests as context, and clears them on a fix', async () => {
    const uri = pathToFileURL(join(root, 'agent.yaml')).href;
    await client.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'yaml', version: 1, text: BAD_DAEMONSET } });
    const first = await waitFor(uri, (p) => p.diagnostics.length > 0);
    expect(rules(first)).toEqual(['12:7 restart-policy']);
    const d = first.diagnostics[0]!;
    expect(d).toMatchObject({ source: 'daemonlint', severity: 1, range: { start: { line: 11, character: 6 }, end: { line: 11, character: 19 } } });
    expect(d.message).toMatch(/^restartPolicy "Never" is not allowed in a DaemonSet template/);

    const actions = (await client.sendRequest(CodeActionRequest.type, {
      textDocument: { uri },
      range: d.range,
      context: { diagnostics: [d] },
    })) as CodeAction[];
    const fixed = BAD_DAEMONSET.replace('restartPolicy: Never', 'restartPolicy: Always');
    const quickFix = actions.find((a) => a.kind === 'quickfix');
    expect(quickFix?.isPreferred).toBe(true);
    expect(editsOf(quickFix)).toEqual([{ range: { start: { line: 11, character: 21 }, end: { line: 11, character: 26 } }, newText: 'Always' }]);
    expect(applyOnly(BAD_DAEMONSET, quickFix)).toBe(fixed);
    expect(
      applyOnly(
        BAD_DAEMONSET,
        actions.find((a) => a.kind === 'source.fixAll.daemonlint'),
      ),
    ).toBe(fixed);

    await client.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version: 2 }, contentChanges: [{ text: fixed }] });
    expect((await waitFor(uri, (p) => p.version === 2 || p.diagnostics.length === 0)).diagnostics).toEqual([]);
    await client.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
  });

  it('applies the folder config and follows its changes', async () => {
    const uri = pathToFileURL(join(root, 'pid.yaml')).href;
    const text = BAD_DAEMONSET.replace('      restartPolicy: Never\n', '      hostPID: true\n');
    await client.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'yaml', version: 1, text } });
    const before = await waitFor(uri, (p) => p.diagnostics.some((x) => x.code === 'host-pid'));
    expect(before.diagnostics.find((x) => x.code === 'host-pid')?.severity).toBe(2);

    writeFileSync(join(root, '.daemonlint.yaml'), 'rules:\n  host-pid: error\n');
    await client.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: pathToFileURL(join(root, '.daemonlint.yaml')).href, type: FileChangeType.Created }] });
    const after = await waitFor(uri, (p) => p.diagnostics.some((x) => x.code === 'host-pid' && x.severity === 1));
    expect(rules(after)).toEqual(['12:7 host-pid']);

    writeFileSync(join(root, '.daemonlint.yaml'), 'rules:\n  host-pdi: error\n');
    await client.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: pathToFileURL(join(root, '.daemonlint.yaml')).href, type: FileChangeType.Changed }] });
    const broken = await waitFor(uri, (p) => p.diagnostics.some((x) => x.code === 'config'));
    expect(rules(broken)).toEqual(['1:1 config']);
    expect(broken.diagnostics[0]!.message).toMatch(/unknown rule "host-pdi"; did you mean "host-pid"\?/);

    rmSync(join(root, '.daemonlint.yaml'));
    await client.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: pathToFileURL(join(root, '.daemonlint.yaml')).href, type: FileChangeType.Deleted }] });
    const restored = await waitFor(uri, (p) => p.diagnostics.some((x) => x.code === 'host-pid' && x.severity === 2));
    expect(rules(restored)).toEqual(['12:7 host-pid']);
  });

  it('says nothing about YAML files that are not manifests', async () => {
    const workflow = pathToFileURL(join(root, '.github', 'workflows', 'ci.yaml')).href;
    await client.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: workflow, languageId: 'yaml', version: 1, text: 'name: ci\non: [push]\njobs: {}\n' } });
    // A manifest opened after it gets its diagnostics; by then anything about the workflow would have arrived.
    const uri = pathToFileURL(join(root, 'late.yaml')).href;
    await client.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'yaml', version: 1, text: BAD_DAEMONSET.replace(/agent/g, 'late') } });
    expect(rules(await waitFor(uri, (p) => p.diagnostics.length > 0))).toEqual(['12:7 restart-policy']);
    expect(published.filter((p) => p.uri === workflow).flatMap((p) => p.diagnostics)).toEqual([]);
  });

  it('fix-all is one small edit per fixed place, not a block from the first fix to the last', async () => {
    const uri = pathToFileURL(join(root, 'far.yaml')).href;
    // Two safe fixes 20 lines apart: restartPolicy near the top of the Pod spec, and the dnsPolicy a hostNetwork Pod
    // needs, which goes after the spec's last entry (the containers, with a long env list).
    const filler = Array.from({ length: 20 }, (_, i) => `            - {name: V${i}, value: "${i}"}\n`).join('');
    const text = BAD_DAEMONSET.replace(/agent/g, 'far')
      .replace('      restartPolicy: Never\n', '      hostNetwork: true\n      restartPolicy: Never\n')
      .replace('          image: example/far:1.0\n', `          image: example/far:1.0\n          env:\n${filler}`);
    await client.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'yaml', version: 1, text } });
    const d = await waitFor(uri, (p) => p.diagnostics.length >= 2);
    expect(rules(d)).toEqual(['11:5 missing-priority-class', '12:7 host-network', '12:7 host-network-dns-policy', '13:7 restart-policy']);
    const actions = (await client.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: d.diagnostics[0]!.range, context: { diagnostics: [], only: ['source.fixAll'] } })) as CodeAction[];
    const all = actions.find((a) => a.kind === 'source.fixAll.daemonlint');
    const edits = editsOf(all);
    expect(edits).toHaveLength(2);
    for (const e of edits) expect(e.range.end.line - e.range.start.line).toBeLessThanOrEqual(1);
    const fixed = applyOnly(text, all);
    expect(fixed).toContain('      hostNetwork: true\n      restartPolicy: Always\n');
    expect(fixed.endsWith('            - {name: V19, value: "19"}\n      dnsPolicy: ClusterFirstWithHostNet\n')).toBe(true);
    expect(fixed.split('\n').length).toBe(text.split('\n').length + 1);
    await client.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
  });

  it('a misspelt capability with a close match gets a quick fix (a guess: not preferred, not in fix-all)', async () => {
    const uri = pathToFileURL(join(root, 'caps.yaml')).href;
    const text = BAD_DAEMONSET.replace(/agent/g, 'caps')
      .replace('restartPolicy: Never', 'restartPolicy: Always')
      .replace('          image: example/caps:1.0\n', '          image: example/caps:1.0\n          securityContext:\n            capabilities:\n              add: [NET_ADMN, CAP_NET_RAW]\n');
    await client.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'yaml', version: 1, text } });
    const d = await waitFor(uri, (p) => p.diagnostics.length >= 2);
    const typo = d.diagnostics.find((x) => String(x.message).includes('NET_ADMN'))!;
    expect(typo.message).toMatch(/Did you mean NET_ADMIN\? \(quick fix: Replace "NET_ADMN" with NET_ADMIN\)$/);
    const actions = (await client.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: typo.range, context: { diagnostics: [typo] } })) as CodeAction[];
    const quick = actions.filter((a) => a.kind === 'quickfix');
    expect(quick).toHaveLength(1);
    expect(quick[0]!.isPreferred).toBe(false);
    expect(quick[0]!.title).toMatch(/^Replace "NET_ADMN" with NET_ADMIN \(review: .*\) \(unknown-capability\)$/);
    expect(applyOnly(text, quick[0])).toBe(text.replace('NET_ADMN', 'NET_ADMIN'));
    // Fix all applies what --fix applies: the CAP_ prefix goes, the guess stays for the user.
    const all = actions.find((a) => a.kind === 'source.fixAll.daemonlint');
    expect(applyOnly(text, all)).toBe(text.replace('CAP_NET_RAW', 'NET_RAW'));
    await client.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
  });
});

describe('the wait between an edit and its lint', () => {
  it('grows with the document: a small manifest is re-linted almost at once, a large one after a pause', () => {
    // A 1 KB manifest waits a few milliseconds, far below the 200 ms a fixed debounce used to add to every edit.
    expect(debounceFor(0)).toBe(10);
    expect(debounceFor(1_000)).toBe(12);
    expect(debounceFor(50_000)).toBe(110);
    // Never longer than 200 ms, however large the document.
    expect(debounceFor(95_000)).toBe(200);
    expect(debounceFor(5_000_000)).toBe(200);
    const sizes = [0, 10, 500, 5_000, 20_000, 80_000, 200_000];
    const waits = sizes.map(debounceFor);
    expect(waits).toEqual([...waits].sort((a, b) => a - b));
  });
  it("checks a custom resource against the CEL rules of a CRD its config names (crds:)", async () => {
    mkdirSync(join(root, 'agents', 'crds'), { recursive: true });
    writeFileSync(join(root, 'agents', 'crds', 'nodeagents.yaml'), readFileSync(join(ROOT, 'test/fixtures/custom-resource-schema/valid-cel/crd.yaml'), 'utf8'));
    writeFileSync(join(root, 'agents', '.daemonlint.yaml'), 'crds: [crds/]\n');
    const uri = pathToFileURL(join(root, 'agents', 'agent.yaml')).href;
    const text = 'apiVersion: agents.example.com/v1\nkind: NodeAgent\nmetadata:\n  name: a\n  namespace: monitoring\nspec:\n  image: registry.example.com/agent:2.1\n  tls: {enabled: true}\n';
    await client.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'yaml', version: 1, text } });
    const diags = await waitFor(uri, (p) => p.diagnostics.length > 0);
    expect(rules(diags)).toEqual(['6:1 custom-resource-schema']);
    expect(diags.diagnostics[0]!.message).toMatch(/^`spec`: tls.secretName is required when TLS is enabled\. The API server rejects the object/);
    await client.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
  });
});
