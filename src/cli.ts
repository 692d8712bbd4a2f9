/**
 * The `daemonlint` command line: read the command line and run the command (src/cli/*-command.ts, src/cli/rules.ts).
 * Exit codes: 0 = no finding at or above --fail-on; 1 = such findings; 2 = usage error, unreadable path, internal error.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { UsageError, rulesFor } from './app/lint.js';
import { PathError } from './load/files.js';
import { commandHelp, nearCommand, parseCommandLine } from './cli/args.js';
import { coverageCommand } from './cli/coverage-command.js';
import { defaultIO, firstLine, line, type CliIO } from './cli/io.js';
import { lintCommand } from './cli/lint-command.js';
import { COMMANDS, type COVERAGE_OPTIONS, DEFAULT_TIMEOUT_SECONDS, type LINT_OPTIONS, type CommandName, type OptionValues } from './cli/options.js';
import { explainRule, helpCommand, listRules } from './cli/rules.js';
import { VERSION } from './version.js';

export { UsageError } from './app/errors.js';
/** The entry of a worker thread (dist/worker.cjs loads this bundle and calls it). */
export { workerMain } from './app/workers.js';
export type { CliIO } from './cli/io.js';
export { DEFAULT_TIMEOUT_SECONDS };

type Values = OptionValues<typeof LINT_OPTIONS>;
type CoverageValues = OptionValues<typeof COVERAGE_OPTIONS>;

/** Run the CLI; returns the exit code. Never throws. */
export async function main(argv: string[], io: CliIO = defaultIO()): Promise<number> {
  let debug = argv.includes('--debug');
  try {
    const { command, values, positionals } = parseCommandLine(argv);
    debug = Boolean(values.debug);
    if (values.help) {
      io.stdout(commandHelp(command, VERSION));
      return 0;
    }
    switch (command) {
      case 'help':
        io.stdout(helpCommand(positionals[0]));
        return 0;
      case 'rules':
        io.stdout(listRules(await rulesFor({ cwd: io.cwd, config: values.config as string | undefined, trustConfig: true, noConfig: values['no-config'] as boolean | undefined }), values.format as string | undefined));
        return 0;
      case 'explain':
        io.stdout(explainRule(await rulesFor({ cwd: io.cwd, config: values.config as string | undefined, trustConfig: true, noConfig: values['no-config'] as boolean | undefined }), positionals[0]));
        return 0;
      case 'coverage':
        return await coverageCommand(values as CoverageValues, positionals, io);
      case 'lsp':
        // The language server (and its dependencies) is loaded only for this subcommand.
        return await (await import('./lsp/server.js')).lspCommand(argv.slice(1), io);
      case 'lint':
        break;
    }
    const lintValues = values as Values;
    if (lintValues.version) {
      io.stdout(`${VERSION}\n`);
      return 0;
    }
    // `daemonlint explian x`: a misspelt command, unless a file of that name is meant.
    const first = argv[0];
    const meant = first !== undefined && first === positionals[0] ? nearCommand(first) : undefined;
    if (meant && !existsSync(resolve(io.cwd, first!))) throw new UsageError(`no command or path "${first}"; did you mean daemonlint ${meant}? ${COMMANDS[meant as CommandName].usage ? `(daemonlint ${COMMANDS[meant as CommandName].usage})` : ''}`.trimEnd());
    if (lintValues['stdin-filename'] !== undefined && !positionals.includes('-')) positionals.push('-');
    return await lintCommand(lintValues, positionals, io);
  } catch (err) {
    if (err instanceof UsageError || err instanceof PathError) {
      io.stderr(line(firstLine(err.message)));
    } else {
      io.stderr(line(`internal error: ${firstLine((err as Error)?.message ?? err)}; rerun with --debug for details and please report it`));
    }
    if (debug) io.stderr(`${(err as Error)?.stack ?? ''}\n`);
    return 2;
  }
}
