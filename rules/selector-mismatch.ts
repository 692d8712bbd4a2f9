// Catches controllers whose selector does not select their own Pod template: the API server rejects them.
import { describeRequirement, failedRequirements, parseLabelSelector, type Requirement } from '../src/k8s/selectors.js';
import { LONG_RUNNING_KINDS, isRecord, labelsOf, podTemplate, templatePathOf } from '../src/k8s/workloads.js';
import type { Fix, Path, RelatedReport, Rule } from '../src/types.js';

/** API groups that defaulted a missing selector to the template labels (long removed). */
const DEFAULTING_GROUPS = new Set(['extensions/v1beta1', 'apps/v1beta1']);

function describeLabels(labels: Record<string, string>): string {
  const entries = Object.entries(labels);
  return entries.length ? entries.map(([k, v]) => `${k}=${v}`).join(', ') : 'no labels';
}

/** The closing advice for a missing or unusable selector. */
function selectAdvice(labels: Record<string, string>): string {
  return Object.keys(labels).length
    ? `Select the template labels (${describeLabels(labels)}) under matchLabels.`
    : 'Label the template (spec.template.metadata.labels) and select those labels under matchLabels.';
}

/** Why one requirement fails on the template labels, e.g. "the template has app=node-agnet". */
function whyFails(r: Requirement, labels: Record<string, string>): string {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  const actual = has ? `the template has ${r.key}=${labels[r.key]}` : `the template has no ${r.key} label`;
  switch (r.operator) {
    case 'In':
      return `selector requires ${describeRequirement(r)} but ${actual}`;
    case 'NotIn':
      return `selector requires ${describeRequirement(r)} but ${actual}`;
    case 'Exists':
      return `selector requires a label ${r.key} but ${actual}`;
    case 'DoesNotExist':
      return `selector requires that there be no ${r.key} label but ${actual}`;
  }
}

/** Path of a requirement inside the object. */
function requirementPath(r: Requirement): Path {
  if (r.source === 'matchLabels') return ['spec', 'selector', 'matchLabels', r.key];
  const m = /^matchExpressions\[(\d+)\]$/.exec(r.source);
  return m ? ['spec', 'selector', 'matchExpressions', Number(m[1])] : ['spec', 'selector'];
}

const rule: Rule = {
  meta: {
    id: 'selector-mismatch',
    severity: 'error',
    description: "A DaemonSet, Deployment, ReplicaSet or StatefulSet selector is missing, empty, or does not select the Pod template's labels.",
    kinds: LONG_RUNNING_KINDS,
    tags: ['correctness', 'api-rejects'],
    fixable: true,
    messages: {
      missing:
        '{{workload}} has no spec.selector: {{apiVersion}} requires one that selects the template labels ({{labels}}), and the API server rejects the object without it.',
      missingNoLabels:
        '{{workload}} has no spec.selector and its template has no labels: {{apiVersion}} requires a selector that matches the template labels, and the API server rejects the object. Label the template and select those labels under spec.selector.matchLabels.',
      notMapping: 'spec.selector must be a mapping with matchLabels and/or matchExpressions, not {{found}}; the API server rejects it. {{advice}}',
      serviceStyle:
        'spec.selector lists labels ({{labels}}) directly, Service-style; a {{kind}} selector needs them under matchLabels, so as written it is empty and the API server rejects it.',
      empty: 'spec.selector is empty: it would select every Pod in the namespace, and the API server rejects an empty selector for a {{kind}}. {{advice}}',
      expressionNoKey:
        'matchExpressions[{{index}}] has no key; the API server rejects the selector. Give it a key, an operator and (for In/NotIn) values.',
      badOperator:
        'matchExpressions[{{index}}] ({{key}}) has operator {{operator}}; use In, NotIn, Exists or DoesNotExist. The API server rejects the selector otherwise.',
      valuesMissing:
        'matchExpressions[{{index}}] ({{key}}) uses {{operator}} without values; list at least one value. The API server rejects the selector otherwise.',
      valuesNotAllowed:
        'matchExpressions[{{index}}] ({{key}}) uses {{operator}} with values; remove the values. The API server rejects the selector otherwise.',
      mismatch:
        '{{workload}} does not select its own Pods: {{why}}. The API server rejects the object; make the selector and spec.template.metadata.labels agree.',
    },
  },
  check(ctx) {
    const { object, manifest } = ctx;
    const kind = manifest.ref.kind;
    const who = manifest.ref.name ? `${kind} "${manifest.ref.name}"` : kind;
    if (!isRecord(object.spec)) return;
    const spec = object.spec;
    const tp = templatePathOf(kind) ?? ['spec', 'template'];
    const t = podTemplate(manifest);
    const template = spec.template;
    const metadata = t?.metadata ?? (isRecord(template) && isRecord(template.metadata) ? template.metadata : {});
    const metadataPath: Path = [...tp, 'metadata'];
    const labels = labelsOf(metadata);
    const labelsPath: Path = isRecord(metadata.labels) ? [...metadataPath, 'labels'] : isRecord(template) && isRecord(template.metadata) ? metadataPath : tp;
    const related: RelatedReport[] = [{ manifest, path: labelsPath, message: `template labels: ${describeLabels(labels)}` }];
    const matchLabelsFix = (description: string): Fix | undefined =>
      // Not applied by --fix: selecting every template label may be more than the author wants in an immutable selector.
      Object.keys(labels).length ? { description, safe: false, edits: [{ op: 'set', path: ['spec', 'selector'], value: { matchLabels: { ...labels } } }] } : undefined;

    const sel = spec.selector;
    if (sel === undefined || sel === null) {
      if (DEFAULTING_GROUPS.has(manifest.ref.apiVersion)) return;
      ctx.report({
        path: ['spec', 'selector'],
        ...(Object.keys(labels).length
          ? { messageId: 'missing', data: { workload: who, apiVersion: manifest.ref.apiVersion, labels: describeLabels(labels) } }
          : { messageId: 'missingNoLabels', data: { workload: who, apiVersion: manifest.ref.apiVersion } }),
        related,
        fix: matchLabelsFix('Add a selector matching the template labels'),
      });
      return;
    }
    if (!isRecord(sel)) {
      ctx.report({
        path: ['spec', 'selector'],
        at: 'value',
        messageId: 'notMapping',
        data: { found: Array.isArray(sel) ? 'a list' : JSON.stringify(sel), advice: selectAdvice(labels) },
        related,
        fix: matchLabelsFix('Replace the selector with matchLabels of the template labels'),
      });
      return;
    }
    const parsed = parseLabelSelector(sel);
    if (parsed.empty) {
      const stray = Object.entries(sel).filter(([k, v]) => k !== 'matchLabels' && k !== 'matchExpressions' && (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean'));
      if (stray.length) {
        const moved = Object.fromEntries(stray.map(([k, v]) => [k, String(v)]));
        ctx.report({
          path: ['spec', 'selector'],
          messageId: 'serviceStyle',
          data: { labels: stray.map(([k, v]) => `${k}=${v}`).join(', '), kind },
          related,
          fix: { description: 'Move the labels under matchLabels', edits: [{ op: 'set', path: ['spec', 'selector'], value: { matchLabels: moved } }] },
        });
      } else {
        ctx.report({
          path: ['spec', 'selector'],
          messageId: 'empty',
          data: { kind, advice: selectAdvice(labels) },
          related,
          fix: matchLabelsFix('Select the template labels with matchLabels'),
        });
      }
      return;
    }
    // Expressions the API rejects outright (unknown operator, no key, In/NotIn without values …).
    const broken = new Set<string>();
    if (Array.isArray(sel.matchExpressions)) {
      (sel.matchExpressions as unknown[]).forEach((e, i) => {
        const path: Path = ['spec', 'selector', 'matchExpressions', i];
        if (!isRecord(e) || typeof e.key !== 'string') {
          ctx.report({ path, messageId: 'expressionNoKey', data: { index: i } });
          return;
        }
        const op = e.operator;
        const hasValues = Array.isArray(e.values) && e.values.length > 0;
        let problem: string | undefined;
        if (op !== 'In' && op !== 'NotIn' && op !== 'Exists' && op !== 'DoesNotExist') problem = 'badOperator';
        else if ((op === 'In' || op === 'NotIn') && !hasValues) problem = 'valuesMissing';
        else if ((op === 'Exists' || op === 'DoesNotExist') && hasValues) problem = 'valuesNotAllowed';
        if (problem) broken.add(`matchExpressions[${i}]`);
        // An unknown operator is shown as written (JSON), a known one bare.
        if (problem) ctx.report({ path, messageId: problem, data: { index: i, key: e.key, operator: problem === 'badOperator' ? String(JSON.stringify(op)) : String(op) } });
      });
    }

    // A broken expression is reported above; do not also report it as a mismatch.
    const failed = failedRequirements(parsed, labels).filter((r) => !broken.has(r.source));
    if (failed.length === 0) return;
    // The fix only applies when the template merely lacks labels that matchLabels names.
    const onlyMissing = failed.every((r) => r.source === 'matchLabels' && !Object.prototype.hasOwnProperty.call(labels, r.key));
    for (const r of failed) {
      let fix: Fix | undefined;
      if (onlyMissing) {
        // Not applied by --fix: the author may have meant to change the selector instead.
        fix = { description: `Add ${r.key}=${r.values[0]} to the template labels`, safe: false, edits: [{ op: 'set', path: [...metadataPath, 'labels', r.key], value: r.values[0] }] };
      }
      ctx.report({
        path: requirementPath(r),
        messageId: 'mismatch',
        data: { workload: who, why: whyFails(r, labels) },
        related,
        fix,
      });
    }
  },
};
export default rule;
