/**
 * Entry point of the language server on its own (editors/vscode/dist/server.js): what `daemonlint lsp --stdio` runs,
 * without the rest of the CLI. The VS Code extension starts it with the editor's Node runtime.
 */
import { lspCommand } from './server.js';

void lspCommand(process.argv.slice(2), { stderr: (s) => process.stderr.write(s) }).then((code) => {
  process.exitCode = code;
});
