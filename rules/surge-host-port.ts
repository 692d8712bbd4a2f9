// Guards against DaemonSet rollouts that stall because the surge Pod cannot bind the old Pod's host port.
import { describeClaim, hostPortClaims } from '../src/k8s/ports.js';
import { displayName, isRecord, podTemplate } from '../src/k8s/workloads.js';
import type { FixEdit, Rule } from '../src/types.js';

/** maxSurge as written when it makes the controller surge (a positive count or percentage). */
function positiveSurge(v: unknown): string | undefined {
  if (typeof v === 'number') return v > 0 ? String(v) : undefined;
  if (typeof v === 'string') {
    const m = /^(\d+)%?$/.exec(v.trim());
    if (m && Number(m[1]) > 0) return v.trim();
  }
  return undefined;
}

function isZero(v: unknown): boolean {
  return v === 0 || (typeof v === 'string' && /^0+%?$/.test(v.trim()));
}

const rule: Rule = {
  meta: {
    id: 'surge-host-port',
    severity: 'error',
    description: 'A DaemonSet that binds a host port must not surge (maxSurge > 0) during rolling updates.',
    kinds: ['DaemonSet'],
    tags: ['reliability', 'rollout'],
    fixable: true,
    messages: {
      surge:
        'DaemonSet {{name}} surges (maxSurge: {{surge}}) but its Pods bind host {{ports}}: during a rollout the new Pod starts next to the old one on the same node, cannot bind the port, and the rollout stalls. Set maxSurge to 0 and roll with maxUnavailable instead.',
    },
  },
  check(ctx) {
    const spec = ctx.object.spec;
    if (!isRecord(spec)) return;
    const strategy = spec.updateStrategy;
    if (!isRecord(strategy)) return;
    if (strategy.type !== undefined && strategy.type !== 'RollingUpdate') return;
    const ru = strategy.rollingUpdate;
    if (!isRecord(ru)) return;
    const surge = positiveSurge(ru.maxSurge);
    if (!surge) return;
    const t = podTemplate(ctx.manifest);
    if (!t) return;
    const claims = hostPortClaims(t);
    if (!claims.length) return;
    const ruPath = ['spec', 'updateStrategy', 'rollingUpdate'];
    const edits: FixEdit[] = [{ op: 'set', path: [...ruPath, 'maxSurge'], value: 0 }];
    if (isZero(ru.maxUnavailable)) edits.push({ op: 'set', path: [...ruPath, 'maxUnavailable'], value: 1 });
    const ports = claims.slice(0, 3).map(describeClaim).join(', ') + (claims.length > 3 ? ` and ${claims.length - 3} more` : '');
    ctx.report({
      path: [...ruPath, 'maxSurge'],
      messageId: 'surge',
      data: { name: displayName(ctx.manifest), surge, ports: `port${claims.length > 1 ? 's' : ''} ${ports}` },
      related: claims.map((c) => ({ manifest: ctx.manifest, path: c.path, message: `host port ${c.port}/${c.protocol}` })),
      fix: { description: 'Set maxSurge to 0 (and maxUnavailable to 1 if it was 0)', edits },
    });
  },
};
export default rule;
