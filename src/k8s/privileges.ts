/**
 * Fields that change what a Pod may do on its node: host namespaces, privileges, capabilities, identities, host
 * paths and ports, service account tokens. A fix that makes such a field take effect (moving or renaming it into
 * place) is a decision about security, never a mechanical repair: such fixes are offered in editors but not applied
 * by `--fix`.
 */
export const PRIVILEGE_FIELDS: ReadonlySet<string> = new Set([
  'hostNetwork',
  'hostPID',
  'hostIPC',
  'hostUsers',
  'shareProcessNamespace',
  'securityContext',
  'privileged',
  'allowPrivilegeEscalation',
  'capabilities',
  'add',
  'drop',
  'procMount',
  'runAsUser',
  'runAsGroup',
  'runAsNonRoot',
  'supplementalGroups',
  'fsGroup',
  'seLinuxOptions',
  'seccompProfile',
  'appArmorProfile',
  'windowsOptions',
  'readOnlyRootFilesystem',
  'sysctls',
  'hostPath',
  'hostPort',
  'volumes',
  'volumeMounts',
  'serviceAccountName',
  'serviceAccount',
  'automountServiceAccountToken',
]);

/** Does setting `key` to `value` (or any field inside `value`) change what the Pod may do? */
export function touchesPrivileges(key: string, value: unknown): boolean {
  if (PRIVILEGE_FIELDS.has(key)) return true;
  const stack: unknown[] = [value];
  let budget = 10_000; // A moved value is a piece of one manifest; bound the walk all the same.
  while (stack.length && budget-- > 0) {
    const v = stack.pop();
    if (Array.isArray(v)) for (const x of v) stack.push(x);
    else if (v && typeof v === 'object')
      for (const [k, x] of Object.entries(v)) {
        if (PRIVILEGE_FIELDS.has(k)) return true;
        stack.push(x);
      }
  }
  return budget <= 0;
}
