/**
 * `daemonlint lsp --stdio`: a language server publishing daemonlint's findings as diagnostics while a
 * manifest is edited, with quick fixes for fixable rules. Loaded only for the `lsp` subcommand.
 *
 * Each lint is tied to a document version: results computed on a version the editor has since replaced are
 * dropped, never published. Cross-resource rules see every manifest of the document's workspace folder
 * (open buffers override the files on disk).
 */
import { LINKS } from '../links.js';
import { basename, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CodeActionKind,
  DiagnosticSeverity,
  DidChangeWatchedFilesNotification,
  TextDocumentSyncKind,
  TextDocuments,
  createConnection,
  type CodeAction,
  type Connection,
  type Diagnostic,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { CONFIG_NAMES, clearConfigCache } from '../config/index.js';
import { normalizeKubeVersion } from '../k8s/kube-version.js';
import { MANIFEST_EXTENSIONS, MAX_FILE_BYTES } from '../load/files.js';
import { parseSource } from '../load/parse.js';
import type { Finding, SourceFile } from '../types.js';
import { safeText } from '../report/sanitize.js';
import { VERSION } from '../version.js';
import { SOURCE, minimalEdits, toDiagnostic, type DiagnosticData } from './convert.js';
import { BufferLinter, type LintSettings } from './lint.js';
import { Folder, isInside } from './workspace.js';

/** The shortest and longest wait between the last keystroke and the lint of a changed document. */
const MIN_DEBOUNCE_MS = 10;
const MAX_DEBOUNCE_MS = 200;
/** Characters of a document per millisecond of wait: roughly how fast a manifest is parsed and linted. */
const CHARS_PER_MS = 500;

/**
 * How long after the last change a document of `length` characters is linted: about as long as linting it takes,
 * between 10 and 200 ms. A small manifest re-lints almost at once (about 12 ms for 1 KB); a large one waits for a
 * pause in typing (110 ms for 50 KB, 200 ms from 95 KB) instead of being linted on every keystroke.
 */
export function debounceFor(length: number): number {
  return Math.min(MAX_DEBOUNCE_MS, MIN_DEBOUNCE_MS + Math.round(length / CHARS_PER_MS));
}
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
  /** `--nodes` inventories, relative to the first workspace folder. A config file's `nodes` win. */
  nodes?: string[];
  /** `--crd` files or directories, relative to the first workspace folder. A config file's `crds` win. */
  crds?: string[];
}

/** The last lint of a document: what code actions work from. */
interface LintState {
  version: number;
  text: string;
  file: SourceFile;
  folder: Folder | undefined;
  fixable: Finding[];
}

/** Entry point of `daemonlint lsp`. Resolves only if the arguments are wrong; the server ends the process on exit. */
export async function lspCommand(args: string[], io: IO): Promise<number> {
  // Clients may add the transport flag again and their process id (`--clientProcessId=N`); the server watches its
  // parent through the initialize request's processId instead.
  const unknown = args.filter((a, i) => a !== '--stdio' && !a.startsWith('--clientProcessId=') && a !== '--clientProcessId' && args[i - 1] !== '--clientProcessId');
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
  const settings: LintSettings = {};
  const linter = new BufferLinter(settings);
  let watchRegistration = false;

  const log = (m: string) => connection.console.log(`daemonlint: ${safeText(m)}`);
  const isConfigFile = (uri: string) => (CONFIG_NAMES as readonly string[]).includes(basename(uri.replace(/[?#].*$/, '')));

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
    if (typeof opts.kubeVersion === 'string') settings.kubeVersion = normalizeKubeVersion(opts.kubeVersion);
    if (Array.isArray(opts.nodes) && opts.nodes.length) {
      const base = folders[folders.length - 1]?.root ?? process.cwd();
      settings.nodes = opts.nodes.map((n) => resolve(base, String(n)));
    }
    if (Array.isArray(opts.crds) && opts.crds.length) {
      const base = folders[folders.length - 1]?.root ?? process.cwd();
      settings.crds = opts.crds.map((n) => resolve(base, String(n)));
    }
    watchRegistration = Boolean(params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration);
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, CodeActionKind.SourceFixAll] },
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'daemonlint', version: VERSION },
    };
  });

  connection.onInitialized(() => {
    if (watchRegistration) {
      void connection.client
        .register(DidChangeWatchedFilesNotification.type, {
          watchers: [{ globPattern: '**/*.{yaml,yml,json}' }, ...CONFIG_NAMES.map((n) => ({ globPattern: `**/${n}` }))],
        })
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
    // daemonlint's own config files are not manifests (the CLI skips them too).
    if (isConfigFile(doc.uri)) return false;
    return MANIFEST_LANGUAGES.has(doc.languageId) || MANIFEST_EXTENSIONS.test(path);
  };

  /** No diagnostics for `uri` (any more); `version`: the document version this is true of, when it is open. */
  const clear = (uri: string, version?: number) => {
    states.delete(uri);
    if (published.delete(uri)) void connection.sendDiagnostics({ uri, ...(version === undefined ? {} : { version }), diagnostics: [] });
  };

  const lintDocument = async (uri: string): Promise<void> => {
    const doc = documents.get(uri);
    if (!doc) return;
    const version = doc.version;
    if (!isCandidate(doc)) return clear(uri, version);
    const text = doc.getText();
    // As on the command line, a file over the size limit is not linted.
    if (text.length > MAX_FILE_BYTES) return clear(uri, version);
    const { abs, folder } = locate(uri);
    const self = folder && abs ? folder.buffer(abs, version, text) : parseSource({ path: abs ? basename(abs) : uri, absPath: abs, text });
    // Not a Kubernetes manifest (a workflow, a chart's values, package.json …): say nothing.
    if (!self.manifests.length && !LOOKS_LIKE_MANIFEST.test(self.text)) return clear(uri, version);
    const outcome = await linter.lint(self, folder, () => documents.get(uri)?.version === version);
    // Undefined: the document changed while rules were being prepared, and a newer lint is on its way.
    if (!outcome || documents.get(uri)?.version !== version) return;
    if (outcome.kind === 'ignored') return clear(uri, version);
    let diagnostics: Diagnostic[];
    if (outcome.kind === 'config-error') {
      states.delete(uri);
      diagnostics = [
        {
          range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
          severity: DiagnosticSeverity.Error,
          source: SOURCE,
          code: 'config',
          message: safeText(`daemonlint configuration: ${outcome.message}`),
        },
      ];
    } else {
      const { findings, internalErrors } = outcome.result;
      for (const e of internalErrors) connection.console.error(`daemonlint: internal error in rule ${e.ruleId} on ${e.file}: ${(e.error as Error)?.message ?? e.error}`);
      const fixable = findings.filter((f) => f.fix && f.docIndex !== undefined);
      const custom = new Set(outcome.rules.filter((r) => r.meta.custom).map((r) => r.meta.id));
      const bom = text.charCodeAt(0) === 0xfeff;
      states.set(uri, { version, text, file: self, folder, fixable });
      diagnostics = findings.map((f) => {
        const data: DiagnosticData = { version };
        if (f.fix && f.docIndex !== undefined) data.fix = fixable.indexOf(f);
        const d = toDiagnostic(f, folder?.root, data, LINKS, custom.has(f.ruleId));
        // The loader drops a byte-order mark; the editor's line 1 still has it.
        if (bom) for (const p of [d.range.start, d.range.end]) if (p.line === 0) p.character++;
        return d;
      });
    }
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
    schedule(e.document.uri, debounceFor(e.document.getText().length));
    schedulePeers(e.document.uri, locate(e.document.uri).folder);
  });
  /** A config file, node inventory or CRD file changed: every open document may lint differently. */
  const configChanged = () => {
    clearConfigCache();
    linter.reset();
    relintAll();
  };

  documents.onDidSave((e) => {
    const { abs, folder } = locate(e.document.uri);
    if (abs && folder) folder.refresh(abs);
    if (isConfigFile(e.document.uri) || (abs && (settings.nodes?.includes(abs) || settings.crds?.some((c) => isInside(c, abs))))) return configChanged();
    schedule(e.document.uri, 0);
    schedulePeers(e.document.uri, folder);
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
    let config = false;
    for (const c of e.changes) {
      if (isConfigFile(c.uri)) config = true;
      const { abs, folder } = locate(c.uri);
      if (!abs || !folder) continue;
      // Open buffers win over the disk; the disk version is re-read for when they close.
      folder.refresh(abs);
      touched.add(folder);
    }
    if (config) return configChanged();
    for (const f of touched) schedulePeers(undefined, f);
  });

  connection.onCodeAction(async (params) => {
    const uri = params.textDocument.uri;
    const doc = documents.get(uri);
    const state = states.get(uri);
    // Actions are computed on the text the diagnostics were computed on; a newer version gets its own.
    if (!doc || !state || state.version !== doc.version || !state.fixable.length) return [];
    const only = params.context.only;
    const wants = (kind: string) => !only || only.some((k) => kind === k || kind.startsWith(`${k}.`));
    // Fixes work on the text without a byte-order mark (as the loader reads it); the editor's text keeps it.
    const bom = state.text.charCodeAt(0) === 0xfeff ? '\ufeff' : '';
    const change = (newText: string) => {
      const edits = minimalEdits(state.text, bom + newText);
      return edits.length ? { documentChanges: [{ textDocument: { uri, version: state.version }, edits }] } : undefined;
    };
    const actions: CodeAction[] = [];
    if (wants(CodeActionKind.QuickFix)) {
      for (const d of params.context.diagnostics) {
        if (d.source !== SOURCE) continue;
        const data = d.data as DiagnosticData | undefined;
        if (!data || data.version !== state.version || data.fix === undefined) continue;
        const finding = state.fixable[data.fix];
        if (!finding?.fix) continue;
        const edit = change(linter.fixOne(state.file, finding));
        if (!edit) continue;
        const safe = finding.fix.safe !== false;
        actions.push({
          title: `${finding.fix.description}${safe ? '' : ' (review: one of several possible fixes)'} (${finding.ruleId})`,
          kind: CodeActionKind.QuickFix,
          diagnostics: [d],
          isPreferred: safe,
          edit,
        });
      }
    }
    // What `daemonlint --fix` writes for this file: every safe fix, re-linted until stable.
    const safeCount = state.fixable.filter((f) => f.fix!.safe !== false).length;
    if (safeCount && wants(CodeActionKind.SourceFixAll)) {
      const edit = change(await linter.fixAll(state.file, state.folder));
      const current = documents.get(uri);
      if (edit && current?.version === state.version) {
        actions.push({ title: 'Fix all safely fixable daemonlint problems (as --fix)', kind: `${CodeActionKind.SourceFixAll}.daemonlint`, edit });
      }
    }
    return actions;
  });

  documents.listen(connection);
  connection.listen();
}
