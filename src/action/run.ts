/**
 * The GitHub Action: lint the `paths` input the way the CLI does, then annotate the exact lines, write a SARIF
 * file for code scanning, a Markdown job summary and the step outputs, and fail the step according to `fail-on`.
 */
import { mkdirSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { UsageError, lintPaths } from '../app/lint.js';
import { WriteError, writeOutput } from '../io/write.js';
import { PROFILES } from '../engine/profile.js';
import { PathError } from '../load/files.js';
import { LINKS } from '../links.js';
import { loadRuleDoc } from '../rule-docs.js';
import { annotationCommand } from '../report/github.js';
import { safeText } from '../report/sanitize.js';
import { verdictOf, verdictReason } from '../app/verdict.js';
import type { FailOn, Finding, Severity } from '../types.js';
import { FAIL_ON_VALUES, REPORT_FORMATS } from '../types.js';
import { InputError, appendSummary, command, getBooleanInput, getInput, getListInput, setOutput } from './protocol.js';
import { markdownSummary } from './summary.js';

/** The CLI's report formats, and `none` (annotations only). */
const FORMATS = [...REPORT_FORMATS, 'none'] as const;

export interface ActionIO {
  env: NodeJS.ProcessEnv;
  stdout: (s: string) => void;
  /** The process working directory; GITHUB_WORKSPACE wins when set. */
  cwd: string;
}

function oneOf<T extends string>(name: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) throw new InputError(`input "${name}" must be one of ${allowed.join(', ')} (got "${value}")`);
  return value as T;
}

/** Run the action; returns the process exit code (0 pass, 1 findings at or above fail-on, 2 bad input or unreadable path). */
export async function runAction(io: ActionIO): Promise<number> {
  const { env, stdout } = io;
  const workspace = env.GITHUB_WORKSPACE || io.cwd;
  try {
    const paths = getListInput(env, 'paths', ['.']);
    const nodes = getListInput(env, 'nodes');
    const policies = getListInput(env, 'policies');
    const crds = getListInput(env, 'crds');
    const config = getInput(env, 'config') || undefined;
    const baseline = getInput(env, 'baseline') || undefined;
    const kubeVersion = getInput(env, 'kube-version') || undefined;
    const profileInput = getInput(env, 'profile');
    const profile = profileInput ? oneOf('profile', profileInput, PROFILES) : undefined;
    const failOnInput = getInput(env, 'fail-on');
    if (failOnInput) oneOf('fail-on', failOnInput, FAIL_ON_VALUES);
    const format = oneOf('format', getInput(env, 'format', 'text'), FORMATS);
    const sarifInput = getInput(env, 'sarif-file', 'daemonlint.sarif');
    const annotations = getBooleanInput(env, 'annotations', true);
    const allowEmpty = getBooleanInput(env, 'allow-empty', false);

    // The same loading, config discovery (or the `config` input), baseline and linting as the CLI.
    const { rules, fileCount, objectCount, findings, suppressed, readErrors, internalErrors, failOn: configFailOn } = await lintPaths({
      paths,
      cwd: workspace,
      readStdin: async () => Buffer.alloc(0),
      nodes: nodes.length ? nodes : undefined,
      policies: policies.length ? policies : undefined,
      crds: crds.length ? crds : undefined,
      kubeVersion,
      config,
      baseline,
      allowEmpty,
      profile,
    });
    // The input wins, then the config's failOn, then error.
    const failOn = (failOnInput || configFailOn || 'error') as FailOn;
    const ctx = { files: fileCount, objects: objectCount, suppressed, color: !env.NO_COLOR };

    const problems = [
      ...readErrors.map((e) => `daemonlint: ${e}`),
      ...internalErrors.map((e) => `daemonlint: internal error in rule ${e.ruleId} on ${e.file}: ${(e.error as Error)?.message ?? e.error}; please report it`),
    ];
    const verdict = verdictOf({ findings, failOn, readErrors: readErrors.length, internalErrors: internalErrors.length });
    const { formatText, summaryLine } = await import('../report/text.js');

    // The report for people reading the log. Each finding is printed once: with annotations on, the annotation lines
    // (which the log shows as `Error: message` on the file) are the findings, and the text report adds only its
    // summary line; the machine formats are for tools and are printed whole.
    if (format !== 'none') {
      let report: string;
      if (format === 'text') report = annotations ? '' : formatText(findings, { ...ctx, verdict });
      else if (format === 'json') report = (await import('../report/json.js')).formatJson(findings, { ...ctx, color: false });
      else if (format === 'sarif') report = (await import('../report/sarif.js')).formatSarif(findings, { rules, cwd: workspace, suppressed, docs: loadRuleDoc, links: LINKS });
      else report = annotations ? '' : (await import('../report/github.js')).formatGithub(findings);
      stdout(report);
    }
    // Annotations on the exact lines (paths are relative to the workspace, as GitHub expects).
    if (annotations) for (const f of findings) stdout(annotationCommand(f) + '\n');
    for (const p of problems) stdout(command('error', safeText(p)));
    if (format === 'text' && annotations) stdout(`${summaryLine(findings, { ...ctx, verdict })}\n`);

    // SARIF for github/codeql-action/upload-sarif (artifact URIs relative to the workspace).
    const sarifPath = isAbsolute(sarifInput) ? sarifInput : resolve(workspace, sarifInput);
    const { formatSarif } = await import('../report/sarif.js');
    mkdirSync(dirname(sarifPath), { recursive: true });
    writeOutput(sarifPath, formatSarif(findings, { rules, cwd: workspace, suppressed, docs: loadRuleDoc, links: LINKS }), 'sarif', workspace);

    const failed = verdict.exitCode !== 0;
    const blobBase =
      env.GITHUB_SERVER_URL && env.GITHUB_REPOSITORY && env.GITHUB_SHA ? `${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}/blob/${env.GITHUB_SHA}/` : undefined;
    const customRules = new Set(rules.filter((r) => r.meta.custom).map((r) => r.meta.id));
    appendSummary(env, markdownSummary(findings, { ...ctx, failOn, failed, sarifFile: sarifInput, blobBase, problems, customRules, links: LINKS, verdict }));

    const count = (s: Severity) => String(findings.filter((f: Finding) => f.severity === s).length);
    setOutput(env, 'errors', count('error'), stdout);
    setOutput(env, 'warnings', count('warning'), stdout);
    setOutput(env, 'infos', count('info'), stdout);
    setOutput(env, 'sarif-file', sarifInput, stdout);

    // One error annotation for the step, saying why it failed.
    if (verdict.exitCode === 1) stdout(command('error', `daemonlint: ${verdictReason(verdict, true)}`));
    return verdict.exitCode;
  } catch (err) {
    if (err instanceof InputError || err instanceof UsageError || err instanceof PathError || err instanceof WriteError) stdout(command('error', `daemonlint: ${safeText(err.message)}`));
    else stdout(command('error', `daemonlint: internal error: ${safeText(String((err as Error)?.stack ?? err))}`));
    return 2;
  }
}
