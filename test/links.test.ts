/**
 * Links: package.json's `homepage`/`repository` drive every link daemonlint prints, and while neither is set (as now:
 * the project has no public home yet) no link is emitted anywhere. Both states are tested: the shipped one, and a
 * build of the Action with a repository set.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allRules } from '../rules/index.js';
import { markdownSummary } from '../src/action/summary.js';
import { configSchema } from '../src/config/schema.js';
import { LINKS, linksFrom } from '../src/links.js';
import { toDiagnostic } from '../src/lsp/convert.js';
import { formatSarif } from '../src/report/sarif.js';
import { loadRuleDoc } from '../src/rule-docs.js';
import type { Finding } from '../src/types.js';
import { ROOT, runCli } from './helpers/cli.js';

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string; homepage?: string; repository?: unknown; files: string[] };
const finding: Finding = { ruleId: 'restart-policy', severity: 'error', message: 'm', file: 'a.yaml', line: 1, column: 1, endLine: 1, endColumn: 2, path: '' };
const URL_RE = /\bhttps?:\/\/[^\s"')\]>]+/g;

describe('links from package.json', () => {
  it('no homepage and no repository: no links', () => {
    expect(linksFrom({ version: '1.0.0' })).toBeUndefined();
    // Only a GitHub repository says where files are; anything else is not guessed at.
    expect(linksFrom({ version: '1.0.0', repository: 'https://gitlab.example/x/y' })).toBeUndefined();
    expect(linksFrom({ version: '1.0.0', homepage: 'not a url' })).toBeUndefined();
  });

  it('every form npm accepts for a GitHub repository', () => {
    for (const repository of ['github:acme/daemonlint', 'acme/daemonlint', 'git+https://github.com/acme/daemonlint.git', { type: 'git', url: 'https://github.com/acme/daemonlint' }, 'git+ssh://git@github.com/acme/daemonlint.git']) {
      const l = linksFrom({ version: '1.2.3', repository })!;
      expect(l.information).toBe('https://github.com/acme/daemonlint');
      expect(l.rule('host-pid')).toBe('https://github.com/acme/daemonlint/blob/v1.2.3/docs/rules/host-pid.md');
      expect(l.configSchema).toBe('https://github.com/acme/daemonlint/raw/v1.2.3/schemas/config.schema.json');
    }
    const mono = linksFrom({ version: '1.2.3', homepage: 'https://daemonlint.example', repository: { url: 'https://github.com/acme/tools', directory: 'packages/daemonlint' } })!;
    expect(mono.information).toBe('https://daemonlint.example');
    expect(mono.rule('host-pid')).toBe('https://github.com/acme/tools/blob/v1.2.3/packages/daemonlint/docs/rules/host-pid.md');
  });

  it('a home page alone: rule anchors on it, no schema address', () => {
    const l = linksFrom({ version: '1.0.0', homepage: 'https://daemonlint.example/' })!;
    expect(l.rule('host-pid')).toBe('https://daemonlint.example/#rule-host-pid');
    expect(l.configSchema).toBeUndefined();
  });

  it('the shipped package.json sets neither, so this build has no links', () => {
    expect(pkg.homepage).toBeUndefined();
    expect(pkg.repository).toBeUndefined();
    expect(LINKS).toBeUndefined();
  });

  it('every rule document a link would point at exists and ships in the package', () => {
    expect(pkg.files).toContain('docs/rules');
    const docs = readdirSync(join(ROOT, 'docs/rules'));
    for (const r of allRules) expect(docs).toContain(`${r.meta.id}.md`);
  });
});

describe('without links', () => {
  it('SARIF: no helpUri or informationUri; each rule carries its whole document as help', () => {
    const log = JSON.parse(formatSarif([finding], { rules: allRules, cwd: '/w', docs: loadRuleDoc, links: undefined }));
    const driver = log.runs[0].tool.driver;
    expect(driver.informationUri).toBeUndefined();
    for (const r of driver.rules) {
      expect(r.helpUri).toBeUndefined();
      const doc = loadRuleDoc(r.id)!;
      expect(r.help.markdown).toBe(doc.markdown);
      // The plain text has every section, not only the first paragraphs.
      for (const heading of ['Why', 'How to fix', 'Examples', 'Options', 'Configuration']) expect(r.help.text).toContain(`${heading}\n\n`);
      expect(r.help.text).toContain(doc.summary);
    }
  });

  it('the CLI SARIF report and config schema print no address but the SARIF schema', () => {
    const r = runCli(['-f', 'sarif', '--no-config', 'examples/']);
    expect([...new Set(r.stdout.match(URL_RE))]).toEqual(['https://json.schemastore.org/sarif-2.1.0.json']);
    expect(configSchema(allRules).$id).toBeUndefined();
    expect(readFileSync(join(ROOT, 'schemas/config.schema.json'), 'utf8')).not.toMatch(/"\$id"/);
  });

  it('never for a custom policy, even where the project has links: its documentation is its definition', () => {
    const links = linksFrom({ version: '1.0.0', repository: 'acme/d' });
    const custom = { ...finding, ruleId: 'node-critical' };
    const policy = { meta: { id: 'node-critical', severity: 'warning', description: 'Node agents run at system-node-critical.', kinds: '*', tags: ['custom'], custom: { documentation: '# node-critical\n\nA custom policy.\n' } }, check: () => undefined } as never;
    const driver = JSON.parse(formatSarif([custom], { rules: [...allRules, policy], cwd: '/w', docs: loadRuleDoc, links })).runs[0].tool.driver;
    expect(driver.rules.find((r: { id: string }) => r.id === 'node-critical').helpUri).toBeUndefined();
    expect(driver.rules.find((r: { id: string }) => r.id === 'restart-policy').helpUri).toBe('https://github.com/acme/d/blob/v1.0.0/docs/rules/restart-policy.md');
    expect(toDiagnostic(custom, '/w', { version: 1 }, links, true).codeDescription).toBeUndefined();
    expect(markdownSummary([custom], { files: 1, objects: 1, failOn: 'error', failed: false, links, customRules: new Set(['node-critical']) })).toContain('`node-critical`');
  });

  it('the language server: no codeDescription', () => {
    expect(toDiagnostic(finding, '/w', { version: 1 }).codeDescription).toBeUndefined();
    expect(toDiagnostic(finding, '/w', { version: 1 }, linksFrom({ version: '1.0.0', repository: 'acme/d' })).codeDescription?.href).toBe(
      'https://github.com/acme/d/blob/v1.0.0/docs/rules/restart-policy.md',
    );
  });

  it('the job summary: plain rule ids', () => {
    const md = markdownSummary([finding], { files: 1, objects: 1, failOn: 'error', failed: true });
    expect(md).toContain('| `restart-policy` |');
    expect(md.match(URL_RE)).toBeNull();
  });

  it('the README links nowhere that does not exist: no package-page or CDN address, relative links resolve', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    expect(readme).not.toMatch(/unpkg\.com|npmjs\.com|jsdelivr/);
    for (const m of readme.matchAll(/\]\((?!https?:|#)([^)\s#]+)(?:#[^)]*)?\)/g)) expect(existsSync(join(ROOT, m[1]!)), m[1]).toBe(true);
  });
});

describe('with a repository set in package.json', () => {
  it('an Action built with it links every rule of the job summary, SARIF and the schema to the tagged files', async () => {
    const { buildActionBundle } = await import('../scripts/build-action.mjs');
    const dir = mkdtempSync(join(tmpdir(), 'daemonlint-links-'));
    mkdirSync(join(dir, 'action'));
    writeFileSync(join(dir, 'action', 'index.mjs'), await buildActionBundle({ repository: { type: 'git', url: 'git+https://github.com/acme/daemonlint.git' } }));
    cpSync(join(ROOT, 'docs'), join(dir, 'docs'), { recursive: true });
    const ws = join(dir, 'ws');
    cpSync(join(ROOT, 'examples'), join(ws, 'examples'), { recursive: true });
    const summary = join(dir, 'summary.md');
    writeFileSync(summary, '');
    const env: Record<string, string> = { PATH: process.env.PATH ?? '', GITHUB_WORKSPACE: ws, GITHUB_STEP_SUMMARY: summary, GITHUB_OUTPUT: join(dir, 'out'), INPUT_PATHS: 'examples', NO_COLOR: '1' };
    const r = spawnSync(process.execPath, [join(dir, 'action', 'index.mjs')], { cwd: ws, env, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(1);
    const base = `https://github.com/acme/daemonlint/blob/v${pkg.version}/docs/rules/`;
    const md = readFileSync(summary, 'utf8');
    const linked = [...md.matchAll(/\]\((https:[^)]+)\)/g)].map((m) => m[1]!);
    expect(linked.length).toBeGreaterThan(0);
    for (const u of linked) {
      expect(u.startsWith(base)).toBe(true);
      expect(existsSync(join(ROOT, 'docs/rules', u.slice(base.length)))).toBe(true);
    }
    const sarif = JSON.parse(readFileSync(join(ws, 'daemonlint.sarif'), 'utf8'));
    expect(sarif.runs[0].tool.driver.informationUri).toBe('https://github.com/acme/daemonlint');
    expect(sarif.runs[0].tool.driver.rules[0].helpUri).toBe(`${base}${sarif.runs[0].tool.driver.rules[0].id}.md`);
    expect(sarif.runs[0].tool.driver.rules[0].help.markdown).toContain('## Why');
  }, 60_000);
});
