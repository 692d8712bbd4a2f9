/**
 * `daemonlint rules`, `daemonlint explain RULE` and `daemonlint help [COMMAND]`.
 */
import { UsageError } from '../app/errors.js';
import { safeDiffText, safeText } from '../report/sanitize.js';
import { ruleDoc } from '../rule-docs.js';
import type { Rule } from '../types.js';
import { closest } from '../util/suggest.js';
import { LINKS } from '../links.js';
import { VERSION } from '../version.js';
import { commandHelp, mainHelp } from './args.js';
import { SUBCOMMANDS, type CommandName } from './options.js';

export function listRules(allRules: readonly Rule[], format: string | undefined): string {
  if (format === 'json') {
    // For other tools: every rule's facts, in the order of the text list. `version` changes when fields change meaning.
    const rules = allRules.map(({ meta: m }) => ({
      id: m.id,
      severity: m.severity,
      description: m.description,
      kinds: m.kinds === '*' ? '*' : [...m.kinds],
      fixable: Boolean(m.fixable),
      tags: [...m.tags],
      hasOptions: Boolean(m.optionsSchema),
      ...(m.custom ? { custom: true } : { docs: `docs/rules/${m.id}.md`, ...(LINKS ? { url: LINKS.rule(m.id) } : {}) }),
    }));
    return `${JSON.stringify({ version: 1, tool: 'daemonlint', toolVersion: VERSION, rules }, null, 2)}\n`;
  }
  const width = Math.max(...allRules.map((r) => r.meta.id.length));
  // A custom policy's description comes from a config file: printed inert.
  return allRules.map((r) => `${r.meta.id.padEnd(width)}  ${r.meta.severity.padEnd(7)}  ${safeText(r.meta.description)}${r.meta.custom ? '  (custom policy)' : ''}`).join('\n') + '\n';
}

export function explainRule(allRules: readonly Rule[], id: string | undefined): string {
  if (!id) throw new UsageError('explain needs a rule id: daemonlint explain RULE (see daemonlint rules)');
  const rule = allRules.find((r) => r.meta.id === id);
  if (!rule) {
    // A misspelling (`restart-polcy`) has one answer; a fragment (`host-p`) may have several.
    const ids = allRules.map((r) => r.meta.id);
    const containing = ids.filter((x) => x.includes(id) || id.includes(x));
    const typo = closest(id, ids);
    const near = containing.length ? containing : typo ? [typo] : [];
    throw new UsageError(`unknown rule "${id}"${near.length ? `; did you mean ${near.join(', ')}?` : ''} (see daemonlint rules)`);
  }
  const m = rule.meta;
  const kinds = m.kinds === '*' ? 'every kind' : m.kinds.join(', ');
  const doc = ruleDoc(rule);
  if (!doc) throw new UsageError(`the documentation of ${m.id} (docs/rules/${m.id}.md) is missing from this installation`);
  // The document with the rule's facts under its title. A custom policy's document is built from its definition in a
  // config file: its text keeps its line breaks, and nothing else that could drive the terminal.
  const body = doc.markdown.replace(/^#[^\n]*\n+/, '');
  const text = `# ${m.id}\n\nDefault severity: ${m.severity}. Applies to: ${kinds}.${m.fixable ? ' Fixable.' : ''}\n\n${m.description}\n\n${body.trimEnd()}\n`;
  return m.custom ? safeDiffText(text) : text;
}

/** `daemonlint help [COMMAND]`. */
export function helpCommand(topic: string | undefined): string {
  if (topic === undefined) return mainHelp(VERSION);
  const names = ['lint', ...SUBCOMMANDS] as CommandName[];
  if ((names as string[]).includes(topic)) return commandHelp(topic as CommandName, VERSION);
  const near = closest(topic, names, 2);
  throw new UsageError(`no command "${topic}"${near ? `; did you mean ${near}?` : ''} (commands: ${SUBCOMMANDS.join(', ')})`);
}
