// The schema rule: messages, fixes, bundled kinds and the lazily loaded validators.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSource } from '../src/load/parse.js';
import { createRun, lintAsync } from '../src/engine/lint.js';
import { SCHEMA_VERSIONS, bundleVersion, definitionOf, loadValidators } from '../src/schema/index.js';
import { nearMisses } from '../src/schema/explain.js';
import { editDistance } from '../src/util/suggest.js';
import { KINDS } from '../schemas/k8s/1.35/index.js';
import schemaRule from '../rules/schema.js';
import type { Finding } from '../src/types.js';

const FIXTURES = join(import.meta.dirname, 'fixtures', 'schema');

async function lintText(text: string, path = 'test.yaml', kubeVersion = '1.35'): Promise<Finding[]> {
  const { findings, internalErrors } = await lintAsync([parseSource({ path, text })], { rules: [schemaRule], kubeVersion });
  if (internalErrors.length) throw internalErrors[0]!.error;
  return findings;
}

async function lintFixture(name: string): Promise<Finding[]> {
  return lintText(readFileSync(join(FIXTURES, name), 'utf8'), name);
}

function at(findings: Finding[], line: number): Finding {
  const here = findings.filter((f) => f.line === line);
  expect(here, `exactly one finding on line ${line}`).toHaveLength(1);
  return here[0]!;
}

describe('supported versions', () => {
  it('bundles the Kubernetes 1.35 schemas and uses them for every supported target version', () => {
    expect(SCHEMA_VERSIONS).toEqual(['1.35']);
    expect(bundleVersion('1.35')).toBe('1.35');
    expect(bundleVersion('v1.35.1')).toBe('1.35');
    expect(bundleVersion('1.30')).toBe('1.35');
    expect(bundleVersion('1.16')).toBe('1.35');
    expect(bundleVersion('1.15')).toBeUndefined();
    expect(bundleVersion('1.99')).toBeUndefined();
  });

  it('knows built-in kinds and nothing else', () => {
    expect(definitionOf('1.35', 'apps/v1', 'DaemonSet')).toBe('io.k8s.api.apps.v1.DaemonSet');
    expect(definitionOf('1.35', 'v1', 'Service')).toBe('io.k8s.api.core.v1.Service');
    expect(definitionOf('1.35', 'monitoring.coreos.com/v1', 'ServiceMonitor')).toBeUndefined();
    expect(definitionOf('1.35', 'extensions/v1beta1', 'DaemonSet')).toBeUndefined();
    expect(definitionOf('1.35', 'v1', 'toString')).toBeUndefined();
  });

  it('loads validators per API group, only for groups asked for', async () => {
    const apps = await loadValidators('1.35', 'apps/v1');
    expect(Object.keys(apps!).sort()).toEqual(Object.keys(KINDS['apps/v1']!).sort());
    expect(await loadValidators('1.35', 'example.com/v1')).toBeUndefined();
    expect(await loadValidators('1.99', 'apps/v1')).toBeUndefined();
  });

  it('checks an older target version against the 1.35 schemas and says so', async () => {
    const findings = await lintText('apiVersion: apps/v1\nkind: DaemonSet\nspec:\n  replicas: 2\n', 't.yaml', '1.20');
    expect(findings.map((f) => f.line)).toContain(4);
    for (const f of findings) expect(f.message).toMatch(/strict schema of Kubernetes 1\.35; the target is 1\.20\)$/);
    for (const f of await lintText('apiVersion: apps/v1\nkind: DaemonSet\nspec:\n  replicas: 2\n')) expect(f.message).not.toMatch(/the target is/);
  });
});

describe('a valid manifest of every bundled kind', () => {
  it('covers every kind and passes with no finding', async () => {
    const text = readFileSync(join(FIXTURES, 'valid-all-kinds.yaml'), 'utf8');
    const file = parseSource({ path: 'valid-all-kinds.yaml', text });
    const present = new Set(file.manifests.map((m) => `${m.ref.apiVersion} ${m.ref.kind}`));
    const bundled = Object.entries(KINDS).flatMap(([av, kinds]) => Object.keys(kinds).map((k) => `${av} ${k}`));
    expect(bundled.filter((k) => !present.has(k)), 'kinds without an example').toEqual([]);
    // Each object really went through its compiled validator and passed.
    const run = createRun([file], { kubeVersion: '1.35' });
    await schemaRule.prepare!(run);
    for (const m of file.manifests) {
      const validate = (await loadValidators('1.35', m.ref.apiVersion))![m.ref.kind]!;
      expect(validate(m.object), `${m.ref.kind}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
    const { findings } = await lintAsync([file], { rules: [schemaRule] });
    expect(findings).toEqual([]);
  });
});

describe('misplaced fields', () => {
  it('tolerations under spec.template belong in spec.template.spec', async () => {
    const f = at(await lintFixture('invalid-misplaced.yaml'), 12);
    expect(f.message).toBe('`tolerations` is not a field of `spec.template` (PodTemplateSpec); it belongs in `spec.template.spec.tolerations`.');
    expect(f.column).toBe(5);
    expect(f.fix?.edits).toEqual([{ op: 'move', from: ['spec', 'template', 'tolerations'], to: ['spec', 'template', 'spec', 'tolerations'] }]);
  });

  it('containers under spec.template move to spec.template.spec.containers', async () => {
    const f = at(await lintFixture('invalid-misplaced.yaml'), 29);
    expect(f.message).toContain('it belongs in `spec.template.spec.containers`');
    expect(f.fix).toEqual({
      description: 'Move containers to spec.template.spec.containers',
      edits: [{ op: 'move', from: ['spec', 'template', 'containers'], to: ['spec', 'template', 'spec', 'containers'] }],
    });
  });

  it('spec.spec in a DaemonSet is the Pod spec indented one level too shallow (and not also a missing template)', async () => {
    const findings = (await lintFixture('invalid-misplaced.yaml')).filter((f) => f.object?.name === 'pod-spec-too-shallow');
    expect(findings).toHaveLength(1);
    expect(findings[0]!.line).toBe(40);
    expect(findings[0]!.message).toMatch(/indented one level too shallow/);
    expect(findings[0]!.message).toContain('`spec.template.spec`');
    expect(findings[0]!.fix?.edits).toEqual([{ op: 'move', from: ['spec', 'spec'], to: ['spec', 'template', 'spec'] }]);
  });

  it('labels beside metadata, and a Pod field inside a container', async () => {
    const findings = await lintFixture('invalid-misplaced.yaml');
    expect(at(findings, 53).message).toContain('it belongs in `spec.template.metadata.labels`');
    expect(at(findings, 59).message).toBe(
      '`hostNetwork` is not a field of `spec.template.spec.containers[0]` (Container); it belongs in `spec.template.spec.hostNetwork`.',
    );
  });

  it('does not offer a move onto a field that is already set', async () => {
    const text = `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: a}
spec:
  selector: {matchLabels: {app: a}}
  template:
    metadata: {labels: {app: a}}
    tolerations: [{operator: Exists}]
    spec:
      tolerations: [{key: x, operator: Exists}]
      containers: [{name: a, image: a}]
`;
    const [f, ...rest] = await lintText(text);
    expect(rest).toEqual([]);
    expect(f!.line).toBe(8);
    expect(f!.message).toContain('already set');
    expect(f!.fix).toBeUndefined();
  });

  it('names each list element when the destination is in a list with several entries', async () => {
    const text = `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  readOnlyRootFilesystem: true
  containers:
    - {name: a, image: a}
    - {name: b, image: b}
`;
    const [f, ...rest] = await lintText(text);
    expect(rest).toEqual([]);
    expect(f!.line).toBe(5);
    expect(f!.message).toContain('`spec.containers[*].securityContext.readOnlyRootFilesystem`');
    expect(f!.fix).toBeUndefined();
  });
});

describe('DaemonSet specifics', () => {
  it('replicas: one Pod per eligible node, no replica count', async () => {
    const findings = await lintFixture('invalid-replicas.yaml');
    expect(findings).toHaveLength(1);
    const f = at(findings, 6);
    expect(f.message).toMatch(/runs one Pod on every eligible node, so it has no replica count/);
    expect(f.fix?.edits).toEqual([{ op: 'delete', path: ['spec', 'replicas'] }]);
  });
});

describe('misspelt fields', () => {
  it('suggests the closest field name', async () => {
    const findings = await lintFixture('invalid-typos.yaml');
    expect(findings).toHaveLength(4);
    const c = at(findings, 12);
    expect(c.message).toBe('`contianers` is not a field of `spec.template.spec` (PodSpec); did you mean `containers`?');
    expect(c.fix?.edits).toEqual([{ op: 'move', from: ['spec', 'template', 'spec', 'contianers'], to: ['spec', 'template', 'spec', 'containers'] }]);
    expect(at(findings, 30).message).toContain('did you mean `imagePullPolicy`?');
    expect(at(findings, 31).message).toContain('did you mean `readinessProbe`?');
    expect(at(findings, 33).message).toMatch(/`frobnicate` is not a field of `spec\.template\.spec\.containers\[0\]` \(Container\), and kubectl rejects unknown fields/);
    expect(at(findings, 33).fix).toBeUndefined();
  });

  it('measures distance with transpositions', () => {
    expect(editDistance('contianers', 'containers')).toBe(1);
    expect(editDistance('imagePullPolicty', 'imagePullPolicy')).toBe(1);
    expect(nearMisses('contianers', ['containers', 'initContainers', 'volumes'])).toEqual(['containers']);
    expect(nearMisses('xyz', ['containers'])).toEqual([]);
  });
});

describe('wrong types', () => {
  it('YAML 1.1 booleans must be quoted', async () => {
    const findings = await lintFixture('invalid-types.yaml');
    const yes = at(findings, 20);
    expect(yes.message).toBe(
      '`spec.template.spec.containers[0].env[0].value` must be a string, but YAML 1.1 (which kubectl uses) reads the unquoted `yes` as the boolean true. Quote the value: `"yes"`.',
    );
    expect(yes.column).toBe(22);
    expect(at(findings, 22).message).toContain('the unquoted `on` as the boolean true. Quote the value: `"on"`');
  });

  it('names the expected and the found type', async () => {
    const findings = await lintFixture('invalid-types.yaml');
    expect(at(findings, 6).message).toBe('`metadata.labels.version` must be a string, but it is a number (`1.0`). Quote the value to keep it text: `"1.0"`.');
    expect(at(findings, 14).message).toContain('must be a boolean (true or false), but it is a string');
    expect(at(findings, 24).message).toContain('must be a string, but it is a number (`8080`)');
    expect(at(findings, 26).message).toContain('must be an integer, but it is a string (`"9100"`). Remove the quotes.');
    expect(at(findings, 29).message).toContain('is not a valid Kubernetes quantity: `1GB`');
    expect(at(findings, 30).message).toContain('must be a list of VolumeMount mappings, but it is a mapping');
    expect(at(findings, 39).message).toContain('must be base64-encoded');
  });
});

describe('missing required fields', () => {
  it('names the field and the object path, on the parent', async () => {
    const findings = await lintFixture('invalid-required.yaml');
    expect(findings).toHaveLength(3);
    expect(at(findings, 5).message).toMatch(/^`spec` \(DaemonSetSpec\) is missing the required field `selector`\./);
    expect(at(findings, 11).message).toBe('`spec.template.spec.containers[0]` (Container) is missing the required field `name`.');
    expect(at(findings, 20).message).toBe('`spec.ports[0]` (ServicePort) is missing the required field `port`.');
  });

  it('a misspelt required field is one finding, not two', async () => {
    const findings = (await lintFixture('invalid-typos.yaml')).filter((f) => f.object?.name === 'agent');
    expect(findings.map((f) => f.message)).toEqual(['`contianers` is not a field of `spec.template.spec` (PodSpec); did you mean `containers`?']);
  });

  it('names several missing fields in one finding', async () => {
    const findings = await lintText('apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  replicas: 1\n');
    expect(findings.map((f) => [f.line, f.message])).toEqual([
      [4, '`spec` (DeploymentSpec) is missing the required fields `selector` and `template`. apps/v1 has no default selector: add `selector.matchLabels` with labels of the Pod template.'],
    ]);
  });
});

describe('objects that are not ours to judge', () => {
  it('skips custom resources and apiVersions without a bundled schema', async () => {
    const text = `apiVersion: example.com/v1
kind: Widget
spec: {anything: [1, 2]}
---
apiVersion: apps/v1beta2
kind: DaemonSet
spec: {replicas: 2}
`;
    expect(await lintText(text)).toEqual([]);
  });

  it('accepts null for any field, as the API server does', async () => {
    const text = `apiVersion: v1
kind: Service
metadata: {name: s, creationTimestamp: null, labels: null}
spec:
  selector: null
  ports: [{port: 80, targetPort: null}]
status: {}
`;
    expect(await lintText(text)).toEqual([]);
  });
});
