/**
 * `daemonlint lsp --stdio`: a language server publishing daemonlint's findings as diagnostics while a
 * manifest is edited, with quick fixes for fixable rules. Loaded only for the `lsp` subcommand.
 *
 * Each lint is tied to a document version: results computed on a version the editor has since replaced are
 * dropped, never published. Cross-resource rules see every manifest of the document's workspace folder
 * (open buffers override the files on disk).
 */
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CodeActionKind,
  DidChangeWatchedFilesNotification,
  FileChangeType,
  TextDocumentSyncKind,
  TextDocuments,
  createConnection,
  type CodeAction,
  type Connection,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { allRules } from '../../rules/index.js';
import { DEFAULT_KUBE_VERSION, createRun, lint } from '../engine/lint.js';
import { MANIFEST_EXTENSIONS } from '../load/files.js';
import { parseSource } from '../load/parse.js';
import type { Finding, NodeInfo, SourceFile } from '../types.js';
import { VERSION } from '../version.js';
import { SOURCE, minimalEdit, toDiagnostic, type DiagnosticData } from './convert.js';
import { Folder, isInside } from './workspace.js';

/** Edits are linted this long after the last keystroke. */
export const DEBOUNCE_MS = 200;
/** Other open documents of a folder are re-linted this long after a change (cross-resource findings). */
const PEER_DEBOUNCE_MS = 400;

const MANIFEST_LANGUAGES = new Set(['yaml', 'json', 'jsonc']);
const LOOKS_LIKE_MANIFEST = /^[ \t]*["']?(?:apiVersion|kind)["']?[ \t]*:/m;

interface IO {
  stderr: (s: string) => void;
}

interface InitOptions {
  /** `--kube-version`. */
  kubeVersion?: string;
  /** `--nodes` inventories, relative to the first workspace folder. */
  nodes?: string[];
}

/** The last lint of a document: what code actions work from. */
interface LintState {
  version: number;
  text: string;
  file: SourceFile;
  fixable: Finding[];
}

/** Entry point of `daemonlint lsp`. Resolves only if the arguments are wrong; the server ends the process on exit. */
export async function lspCommand(args: string[], io: IO): Promise<number> {
  const unknown = args.filter((a) => a !== '--stdio');
  if (unknown.length) {
    io.stderr(`daemonlint: lsp: unknown option ${unknown[0]}; usage: daemonlint lsp --stdio\n`);
    return 2;
  }
  startServer(createConnection(process.stdin, process.stdout));
  return new Promise<number>(() => {});
}

export function startServer(connection: Connection): void {
  // Anything printed to stdout would corrupt the protocol stream: send it to the client's log instead.
  console.log = (...a: unknown[]) => connection.console.log(a.map(String).join(' '));
  console.info = console.log;
  console.warn = (...a: unknown[]) => connection.console.warn(a.map(String).join(' '));
  console.error = (...a: unknown[]) => connection.console.error(a.map(String).join(' '));

  const documents = new TextDocuments(TextDocument);
  const folders: Folder[] = [];
  const timers = new Map<string, NodeJS.Timeout>();
  const states = new Map<string, LintState>();
  const published = new Set<string>();
  let nodes: NodeInfo[] | undefined;
  let kubeVersion = DEFAULT_KUBE_VERSION;
  let watchRegistration = false;

  const log = (m: string) => connection.console.log(`daemonlint: ${m}`);

  const addFolder = (uri: string) => {
    if (!uri.startsWith('file:')) return;
    const root = fileURLToPath(uri);
    if (!folders.some((f) => f.root === root)) folders.push(new Folder(root, log));
    // Deeper folders first, so a file belongs to its innermost folder.
    folders.sort((a, b) => b.root.length - a.root.length);
  };

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    for (const f of params.workspaceFolders ?? []) addFolder(f.uri);
    if (!folders.length && params.rootUri) addFolder(params.rootUri);
    const opts = (params.initializationOptions ?? {}) as InitOptions;
    if (typeof opts.kubeVersion === 'string') kubeVersion = opts.kubeVersion.replace(/^v/, '').split('.').slice(0, 2).join('.');
    if (Array.isArray(opts.nodes) && opts.nodes.length) {
      const base = folders[folders.length - 1]?.root ?? process.cwd();
      import('../load/inventory.js')
        .then(({ loadInventory }) => {
          nodes = loadInventory(opts.nodes!.map(String), base);
          relintAll();
        })
        .catch((err) => connection.console.error(`daemonlint: ${(err as Error).message}`));
    }
    watchRegistration = Boolean(params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration);
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'daemonlint', version: VERSION },
    };
  });

  connection.onInitialized(() => {
    if (watchRegistration) {
      void connection.client
        .register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: '**/*.{yaml,yml,json}' }] })
        .catch(() => undefined);
    }
    const wf = connection.workspace;
    try {
      wf.onDidChangeWorkspaceFolders((e) => {
        for (const r of e.removed) {
          const root = r.uri.startsWith('file:') ? fileURLToPath(r.uri) : '';
          const i = folders.findIndex((f) => f.root === root);
          if (i !== -1) folders.splice(i, 1);
        }
        for (const a of e.added) addFolder(a.uri);
        relintAll();
      });
    } catch {
      // The client does not support workspace folder changes.
    }
  });

  /** Where a document lives: its absolute path and workspace folder, if any. */
  const locate = (uri: string): { abs?: string; folder?: Folder } => {
    if (!uri.startsWith('file:')) return {};
    let abs: string;
    try {
      abs = fileURLToPath(uri);
    } catch {
      return {};
    }
    return { abs, folder: folders.find((f) => isInside(f.root, abs)) };
  };

  const isCandidate = (doc: TextDocument): boolean => {
    const path = doc.uri.replace(/[?#].*$/, '');
    return MANIFEST_LANGUAGES.has(doc.languageId) || MANIFEST_EXTENSIONS.test(path);
  };

  const clear = (uri: string) => {
    states.delete(uri);
    if (published.delete(uri)) void connection.sendDiagnostics({ uri, diagnostics: [] });
  };

  const lintDocument = async (uri: string): Promise<void> => {
    const doc = documents.get(uri);
    if (!doc) return;
    const version = doc.version;
    if (!isCandidate(doc)) return clear(uri);
    const text = doc.getText();
    const { abs, folder } = locate(uri);
    const self = folder && abs ? folder.buffer(abs, version, text) : parseSource({ path: abs ? basename(abs) : uri, absPath: abs, text });
    // Not a Kubernetes manifest (a workflow, a chart's values, package.json …): say nothing.
    if (!self.manifests.length && !LOOKS_LIKE_MANIFEST.test(self.text)) return clear(uri);
    const files = folder ? folder.files(self) : [self];
    const opts = { rules: allRules, nodes, kubeVersion };
    const run = createRun(files, opts);
    for (const rule of allRules) if (rule.prepare) await rule.prepare(run);
    // The document changed while rules were being prepared: a newer lint is on its way.
    if (documents.get(uri)?.version !== version) return;
    const { findings, internalErrors } = lint([self], opts, run);
    for (const e of internalErrors) connection.console.error(`daemonlint: internal error in rule ${e.ruleId} on ${e.file}: ${(e.error as Error)?.message ?? e.error}`);
    const mine = findings.filter((f) => f.file === self.path);
    const fixable = mine.filter((f) => f.fix);
    states.set(uri, { version, text, file: self, fixable });
    const diagnostics = mine.map((f) => {
      const data: DiagnosticData = { version };
      if (f.fix) data.fix = fixable.indexOf(f);
      return toDiagnostic(f, folder?.root, data);
    });
    published.add(uri);
    await connection.sendDiagnostics({ uri, version, diagnostics });
  };

  const runLint = (uri: string) => {
    lintDocument(uri).catch((err) => connection.console.error(`daemonlint: cannot lint ${uri}: ${(err as Error)?.stack ?? err}`));
  };

  const schedule = (uri: string, ms: number) => {
    const t = timers.get(uri);
    if (t) clearTimeout(t);
    timers.set(
      uri,
      setTimeout(() => {
        timers.delete(uri);
        runLint(uri);
      }, ms),
    );
  };

  /** Re-lint the other open documents of a folder: their cross-resource findings may have changed. */
  const schedulePeers = (uri: string | undefined, folder: Folder | undefined) => {
    if (!folder) return;
    for (const d of documents.all()) {
      if (d.uri === uri) continue;
      if (locate(d.uri).folder === folder) schedule(d.uri, PEER_DEBOUNCE_MS);
    }
  };

  const relintAll = () => {
    for (const d of documents.all()) schedule(d.uri, 0);
  };

  const openedAt = new Map<string, number>();
  documents.onDidOpen((e) => {
    openedAt.set(e.document.uri, e.document.version);
    schedule(e.document.uri, 0);
    schedulePeers(e.document.uri, locate(e.document.uri).folder);
  });
  documents.onDidChangeContent((e) => {
    // Opening a document also reports its content: onDidOpen already scheduled that version.
    if (e.document.version === openedAt.get(e.document.uri)) return;
    schedule(e.document.uri, DEBOUNCE_MS);
    schedulePeers(e.document.uri, locate(e.document.uri).folder);
  });
  documents.onDidSave((e) => {
    const { abs, folder } = locate(e.document.uri);
    if (abs && folder) folder.refresh(abs);
    schedule(e.document.uri, 0);
  });
  documents.onDidClose((e) => {
    const uri = e.document.uri;
    const t = timers.get(uri);
    if (t) clearTimeout(t);
    timers.delete(uri);
    clear(uri);
    openedAt.delete(uri);
    const { abs, folder } = locate(uri);
    if (abs && folder) folder.close(abs);
    schedulePeers(uri, folder);
  });

  connection.onDidChangeWatchedFiles((e) => {
    const touched = new Set<Folder>();
    for (const c of e.changes) {
      const { abs, folder } = locate(c.uri);
      if (!abs || !folder) continue;
      if (c.type === FileChangeType.Deleted || c.type === FileChangeType.Changed || c.type === FileChangeType.Created) folder.refresh(abs);
      touched.add(folder);
    }
    for (const f of touched) schedulePeers(undefined, f);
  });

  // CODE_ACTIONS

  documents.listen(connection);
  connection.listen();
}
