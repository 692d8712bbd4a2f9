// The VS Code client for daemonlint's language server: diagnostics while typing, quick fixes and "fix all".
// The server is bundled with the extension (dist/server.js, built from src/lsp/ by scripts/build-vscode.mjs) and runs
// on the editor's own Node runtime: nothing needs to be on PATH. The `daemonlint.path` setting runs another
// daemonlint instead (a command on PATH, or a path to its bin/daemonlint.js).
'use strict';
const vscode = require('vscode');
const { LanguageClient, TransportKind } = require('vscode-languageclient/node');

let client;

/** How to start the server: the bundled one, or the command the user configured. */
function serverOptions(context, configured) {
  if (!configured) {
    const module = context.asAbsolutePath('dist/server.js');
    const run = { module, transport: TransportKind.stdio };
    return { run, debug: run };
  }
  // A .js path is run with Node; anything else is an executable on PATH.
  const run = configured.endsWith('.js')
    ? { command: process.execPath, args: [configured, 'lsp', '--stdio'], transport: TransportKind.stdio, options: { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } } }
    : { command: configured, args: ['lsp', '--stdio'], transport: TransportKind.stdio };
  return { run, debug: run };
}

function activate(context) {
  const config = vscode.workspace.getConfiguration('daemonlint');
  client = new LanguageClient('daemonlint', 'daemonlint', serverOptions(context, config.get('path') || ''), {
    documentSelector: [
      { scheme: 'file', language: 'yaml' },
      { scheme: 'file', language: 'json' },
      { scheme: 'untitled', language: 'yaml' },
    ],
    initializationOptions: {
      kubeVersion: config.get('kubeVersion') || undefined,
      nodes: config.get('nodes') || [],
    },
    // No file watcher here: the server registers one itself for manifests and .daemonlint.* config files.
  });
  context.subscriptions.push(client);
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
