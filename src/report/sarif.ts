/** SARIF 2.1.0 for GitHub code scanning and other viewers. */
import { pathToFileURL } from 'node:url';
import type { Log, ReportingDescriptor, Result } from 'sarif';
import type { RuleDoc } from '../rule-docs.js';
import { firstParagraph, ruleDoc } from '../rule-docs.js';
import type { Finding, Rule, Severity } from '../types.js';
import type { Links } from '../links.js';
import { VERSION } from '../version.js';
import { fingerprints } from './fingerprint.js';
import { safeJson, safeText } from './sanitize.js';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note' };

export interface SarifContext {
  rules: readonly Rule[];
  /** Absolute working directory: relative paths are resolved against it. */
  cwd: string;
  /** Findings that were waived; reported with `suppressions`. */
  suppressed?: readonly Finding[];
  /** Each rule's documentation (`loadRuleDoc`), for the rule descriptors' full description and help. A custom policy's is built from its definition. */
  docs?: (ruleId: string) => RuleDoc | undefined;
  /** Where the project and each rule's document are (package.json); without them no link is written. */
  links?: Links;
}

function ruleName(id: string): string {
  return id.replace(/(^|-)([a-z0-9])/g, (_, __, c: string) => c.toUpperCase());
}

function descriptor(rule: Rule, doc: RuleDoc | undefined, links: Links | undefined): ReportingDescriptor {
  const m = rule.meta;
  const why = firstParagraph(doc?.sections.get('Why'));
  const fix = firstParagraph(doc?.sections.get('How to fix'));
  const props: Record<string, unknown> = { tags: [...m.tags], precision: 'high' };
  if (m.securitySeverity !== undefined) {
    props['security-severity'] = m.securitySeverity.toFixed(1);
    if (!m.tags.includes('security')) (props.tags as string[]).push('security');
  }
  return {
    id: m.id,
    name: ruleName(m.id),
    shortDescription: { text: m.description },
    ...(doc
      ? { fullDescription: { text: `${why} ${fix}` }, help: { text: helpText(doc), markdown: doc.markdown } }
      : {}),
    // A custom policy's documentation is its definition (in `help`); the project's pages do not describe it.
    ...(links && !m.custom ? { helpUri: links.rule(m.id) } : {}),
    defaultConfiguration: { level: LEVEL[m.severity] },
    properties: props,
  };
}

/**
 * The whole rule document as plain text (for viewers that do not render Markdown): the summary, then each section
 * under its heading, code blocks kept as they are.
 */
function helpText(doc: RuleDoc): string {
  const parts = [doc.summary];
  for (const [name, body] of doc.sections) parts.push(`${name}\n\n${body.replace(/^#{3,}\s+(.*)$/gm, '$1:')}`);
  return parts.filter(Boolean).join('\n\n');
}

/** A file's artifact location: relative to %SRCROOT% when inside cwd, else an absolute file URI. */
function artifact(file: string, cwd: string) {
  const escapes = file === '..' || file.startsWith('../') || file.startsWith('/');
  if (escapes) return { uri: pathToFileURL(file.startsWith('/') ? file : `${cwd}/${file}`).href };
  // Each segment escaped on its own, so `#`, `?` and `%` in file names stay part of the path.
  return { uri: file.split('/').map(encodeURIComponent).join('/'), uriBaseId: '%SRCROOT%' };
}

export function formatSarif(findings: readonly Finding[], ctx: SarifContext): string {
  const index = new Map(ctx.rules.map((r, i) => [r.meta.id, i]));
  const all = [...findings, ...(ctx.suppressed ?? [])];
  const prints = fingerprints(all);
  const results: Result[] = all.map((f, i) => {
    const region = { startLine: f.line, startColumn: f.column, endLine: f.endLine, endColumn: f.endColumn };
    const result: Result = {
      ruleId: f.ruleId,
      level: LEVEL[f.severity],
      message: { text: safeText(f.message) },
      locations: [
        {
          physicalLocation: { artifactLocation: artifact(f.file, ctx.cwd), region },
          ...(f.object
            ? {
                logicalLocations: [
                  {
                    fullyQualifiedName: [f.object.kind, f.object.namespace, f.object.name, f.path].filter(Boolean).join('/'),
                    kind: 'object',
                  },
                ],
              }
            : {}),
        },
      ],
      partialFingerprints: { 'daemonlint/v1': prints[i]! },
    };
    const ri = index.get(f.ruleId);
    if (ri !== undefined) result.ruleIndex = ri;
    if (f.units?.length) result.properties = { units: f.units };
    if (f.related?.length) {
      result.relatedLocations = f.related.map((r, id) => ({
        id,
        message: { text: safeText(r.message) },
        physicalLocation: {
          artifactLocation: artifact(r.file, ctx.cwd),
          region: { startLine: r.line, startColumn: r.column, ...(r.endLine ? { endLine: r.endLine, endColumn: r.endColumn } : {}) },
        },
      }));
    }
    if (f.suppressions?.length) {
      result.suppressions = f.suppressions.map((s) => ({
        kind: s.kind,
        status: 'accepted',
        ...(s.justification ? { justification: s.justification } : {}),
        properties: { source: s.source },
      }));
    }
    return result;
  });
  const log: Log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'daemonlint',
            version: VERSION,
            semanticVersion: VERSION,
            ...(ctx.links ? { informationUri: ctx.links.information } : {}),
            rules: ctx.rules.map((r) => descriptor(r, r.meta.custom ? ruleDoc(r) : ctx.docs?.(r.meta.id), ctx.links)),
          },
        },
        originalUriBaseIds: { '%SRCROOT%': { uri: pathToFileURL(ctx.cwd.endsWith('/') ? ctx.cwd : ctx.cwd + '/').href } },
        results,
        columnKind: 'utf16CodeUnits',
      },
    ],
  };
  return safeJson(JSON.stringify(log, null, 2)) + '\n';
}
