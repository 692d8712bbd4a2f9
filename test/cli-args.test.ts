/**
 * The command line as a newcomer meets it: each command's own help and options, one-line errors that name the
 * option and suggest what was meant, `daemonlint help`, `rules --format json`, and one set of values for --format,
 * --fail-on and --by across the CLI, the config schema and the Action.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { allRules } from '../rules/index.js';
import { commandHelp, mainHelp, parseCommandLine } from '../src/cli/args.js';
import { COMMANDS, COVERAGE_OPTIONS, LINT_OPTIONS, SUBCOMMANDS, type CommandName, type OptionTable } from '../src/cli/options.js';
import { configSchema } from '../src/config/schema.js';
import { COVERAGE_FORMATS, COVERAGE_GROUPINGS, FAIL_ON_VALUES, REPORT_FORMATS } from '../src/types.js';
import { VERSION } from '../src/version.js';
import { ROOT, runMain } from './helpers/cli.js';
import { GOOD_SERVICE as GOOD, removeWorkdirs, workdir } from './helpers/manifests.js';

afterAll(removeWorkdirs);

/** A usage error: exit 2, nothing on stdout, exactly this one line on stderr. */
async function usageError(args: string[], message: string, cwd?: string): Promise<void> {
  const r = await runMain(args, { cwd });
  expect(r, args.join(' ')).toEqual({ code: 2, stdout: '', stderr: `daemonlint: ${message}\n` });
}

describe('help', () => {
  it('daemonlint help and --help print the same help, listing every command and every lint option', async () => {
    const help = await runMain(['help']);
    expect(help.code).toBe(0);
    expect((await runMain(['--help'])).stdout).toBe(help.stdout);
    expect((await runMain(['-h'])).stdout).toBe(help.stdout);
    for (const c of SUBCOMMANDS) expect(help.stdout).toContain(`daemonlint ${COMMANDS[c].usage}`);
    for (const [name, spec] of Object.entries(LINT_OPTIONS as OptionTable)) {
      if (spec.hidden) expect(help.stdout).not.toContain(`--${name} `);
      else expect(help.stdout).toMatch(new RegExp(`^ {2}(?:-\\w, )? *--${name}\\b`, 'm'));
    }
    // The fixed values are listed from the table, with the default marked.
    expect(help.stdout).toContain('report format: text (default), json, sarif or github');
  });

  it('every command has its own help (COMMAND --help, or help COMMAND) with only its own options', async () => {
    for (const command of SUBCOMMANDS) {
      const own = await runMain([command, '--help']);
      expect(own.code, command).toBe(0);
      expect(own.stderr).toBe('');
      expect(own.stdout, command).toBe(commandHelp(command, VERSION));
      expect((await runMain(['help', command])).stdout, command).toBe(own.stdout);
      expect(own.stdout).toMatch(new RegExp(`^Usage: daemonlint ${command}\\b`));
    }
    const coverage = (await runMain(['coverage', '--help'])).stdout;
    for (const name of Object.keys(COVERAGE_OPTIONS).filter((n) => n !== 'color')) expect(coverage).toContain(`--${name}`);
    expect(coverage).toContain('--by GROUPING');
    expect(coverage).not.toContain('--fail-on');
    expect(coverage).not.toContain('--fix');
    expect((await runMain(['help', 'lint'])).stdout).toBe(mainHelp(VERSION));
    // --help wins over everything else on the line, even arguments the command would refuse.
    expect((await runMain(['rules', 'extra', '--help'])).code).toBe(0);
  });

  it('help for a command that does not exist suggests the nearest', async () => {
    await usageError(['help', 'explian'], 'no command "explian"; did you mean explain? (commands: rules, explain, coverage, lsp, help)');
    await usageError(['help', 'rules', 'explain'], 'daemonlint help takes one argument (a command); got "explain" (see daemonlint help --help)');
  });
});

describe('options: one-line errors with suggestions', () => {
  const dir = workdir({ 'good.yaml': GOOD });
  const cases: [string[], string][] = [
    [['--formt', 'json', '.'], 'unknown option --formt; did you mean --format? (see daemonlint --help)'],
    [['--Quiet', '.'], 'unknown option --Quiet; did you mean --quiet? (see daemonlint --help)'],
    [['-format', 'json', '.'], 'unknown option -format; did you mean --format? (see daemonlint --help)'],
    [['--bogus', '.'], 'unknown option --bogus (see daemonlint --help)'],
    [['-x', '.'], 'unknown option -x (see daemonlint --help)'],
    [['--format', 'jsn', '.'], '--format must be one of text, json, sarif, github (got "jsn"); did you mean json?'],
    [['-f', 'html', '.'], '--format must be one of text, json, sarif, github (got "html")'],
    [['--fail-on', 'warn', '.'], '--fail-on must be one of error, warning, info, none (got "warn"); did you mean warning?'],
    // A negative number is a value, and the message says what a value must be (Node's parser calls it "ambiguous").
    [['--timeout', '-1', '.'], '--timeout must be a number of seconds above 0 (got "-1")'],
    [['--timeout=-1', '.'], '--timeout must be a number of seconds above 0 (got "-1")'],
    [['--timeout'], '--timeout needs a value (SECONDS) (see daemonlint --help)'],
    [['--format'], '--format needs a value: text, json, sarif or github (see daemonlint --help)'],
    [['--output', '--quiet', '.'], '--output needs a value (FILE), not the option --quiet (write --output=--quiet for a value that starts with "-")'],
    [['--quiet=yes', '.'], '--quiet takes no value (got "--quiet=yes") (see daemonlint --help)'],
    [['--by', 'node', '.'], '--by is an option of daemonlint coverage'],
    [['coverage', '--fail-on', 'warning', '.'], '--fail-on is an option of a lint run (daemonlint [options] [paths...]), not of daemonlint coverage (see daemonlint coverage --help)'],
    [['coverage', '--nodse', 'n.yaml'], 'unknown option --nodse for daemonlint coverage; did you mean --nodes? (see daemonlint coverage --help)'],
    [['coverage', '--by', 'nodes'], '--by must be one of pool, node (got "nodes"); did you mean node?'],
    [['rules', '--quiet'], '--quiet is an option of a lint run (daemonlint [options] [paths...]), not of daemonlint rules (see daemonlint rules --help)'],
    [['explain', '--format', 'json', 'host-pid'], '--format is an option of a lint run (daemonlint [options] [paths...]), daemonlint rules or daemonlint coverage, not of daemonlint explain (see daemonlint explain --help)'],
    [['lsp', '--tcp'], 'unknown option --tcp for daemonlint lsp (see daemonlint lsp --help)'],
  ];
  for (const [args, message] of cases) {
    it(args.join(' '), async () => {
      await usageError(args, message, dir);
    });
  }

  it('values that look like options are accepted when attached with =', async () => {
    const r = await runMain(['--no-config', '--stdin-filename=-odd.yaml', '-f', 'json'], { cwd: dir, input: GOOD });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).summary).toMatchObject({ files: 1 });
  });

  it('repeatable options collect every value in order; short options take attached values', () => {
    const p = parseCommandLine(['coverage', '--nodes', 'a.yaml', '--nodes=b.yaml', '-fjson', '--add-node', 'pool.yaml', 'deploy/']);
    expect(p).toEqual({ command: 'coverage', values: { nodes: ['a.yaml', 'b.yaml'], format: 'json', 'add-node': ['pool.yaml'] }, positionals: ['deploy/'] });
    // After --, everything is a path.
    expect(parseCommandLine(['--', '--help', 'rules']).positionals).toEqual(['--help', 'rules']);
  });
});

describe('commands: arguments', () => {
  it('explain suggests the rule id meant, or the ids containing a fragment', async () => {
    await usageError(['explain', 'restart-polcy'], 'unknown rule "restart-polcy"; did you mean restart-policy? (see daemonlint rules)');
    await usageError(['explain', 'hostnetwork'], 'unknown rule "hostnetwork"; did you mean host-network? (see daemonlint rules)');
    await usageError(['explain', 'zzz'], 'unknown rule "zzz" (see daemonlint rules)');
    await usageError(['explain', 'host-pid', 'host-ipc'], 'daemonlint explain takes one argument (a rule id); got "host-ipc" (see daemonlint explain --help)');
  });

  it('rules takes no arguments, and a misspelt command is not read as a path', async () => {
    await usageError(['rules', 'extra'], 'daemonlint rules takes no arguments; got "extra" (see daemonlint rules --help)');
    await usageError(['lsp', 'x'], 'daemonlint lsp takes no arguments; got "x" (see daemonlint lsp --help)');
    const dir = workdir({ 'good.yaml': GOOD });
    await usageError(['explian', 'host-pid'], 'no command or path "explian"; did you mean daemonlint explain? (daemonlint explain RULE)', dir);
    // A file or folder of that name is linted as before.
    const withDir = workdir({ 'rule/good.yaml': GOOD });
    expect((await runMain(['--no-config', 'rule'], { cwd: withDir })).code).toBe(0);
  });

  it('rules --format json lists every rule with its facts, for other tools', async () => {
    const r = await runMain(['rules', '--format', 'json']);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout) as { version: number; tool: string; toolVersion: string; rules: Record<string, unknown>[] };
    expect(json).toMatchObject({ version: 1, tool: 'daemonlint', toolVersion: VERSION });
    expect(json.rules.map((x) => x.id)).toEqual(allRules.map((x) => x.meta.id));
    const rp = json.rules.find((x) => x.id === 'restart-policy')!;
    expect(rp).toMatchObject({ severity: 'error', fixable: true, docs: 'docs/rules/restart-policy.md' });
    expect(rp.kinds).toContain('DaemonSet');
    expect(json.rules.find((x) => x.id === 'api-version')).toMatchObject({ kinds: '*' });
    // The text list is the default, and -f text asks for it.
    expect((await runMain(['rules', '-f', 'text'])).stdout).toBe((await runMain(['rules'])).stdout);
  });
});

describe('one set of values everywhere', () => {
  it('--format, --fail-on and --by accept what the config schema, the Action and the API accept', () => {
    expect(LINT_OPTIONS.format.choices).toEqual(REPORT_FORMATS);
    expect(LINT_OPTIONS['fail-on'].choices).toEqual(FAIL_ON_VALUES);
    expect(COVERAGE_OPTIONS.format.choices).toEqual(COVERAGE_FORMATS);
    expect(COVERAGE_OPTIONS.by.choices).toEqual(COVERAGE_GROUPINGS);
    const schema = configSchema(allRules) as { properties: { failOn: { enum: string[] } } };
    expect(schema.properties.failOn.enum).toEqual([...FAIL_ON_VALUES]);
    // The Action documents the same words (format adds `none`: annotations only).
    const action = readFileSync(join(ROOT, 'action.yml'), 'utf8');
    const describe = (input: string) => new RegExp(`^  ${input}:\\n    description: '([^\\n]*)'`, 'm').exec(action)?.[1] ?? '';
    expect(describe('fail-on')).toContain(`${FAIL_ON_VALUES.slice(0, -1).join(', ')}, or ${FAIL_ON_VALUES.at(-1)}`);
    expect(describe('format')).toContain(`${REPORT_FORMATS.join(', ')} or none`);
  });

  it('each command table declares every option once, with a help text, and short aliases that do not clash', () => {
    for (const [command, spec] of Object.entries(COMMANDS) as [CommandName, (typeof COMMANDS)[CommandName]][]) {
      const shorts = Object.values(spec.options).flatMap((o) => (o.short ? [o.short] : []));
      expect(new Set(shorts).size, command).toBe(shorts.length);
      for (const [name, o] of Object.entries(spec.options)) {
        expect(o.help.length, `${command} --${name}`).toBeGreaterThan(5);
        if (o.choices) expect(o.default === undefined || o.choices.includes(o.default), `${command} --${name}`).toBe(true);
      }
    }
  });
});
