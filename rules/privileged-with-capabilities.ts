// Flags capability lists that a privileged container makes meaningless: usually the author meant the list.
import { bidirectionalMount, capabilityEntries, containerLabel, isPrivileged } from '../src/k8s/capabilities.js';
import { POD_KINDS, containersOf, podTemplate } from '../src/k8s/workloads.js';
import type { Rule } from '../src/types.js';

const rule: Rule = {
  meta: {
    id: 'privileged-with-capabilities',
    severity: 'warning',
    description: 'A privileged container also lists capabilities.add, which then grants nothing extra.',
    kinds: POD_KINDS,
    tags: ['security'],
    securitySeverity: 6.0,
    fixable: true,
    messages: {
      redundantOne: '{{container}} is privileged, so capabilities.add ({{capabilities}}) grants nothing extra. If that capability is all it needs, remove privileged: true.',
      redundantMany: '{{container}} is privileged, so capabilities.add ({{capabilities}}) grants nothing extra. If those capabilities are all it needs, remove privileged: true.',
      bidirectional:
        '{{container}} must stay privileged for its Bidirectional mount propagation ({{mount}}), so capabilities.add ({{capabilities}}) grants nothing extra. Remove the list to make that visible.',
    },
  },
  check(ctx) {
    const t = podTemplate(ctx.manifest);
    if (!t) return;
    for (const ref of containersOf(t)) {
      if (!isPrivileged(ref.container)) continue;
      const added = capabilityEntries(ref, 'add');
      if (added.length === 0) continue;
      const data = { container: containerLabel(ref, true), capabilities: added.map((e) => e.name).join(', ') };
      const addPath = [...ref.path, 'securityContext', 'capabilities', 'add'];
      const propagation = bidirectionalMount(ref.container);
      if (propagation !== undefined) {
        // Bidirectional mount propagation requires privileged: here the list is the redundant part.
        ctx.report({
          path: addPath,
          messageId: 'bidirectional',
          data: { ...data, mount: propagation },
          fix: { description: 'Remove the redundant capabilities.add list', edits: [{ op: 'delete', path: addPath }] },
        });
        continue;
      }
      ctx.report({
        path: addPath,
        messageId: added.length === 1 ? 'redundantOne' : 'redundantMany',
        data,
        // Not applied by --fix: without privilege the container also loses host devices and runs confined.
        fix: { description: 'Remove privileged: true and keep the capability list', safe: false, edits: [{ op: 'delete', path: [...ref.path, 'securityContext', 'privileged'] }] },
      });
    }
  },
};
export default rule;
