/** Label selectors as the API evaluates them: matchLabels and matchExpressions, all AND-ed. */
import { isRecord } from './workloads.js';

export interface Requirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values: string[];
  /** Where the requirement came from, for messages: `matchLabels` or `matchExpressions[i]`. */
  source: string;
}

export interface ParsedSelector {
  requirements: Requirement[];
  /** True for `{}`: it selects everything (and is rejected for a DaemonSet). */
  empty: boolean;
  /** Problems that make the selector invalid (unknown operator, In without values …). */
  errors: string[];
}

/** Parse a LabelSelector object (`{matchLabels, matchExpressions}`). */
export function parseLabelSelector(sel: unknown): ParsedSelector {
  const out: ParsedSelector = { requirements: [], empty: true, errors: [] };
  if (!isRecord(sel)) {
    out.errors.push('the selector is not a mapping');
    return out;
  }
  if (isRecord(sel.matchLabels)) {
    for (const [key, v] of Object.entries(sel.matchLabels)) {
      out.empty = false;
      out.requirements.push({ key, operator: 'In', values: [String(v)], source: `matchLabels` });
    }
  }
  if (Array.isArray(sel.matchExpressions)) {
    sel.matchExpressions.forEach((e: unknown, i: number) => {
      out.empty = false;
      if (!isRecord(e) || typeof e.key !== 'string') {
        out.errors.push(`matchExpressions[${i}] has no key`);
        return;
      }
      const op = e.operator;
      const values = Array.isArray(e.values) ? e.values.map(String) : [];
      if (op !== 'In' && op !== 'NotIn' && op !== 'Exists' && op !== 'DoesNotExist') {
        out.errors.push(`matchExpressions[${i}] has unknown operator ${JSON.stringify(op)}`);
        return;
      }
      out.requirements.push({ key: e.key, operator: op, values, source: `matchExpressions[${i}]` });
    });
  }
  return out;
}

/** A Service-style selector: a plain map of labels. */
export function mapSelector(sel: Record<string, unknown>): ParsedSelector {
  const requirements: Requirement[] = Object.entries(sel).map(([key, v]) => ({ key, operator: 'In' as const, values: [String(v)], source: 'selector' }));
  return { requirements, empty: requirements.length === 0, errors: [] };
}

/** Whether one requirement holds for a label set. */
export function requirementMatches(r: Requirement, labels: Record<string, string>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  switch (r.operator) {
    case 'In':
      return has && r.values.includes(labels[r.key]!);
    case 'NotIn':
      return !has || !r.values.includes(labels[r.key]!);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
  }
}

/** The requirements that a label set fails (empty when the selector matches). */
export function failedRequirements(sel: ParsedSelector, labels: Record<string, string>): Requirement[] {
  return sel.requirements.filter((r) => !requirementMatches(r, labels));
}

export function selectorMatches(sel: ParsedSelector, labels: Record<string, string>): boolean {
  return sel.errors.length === 0 && failedRequirements(sel, labels).length === 0;
}

/** Human form of a requirement: `app=agent`, `tier in (a, b)`, `!debug`. */
export function describeRequirement(r: Requirement): string {
  switch (r.operator) {
    case 'In':
      return r.values.length === 1 ? `${r.key}=${r.values[0]}` : `${r.key} in (${r.values.join(', ')})`;
    case 'NotIn':
      return `${r.key} notin (${r.values.join(', ')})`;
    case 'Exists':
      return r.key;
    case 'DoesNotExist':
      return `!${r.key}`;
  }
}
