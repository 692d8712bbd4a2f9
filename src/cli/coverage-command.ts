/**
 * `daemonlint coverage PATH…`: which nodes each DaemonSet runs on, as text, JSON or HTML.
 */
import { COVERAGE_FORMATS } from '../types.js';
import { checkOutput, line, oneOf, timeoutOf, unfinishedLine, useColor, writeOut, type CliIO } from './io.js';
import type { COVERAGE_OPTIONS, OptionValues } from './options.js';

type CoverageValues = OptionValues<typeof COVERAGE_OPTIONS>;

export async function coverageCommand(values: CoverageValues, positionals: string[], io: CliIO): Promise<number> {
  const format = oneOf('format', values.format, COVERAGE_FORMATS, 'text');
  const by = values.by === 'node' ? 'node' : 'pool';
  const timeout = timeoutOf(values.timeout);
  checkOutput(values.output, `coverage-${format}`, io);
  // Text fits the terminal; written to a file or a pipe, COLUMNS when set, else the default width.
  const envColumns = Number(io.env.COLUMNS);
  const width = io.isTTY && !values.output && io.columns ? io.columns : Number.isInteger(envColumns) && envColumns > 0 ? envColumns : undefined;
  const { coverageRun } = await import('../app/coverage.js');
  const { output, readErrors, unfinished } = await coverageRun({
    paths: positionals,
    cwd: io.cwd,
    stdinFilename: values['stdin-filename'],
    readStdin: io.readStdin,
    nodes: values.nodes,
    addNodes: values['add-node'],
    by,
    format,
    color: useColor(values, io),
    width,
    timeout,
    noIgnore: values['no-ignore'],
  });
  writeOut(output, values, io, `coverage-${format}`);
  for (const e of readErrors) io.stderr(line(e));
  if (unfinished.length) io.stderr(unfinishedLine(unfinished, timeout, 'read'));
  return readErrors.length || unfinished.length ? 2 : 0;
}
