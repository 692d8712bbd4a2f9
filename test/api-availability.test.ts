import { describe, expect, it } from 'vitest';
import { apiVersionsServing, availability, builtinLookalike, isServed, parseApiVersion } from '../src/k8s/api-availability.js';
import { API_CHANGES, SERVED_KINDS } from '../src/k8s/api-versions.js';
import { SUPPORTED_KUBE_VERSIONS, normalizeKubeVersion } from '../src/k8s/kube-version.js';

describe('kube versions', () => {
  it('accepts every minor from 1.16 to 1.35, with or without v and patch', () => {
    expect(SUPPORTED_KUBE_VERSIONS).toHaveLength(20);
    expect(SUPPORTED_KUBE_VERSIONS[0]).toBe('1.16');
    expect(normalizeKubeVersion('v1.22.4')).toBe('1.22');
    expect(normalizeKubeVersion(' 1.35 ')).toBe('1.35');
    expect(normalizeKubeVersion('1.15')).toBeUndefined();
    expect(normalizeKubeVersion('1.36')).toBeUndefined();
    expect(normalizeKubeVersion('latest')).toBeUndefined();
  });
});

describe('the migration-guide table', () => {
  it('is consistent: deprecation before removal, replacements served when the old version stops', () => {
    for (const c of API_CHANGES) {
      if (c.deprecated !== undefined) expect(c.deprecated, c.apiVersion).toBeLessThan(c.removed);
      expect(c.replacements.length > 0 || !!c.instead, `${c.apiVersion} ${c.kinds}`).toBe(true);
      // Some replacement is served before the old apiVersion stops being served.
      if (c.replacements.length) expect(Math.min(...c.replacements.map((r) => r.since)), c.apiVersion).toBeLessThanOrEqual(c.removed);
    }
  });

  it('does not list a removed apiVersion/kind as served as well', () => {
    for (const c of API_CHANGES) for (const k of c.kinds) expect(SERVED_KINDS[c.apiVersion]?.[k], `${c.apiVersion} ${k}`).toBeUndefined();
  });
});

describe('availability', () => {
  it('reports removed apiVersions with the removal version and the replacement', () => {
    const a = availability('extensions/v1beta1', 'DaemonSet', 35);
    expect(a.status).toBe('removed');
    if (a.status !== 'removed') return;
    expect(a.change.removed).toBe(16);
    expect(a.use?.apiVersion).toBe('apps/v1');

    const rbac = availability('rbac.authorization.k8s.io/v1beta1', 'ClusterRoleBinding', 35);
    expect(rbac).toMatchObject({ status: 'removed', change: { removed: 22 }, use: { apiVersion: 'rbac.authorization.k8s.io/v1' } });
    const psp = availability('policy/v1beta1', 'PodSecurityPolicy', 35);
    expect(psp).toMatchObject({ status: 'removed', change: { removed: 25 } });
    expect(psp.status === 'removed' && psp.use).toBeFalsy();
    expect(psp.status === 'removed' && psp.instead).toMatch(/Pod Security Admission/);
  });

  it('follows a replacement that was removed in turn', () => {
    // extensions/v1beta1 PSP → policy/v1beta1 (itself removed in 1.25): before 1.25 use policy/v1beta1, after it nothing.
    expect(availability('extensions/v1beta1', 'PodSecurityPolicy', 20)).toMatchObject({ status: 'removed', use: { apiVersion: 'policy/v1beta1' } });
    expect(availability('extensions/v1beta1', 'PodSecurityPolicy', 30)).toMatchObject({ status: 'removed', instead: expect.stringMatching(/Pod Security/) });
    // flowcontrol v1beta1 at 1.26–1.28: v1 is not served yet, v1beta3 is.
    expect(availability('flowcontrol.apiserver.k8s.io/v1beta1', 'FlowSchema', 27)).toMatchObject({ use: { apiVersion: 'flowcontrol.apiserver.k8s.io/v1beta3' } });
    expect(availability('flowcontrol.apiserver.k8s.io/v1beta1', 'FlowSchema', 33)).toMatchObject({ use: { apiVersion: 'flowcontrol.apiserver.k8s.io/v1' } });
  });

  it('is served (and deprecated) by a version before the removal', () => {
    expect(availability('rbac.authorization.k8s.io/v1beta1', 'RoleBinding', 16)).toEqual({ status: 'served' });
    expect(availability('rbac.authorization.k8s.io/v1beta1', 'RoleBinding', 21)).toMatchObject({ status: 'deprecated', change: { deprecated: 17, removed: 22 } });
    expect(availability('policy/v1beta1', 'PodSecurityPolicy', 24)).toMatchObject({ status: 'deprecated' });
    expect(availability('policy/v1beta1', 'PodSecurityPolicy', 20)).toEqual({ status: 'served' });
  });

  it('knows kinds that a later version introduced, and the older apiVersion to use until then', () => {
    expect(availability('batch/v1', 'CronJob', 20)).toEqual({ status: 'not-yet', since: 21, use: 'batch/v1beta1' });
    expect(availability('batch/v1', 'CronJob', 21)).toEqual({ status: 'served' });
    expect(availability('networking.k8s.io/v1', 'Ingress', 18)).toEqual({ status: 'not-yet', since: 19, use: 'networking.k8s.io/v1beta1' });
  });

  it('finds typos of built-in apiVersions and kinds, and never judges custom groups', () => {
    expect(availability('apps/v2', 'DaemonSet', 35)).toEqual({ status: 'unknown-api', suggestions: ['apps/v1'] });
    expect(availability('app/v1', 'DaemonSet', 35)).toEqual({ status: 'unknown-api', suggestions: ['apps/v1'] });
    expect(availability('v2', 'Service', 35)).toEqual({ status: 'unknown-api', suggestions: ['v1'] });
    expect(availability('apps/v1', 'Daemonset', 35)).toEqual({ status: 'unknown-kind', kinds: ['DaemonSet'], elsewhere: [] });
    expect(availability('apps/v1', 'CronJob', 35)).toEqual({ status: 'unknown-kind', kinds: [], elsewhere: ['batch/v1'] });
    expect(availability('cert-manager.io/v1', 'Certificate', 35)).toEqual({ status: 'custom', group: 'cert-manager.io', version: 'v1' });
    expect(availability('monitoring.coreos.com/v1', 'DaemonSet', 35).status).toBe('custom');
    expect(availability('resource.k8s.io/v1alpha3', 'DeviceTaintRule', 35)).toEqual({ status: 'served' });
    expect(availability('v1', 'ConfigMapList', 35)).toEqual({ status: 'served' });
    expect(parseApiVersion('apps/v1/x')).toBeUndefined();
  });

  it('suggests a built-in group for a near-miss custom-looking group only when the kind fits', () => {
    expect(builtinLookalike('rbac.authorisation.k8s.io', 'v1', 'ClusterRole', 35)).toBe('rbac.authorization.k8s.io/v1');
    expect(builtinLookalike('apps.kruise.io', 'v1alpha1', 'DaemonSet', 35)).toBeUndefined();
    expect(builtinLookalike('networking.x-k8s.io', 'v1', 'Gateway', 35)).toBeUndefined();
  });

  it('lists the apiVersions serving a kind, stable first', () => {
    expect(apiVersionsServing('CronJob', 22)).toEqual(['batch/v1', 'batch/v1beta1']);
    expect(isServed('batch/v1beta1', 'CronJob', 25)).toBe(false);
  });
});
