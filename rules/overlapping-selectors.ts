// Guards against two controllers that select each other's Pods and fight over them.
import { overlapsAfter, type ControllerOverlap } from '../src/k8s/overlaps.js';
import { CONTROLLER_KINDS, workloadOf, type Workload } from '../src/k8s/run-index.js';
import { describeRequirement } from '../src/k8s/selectors.js';
import type { Rule } from '../src/types.js';

function label(w: Workload): string {
  return `${w.kind} ${w.manifest.ref.name ?? '(unnamed)'}`;
}

/** Overlapping controllers named in one finding before the rest are counted. */
const MAX_NAMED = 5;

const rule: Rule = {
  meta: {
    id: 'overlapping-selectors',
    severity: 'warning',
    description: 'Two controllers in one namespace must not have selectors that match the same Pod template.',
    kinds: CONTROLLER_KINDS,
    tags: ['correctness', 'cross-resource'],
    messages: {
      overlap:
        "{{controller}} and {{others}} in namespace {{namespace}} select the same Pods: {{how}}, so the controllers fight over them and delete or replace each other's Pods. Add a label unique to each template and select on it.",
    },
  },
  check(ctx) {
    // The controllers after this one that overlap it, found through groups of identical controllers (one finding per
    // controller, naming the first few and counting the rest: n identical controllers cost n, not n²).
    const found = overlapsAfter(ctx.run, ctx.manifest, MAX_NAMED);
    if (!found?.count) return;
    const self = workloadOf(ctx.run, ctx.manifest)!;
    const sel = (w: Workload) => w.selector!.requirements.map(describeRequirement).join(', ');
    const howOf = (o: ControllerOverlap) =>
      o.mineMatchesTheirs && o.theirsMatchesMine
        ? `each selector (${sel(self)} / ${sel(o.other)}) matches both Pod templates`
        : o.mineMatchesTheirs
          ? `the selector ${sel(self)} of ${label(self)} also matches the Pods of ${label(o.other)}`
          : `the selector ${sel(o.other)} of ${label(o.other)} also matches the Pods of ${label(self)}`;
    const { count, first: shown } = found;
    const first = shown[0]!;
    const others = count === 1 ? label(first.other) : `${shown.map((o) => label(o.other)).join(', ')}${count > MAX_NAMED ? ` and ${count - MAX_NAMED} more` : ''}`;
    const how = count === 1 ? howOf(first) : `e.g. with ${label(first.other)}, ${howOf(first)}`;
    ctx.report({
      path: ['spec', 'selector'],
      messageId: 'overlap',
      data: { controller: label(self), others, namespace: self.namespace, how },
      related: shown.map((o) => ({ manifest: o.other.manifest, path: ['spec', 'selector'], message: `selector of ${label(o.other)}` })),
    });
  },
};
export default rule;
