/**
 * Rule documentation: one Markdown file per rule, `docs/rules/<id>.md`, shipped in the package and read at run time
 * (only by `explain` and the SARIF report, never by a plain lint run). The fixed outline:
 *
 *   # <id>
 *   <summary: what the rule reports>
 *   ## Why            (its first paragraph is the short rationale used by SARIF)
 *   ## How to fix     (its first paragraph is the short remediation used by SARIF)
 *   ## Examples       with `### Invalid` and `### Valid` subsections of ```yaml blocks (linted by the test suite)
 *   ## Options
 *   ## Configuration
 *
 * A ```yaml nodes block under Examples is the node inventory the examples are linted with.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Rule } from './types.js';

export const RULE_DOC_SECTIONS = ['Why', 'How to fix', 'Examples', 'Options', 'Configuration'] as const;
export type RuleDocSection = (typeof RULE_DOC_SECTIONS)[number];

export interface RuleDocExample {
  kind: 'invalid' | 'valid';
  /** The YAML text of the block. */
  code: string;
  /** 1-based line of the block's first code line in the Markdown file. */
  line: number;
}

export interface RuleDoc {
  /** The `# title`: the rule id. */
  title: string;
  /** The text between the title and the first section. */
  summary: string;
  /** Section bodies by heading (`## Why` → `Why`), in file order. */
  sections: Map<string, string>;
  examples: RuleDocExample[];
  /** The node inventory for the examples (a ```yaml nodes block), if any. */
  nodes?: string;
  /** The whole file. */
  markdown: string;
}

/** docs/rules/ of the package: src/, dist/ and action/ all sit one folder below its root. */
export function ruleDocsDir(): string {
  return fileURLToPath(new URL('../docs/rules/', import.meta.url));
}

/** Parse a rule document (no validation: test/meta.test.ts checks the outline). */
export function parseRuleDoc(markdown: string): RuleDoc {
  const lines = markdown.split(/\r?\n/);
  let title = '';
  const summary: string[] = [];
  const sections = new Map<string, string[]>();
  const examples: RuleDocExample[] = [];
  let nodes: string | undefined;
  let section: string[] | undefined;
  let sectionName = '';
  let sub = '';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const fence = /^(```+|~~~+)\s*(\S*)\s*(.*)$/.exec(line);
    if (fence) {
      // Copy the block verbatim: headings inside code are not headings.
      const start = i;
      let end = i + 1;
      while (end < lines.length && !lines[end]!.startsWith(fence[1]!)) end++;
      const body = lines.slice(start + 1, end);
      (section ?? summary).push(...lines.slice(start, Math.min(end + 1, lines.length)));
      if (sectionName === 'Examples' && fence[2] === 'yaml') {
        const code = body.join('\n') + '\n';
        if (fence[3] === 'nodes') nodes = code;
        else if (sub === 'Invalid' || sub === 'Valid') examples.push({ kind: sub === 'Invalid' ? 'invalid' : 'valid', code, line: start + 2 });
      }
      i = end;
      continue;
    }
    const h = /^(#{1,3})\s+(.*?)\s*$/.exec(line);
    if (h && h[1] === '#' && !title) {
      title = h[2]!;
      continue;
    }
    if (h && h[1] === '##') {
      sectionName = h[2]!;
      sub = '';
      section = [];
      sections.set(sectionName, section);
      continue;
    }
    if (h && h[1] === '###') sub = h[2]!;
    (section ?? summary).push(line);
  }
  const trim = (ls: string[]) => ls.join('\n').trim();
  return { title, summary: trim(summary), sections: new Map([...sections].map(([k, v]) => [k, trim(v)])), examples, nodes, markdown };
}

/** The first paragraph of a section as one line (the short text of `Why` and `How to fix`). */
export function firstParagraph(text: string | undefined): string {
  return (text ?? '').split(/\n\s*\n/)[0]!.replace(/\s*\n\s*/g, ' ').trim();
}

const cache = new Map<string, RuleDoc | undefined>();

/** A rule's documentation, or undefined when its file is missing (read once per process). */
export function loadRuleDoc(id: string): RuleDoc | undefined {
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(id)) return undefined;
  if (!cache.has(id)) {
    let doc: RuleDoc | undefined;
    try {
      doc = parseRuleDoc(readFileSync(`${ruleDocsDir()}${id}.md`, 'utf8'));
    } catch {
      doc = undefined;
    }
    cache.set(id, doc);
  }
  return cache.get(id);
}

const customDocs = new WeakMap<Rule, RuleDoc>();

/**
 * A rule's documentation: a custom policy's own (`meta.custom.documentation`, built from its definition), else the
 * shipped docs/rules/<id>.md.
 */
export function ruleDoc(rule: Rule): RuleDoc | undefined {
  const custom = rule.meta.custom;
  if (!custom) return loadRuleDoc(rule.meta.id);
  let doc = customDocs.get(rule);
  if (!doc) customDocs.set(rule, (doc = parseRuleDoc(custom.documentation)));
  return doc;
}
