/**
 * The GitHub Actions runner protocol, implemented directly (no @actions/* dependency): inputs arrive as
 * INPUT_<NAME> environment variables, outputs and the job summary are appended to the files named by
 * GITHUB_OUTPUT and GITHUB_STEP_SUMMARY, and workflow commands (`::error ...::`) go to stdout.
 */
import { randomUUID } from 'node:crypto';
import { appendFileSync } from 'node:fs';

export class InputError extends Error {}

/** The environment variable the runner sets for an input: uppercase, spaces become underscores, hyphens stay. */
export function inputVariable(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

/** An input's value, trimmed; `fallback` when unset or empty. */
export function getInput(env: NodeJS.ProcessEnv, name: string, fallback = ''): string {
  const v = (env[inputVariable(name)] ?? '').trim();
  return v === '' ? fallback : v;
}

/** A boolean input, accepting the YAML 1.2 core spellings the runner documents (true/True/TRUE, false/False/FALSE). */
export function getBooleanInput(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const v = getInput(env, name);
  if (v === '') return fallback;
  if (['true', 'True', 'TRUE'].includes(v)) return true;
  if (['false', 'False', 'FALSE'].includes(v)) return false;
  throw new InputError(`input "${name}" must be true or false (got "${v}")`);
}

/**
 * A list input. A value of several lines (a YAML block, `paths: |`) has one entry per line, so an entry may hold
 * spaces (`my charts/rendered`); a one-line value is split at whitespace (`paths: deploy clusters`). Entries are
 * trimmed and empty lines skipped.
 */
export function getListInput(env: NodeJS.ProcessEnv, name: string, fallback: string[] = []): string[] {
  const raw = env[inputVariable(name)] ?? '';
  const entries = /[\r\n]/.test(raw.trim()) || /\S[\r\n]+\s*$/.test(raw) ? raw.split(/\r?\n|\r/) : raw.split(/\s+/);
  const list = entries.map((e) => e.trim()).filter(Boolean);
  return list.length ? list : fallback;
}

/** One `name<<DELIMITER` block for GITHUB_OUTPUT / GITHUB_ENV; safe for values with newlines. */
export function fileCommand(name: string, value: string): string {
  let delimiter = `daemonlint_${randomUUID()}`;
  while (value.includes(delimiter) || name.includes(delimiter)) delimiter = `daemonlint_${randomUUID()}`;
  return `${name}<<${delimiter}\n${value}\n${delimiter}\n`;
}

/** Set a step output: appended to $GITHUB_OUTPUT, or the legacy stdout command outside a runner. */
export function setOutput(env: NodeJS.ProcessEnv, name: string, value: string, stdout: (s: string) => void): void {
  const file = env.GITHUB_OUTPUT;
  if (file) appendFileSync(file, fileCommand(name, value));
  else stdout(`::set-output name=${name}::${value.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')}\n`);
}

/** Append Markdown to the job summary, when the runner provides one. */
export function appendSummary(env: NodeJS.ProcessEnv, markdown: string): boolean {
  const file = env.GITHUB_STEP_SUMMARY;
  if (!file) return false;
  appendFileSync(file, markdown);
  return true;
}

const escapeData = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');

/** A workflow command without properties, e.g. `::error::message`. */
export function command(name: 'error' | 'warning' | 'notice' | 'group' | 'endgroup' | 'debug', message = ''): string {
  return `::${name}::${escapeData(message)}\n`;
}
