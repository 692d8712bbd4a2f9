// Guards against kustomizations that kustomize cannot build, or that daemonlint can only partly model.
import type { Rule } from '../src/types.js';

const rule: Rule = {
  meta: {
    id: 'kustomization',
    severity: 'warning',
    description: 'A kustomization must build: its resources, bases, components and patch files exist and every patch finds its target.',
    kinds: '*',
    tags: ['correctness', 'kustomize'],
    // The builder (src/units/kustomize/build.ts) words what kustomize refuses and what it does not model: it names the
    // path, field or patch target concerned.
    messages: {
      unbuildable: '{{detail}}',
      unmodelled: '{{detail}}',
      outsideRepository:
        '{{path}} is outside the repository of this kustomization ({{root}}) and was not read: its objects and changes are missing from this build. Name it on the command line to build it with this kustomization.',
    },
  },
  checkFile(ctx) {
    for (const p of ctx.run.unitProblems?.get(ctx.file) ?? [])
      ctx.report({ messageId: p.messageId ?? 'unbuildable', data: p.data ?? { detail: p.message }, range: p.range, severity: p.severity });
  },
};
export default rule;
