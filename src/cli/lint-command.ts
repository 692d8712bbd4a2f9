/**
 * `daemonlint [lint] PATH…`: lint, then fix or record a baseline when asked, write the report and pick the exit code
 * (0 = no finding at or above --fail-on; 1 = such findings; 2 = usage error, unreadable path, internal error).
 */
import { UsageError, lintPaths } from '../app/lint.js';
import { FAIL_ON_VALUES, verdictOf, verdictReason, type Verdict } from '../app/verdict.js';
import type { Profile } from '../engine/profile.js';
import { WriteError } from '../io/write.js';
import { LINKS } from '../links.js';
import { safeDiffText } from '../report/sanitize.js';
import { loadRuleDoc } from '../rule-docs.js';
import { REPORT_FORMATS, type Finding, type ReportFormat, type Rule } from '../types.js';
import { checkOutput, internalErrorLine, jobsOf, line, oneOf, plural, timeoutOf, unfinishedLine, useColor, writeOut, type CliIO } from './io.js';
import type { LINT_OPTIONS, OptionValues } from './options.js';

type Values = OptionValues<typeof LINT_OPTIONS>;

interface RenderExtras {
  verdict?: Verdict;
  width?: number;
}

async function render(format: ReportFormat, findings: Finding[], counts: { files: number; objects: number }, color: boolean, cwd: string, rules: readonly Rule[], suppressed: Finding[] = [], extras: RenderExtras = {}): Promise<string> {
  const ctx = { ...counts, color, suppressed, ...extras };
  switch (format) {
    case 'text':
      return (await import('../report/text.js')).formatText(findings, ctx);
    case 'json':
      return (await import('../report/json.js')).formatJson(findings, ctx);
    case 'sarif':
      return (await import('../report/sarif.js')).formatSarif(findings, { rules, cwd, suppressed, docs: loadRuleDoc, links: LINKS });
    case 'github':
      return (await import('../report/github.js')).formatGithub(findings);
  }
}

export async function lintCommand(values: Values, positionals: string[], io: CliIO): Promise<number> {
  // Fixed values (--format, --fail-on, --profile) were checked against the option table when the command line was read.
  const format = oneOf('format', values.format, REPORT_FORMATS, 'text');
  const profile = values.profile as Profile | undefined;
  if (values.config && values['no-config']) throw new UsageError('--config and --no-config cannot be used together');
  if (values.fix && values['fix-dry-run']) throw new UsageError('--fix and --fix-dry-run cannot be used together');
  if (values['write-baseline'] && values.baseline) throw new UsageError('--write-baseline records every current finding; drop --baseline');
  const timeout = timeoutOf(values.timeout);
  // A dry run prints a diff in the text format; with a machine format the report goes there and the diff to stderr.
  checkOutput(values.output, values['fix-dry-run'] && format === 'text' ? 'diff' : format, io);
  checkOutput(values['write-baseline'], 'baseline', io);
  const linted = await lintPaths({
    timeout,
    paths: positionals,
    cwd: io.cwd,
    stdinFilename: values['stdin-filename'],
    readStdin: io.readStdin,
    nodes: values.nodes,
    crds: values.crd,
    policies: values.policy,
    kubeVersion: values['kube-version'],
    config: values.config,
    trustConfig: true,
    noConfig: values['no-config'],
    baseline: values.baseline,
    writeBaseline: values['write-baseline'],
    noIgnore: values['no-ignore'],
    allowEmpty: values['allow-empty'],
    keepFiles: Boolean(values.fix || values['fix-dry-run']),
    jobs: jobsOf(values.jobs),
    profile,
  });
  let { files, findings, suppressed, internalErrors } = linted;
  let counts = { files: linted.fileCount, objects: linted.objectCount };
  const { readErrors } = linted;
  const failOn = oneOf('fail-on', values['fail-on'] ?? linted.failOn, FAIL_ON_VALUES, 'error');
  const outOfTime = unfinishedLine(linted.unfinished, timeout);
  if (values['write-baseline']) {
    // A baseline without the files that were not linted would hide their findings later.
    if (outOfTime) throw new UsageError(`${outOfTime.replace(/^daemonlint: |\n$/g, '')}; the baseline was not written`);
    const { baselineText } = await import('../engine/baseline.js');
    writeOut(baselineText(findings, io.cwd, values['write-baseline']), { output: values['write-baseline'] }, io, 'baseline');
    io.stderr(line(`recorded ${findings.length} finding${findings.length === 1 ? '' : 's'} in ${values['write-baseline']}; lint with --baseline ${values['write-baseline']} to see only new ones`));
    for (const e of readErrors) io.stderr(line(e));
    return readErrors.length || internalErrors.length ? 2 : 0;
  }
  let reportToStderr = false;
  const writeErrors: string[] = [];
  if (values.fix || values['fix-dry-run']) {
    const { fixUntilStable } = await import('../fix/run.js');
    const deadline = linted.deadline;
    const outcome = await fixUntilStable(files, linted.relint, undefined, linted.deadline);
    const fixOutOfTime = outcome.outOfTime ? `daemonlint: the time budget of ${timeout} s ran out while fixing; nothing was ${values.fix ? 'written' : 'shown'}; raise --timeout or fix fewer files at once\n` : '';
    if (values['fix-dry-run']) {
      // Nothing is written: the files on disk still have every finding, so the report and the exit code are those
      // of a plain lint run. The diff goes to stdout in the text format; a machine format gets the report there and
      // the diff on stderr.
      const { unifiedDiff } = await import('../fix/diff.js');
      const diff = outcome.outOfTime ? '' : outcome.changed.map((c) => unifiedDiff(c.original.text, c.text, `a/${c.original.path}`, `b/${c.original.path}`)).join('');
      // On a terminal or a log, control characters of the files are shown as escapes; -o keeps the exact patch.
      const shown = values.quiet ? findings.filter((f) => f.severity === 'error') : findings;
      const verdict = verdictOf({ findings, shown, failOn, readErrors: readErrors.length, internalErrors: internalErrors.length, unfinished: linted.unfinished.length, outOfTime: outcome.outOfTime, timeout });
      if (format === 'text') writeOut(values.output ? diff : safeDiffText(diff), values, io, 'diff');
      else {
        writeOut(await render(format, shown, counts, false, io.cwd, linted.rules, suppressed, { verdict }), values, io, format);
        io.stderr(safeDiffText(diff));
      }
      for (const e of readErrors) io.stderr(line(e));
      for (const e of internalErrors) io.stderr(internalErrorLine(e, values.debug));
      if (outOfTime || fixOutOfTime) io.stderr(outOfTime || fixOutOfTime);
      // The last line says what the diff is and, like a lint run's summary, why the exit code is what it is.
      const would = outcome.outOfTime ? '' : `${plural(outcome.applied, 'fix', 'fixes')} would change ${plural(outcome.changed.length, 'file')}`;
      const reason = verdictReason(verdict, findings.length > 0);
      if (would || reason) io.stderr(line([would, reason].filter(Boolean).join('; ')));
      return verdict.exitCode;
    }
    if (outcome.outOfTime) {
      io.stderr(fixOutOfTime);
      return 2;
    }
    ({ findings, suppressed, internalErrors } = outcome.result);
    files = outcome.files;
    const { lintedRoots, replaceFile } = await import('../io/write.js');
    const roots = lintedRoots(positionals, io.cwd);
    // Each file is written on its own: one that may not be written (changed meanwhile, read-only, a link out of the
    // linted folders) is named, the others are still fixed.
    const notWritten = new Set<string>();
    for (const c of outcome.changed) {
      if (!c.original.absPath) continue;
      try {
        replaceFile(c.original.absPath, c.original.text, c.text, { roots, display: c.original.path, deadline });
      } catch (err) {
        if (!(err instanceof WriteError)) throw err;
        writeErrors.push(`not fixed: ${err.message}`);
        notWritten.add(c.original.path);
      }
    }
    if (notWritten.size) {
      // The report is of what is on disk: the files not written keep their original findings.
      files = files.map((f, i) => (notWritten.has(f.path) ? linted.files[i]! : f));
      ({ findings, suppressed, internalErrors } = await linted.relint(files));
    }
    counts = { files: files.length, objects: files.reduce((n, f) => n + f.manifests.length, 0) };
    // stdin: the fixed text goes to stdout, so the report goes to stderr (or --output).
    const stdinFile = files.find((f) => !f.absPath && positionals.includes('-'));
    if (stdinFile) {
      io.stdout(stdinFile.text);
      reportToStderr = !values.output;
    }
  }
  const shown = values.quiet ? findings.filter((f) => f.severity === 'error') : findings;
  const verdict = verdictOf({
    findings,
    shown,
    failOn,
    readErrors: readErrors.length,
    writeErrors: writeErrors.length,
    internalErrors: internalErrors.length,
    unfinished: linted.unfinished.length,
    timeout,
  });
  const color = useColor(values, io) && !reportToStderr;
  // Wrapped to the terminal only when the report goes to it.
  const width = io.isTTY && !values.output && !reportToStderr ? io.columns : undefined;
  const report = await render(format, shown, counts, color, io.cwd, linted.rules, suppressed, { verdict, width });
  if (reportToStderr) io.stderr(report);
  else writeOut(report, values, io, format);
  for (const e of [...readErrors, ...writeErrors]) io.stderr(line(e));
  for (const e of internalErrors) io.stderr(internalErrorLine(e, values.debug));
  if (outOfTime) io.stderr(outOfTime);
  return verdict.exitCode;
}
