// A minimal VS Code client for `daemonlint lsp --stdio`: diagnostics while typing, quick fixes and "fix all".
// Not built or published from this repository: `npm install` here, then package it with `vsce package`
// (or run it from VS Code's extension development host).
'use strict';
const vscode = require('vscode');
const { LanguageClient, TransportKind } = require('vscode-languageclient/node');

let client;

function activate(context) {
  const config = vscode.workspace.getConfiguration('daemonlint');
  const command = config.get('path') || 'daemonlint';
  // A .js path is run with Node; anything else is an executable on PATH.
  const run = command.endsWith('.js')
    ? { command: process.execPath, args: [command, 'lsp', '--stdio'], transport: TransportKind.stdio }
    : { command, args: ['lsp', '--stdio'], transport: TransportKind.stdio };
  client = new LanguageClient(
    'daemonlint',
    'daemonlint',
    { run, debug: run },
    {
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
    },
  );
  context.subscriptions.push(client);
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
