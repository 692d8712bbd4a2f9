/** Runs the built CLI in a child process, the way users and CI run it. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..');
export const BIN = join(ROOT, 'bin', 'daemonlint.js');

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], opts: { cwd?: string; input?: string | Buffer; env?: Record<string, string | undefined> } = {}): RunResult {
  const env = { ...process.env, NO_COLOR: undefined, FORCE_COLOR: undefined, ...opts.env } as NodeJS.ProcessEnv;
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: opts.cwd ?? ROOT,
    input: opts.input ?? '',
    env,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Runs the CLI's `main` from the sources in this process, with the same arguments, options and result as `runCli`:
 * for tests of what a run reports rather than of the process around it (fast, and measured by coverage). The CLI
 * itself (argument parsing, reports, exit codes) is the same code the bundle runs.
 */
export async function runMain(
  args: string[],
  opts: { cwd?: string; input?: string | Buffer; env?: Record<string, string | undefined>; tty?: { columns: number }; readStdin?: () => Promise<Buffer> } = {},
): Promise<RunResult> {
  const { main } = await import('../../src/cli.js');
  const env = { ...process.env, NO_COLOR: undefined, FORCE_COLOR: undefined, ...opts.env } as NodeJS.ProcessEnv;
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    stdout: (s) => void (stdout += s),
    stderr: (s) => void (stderr += s),
    cwd: opts.cwd ?? ROOT,
    env,
    isTTY: opts.tty !== undefined,
    columns: opts.tty?.columns,
    readStdin: opts.readStdin ?? (async () => Buffer.from(opts.input ?? '')),
  });
  return { code, stdout, stderr };
}
