/**
 * Input generators for the fuzz tests (test/fuzz.test.ts, scripts/fuzz.mjs): YAML-ish random text and structured
 * mutations of real manifests (delete, retype, duplicate, move fields) plus line-level edits that break the syntax.
 * Everything is driven by a seeded PRNG so a failing case can be regenerated from its seed.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parseAllDocuments, stringify } from 'yaml';
import { CORPUS_ROOT } from './helpers/sarif.js';
import { rng as prng } from './helpers/random.js';

export const CORPUS = join(CORPUS_ROOT, 'real');

export function corpusFiles(): { name: string; text: string }[] {
  return readdirSync(CORPUS)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((name) => ({ name, text: readFileSync(join(CORPUS, name), 'utf8') }));
}


const pick = <T>(rnd: () => number, xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;

/** Values a field may be retyped to: every JSON type, edge numbers, YAML 1.1 lookalikes, capability-ish strings. */
const ODD_VALUES: readonly unknown[] = [
  0, -1, 1.5, 65536, -80, 2 ** 53, 1e308, '', 'x', '0x1F', 'yes', 'on', '~', 'null', '*', '{{ .Values.x }}', 'SYS_ADMIN', 'CAP_NET_RAW',
  true, false, null, [], {}, [1], ['a', null], { a: 1 }, { matchLabels: 5 }, [{ name: 7 }], 'a'.repeat(300), '\u0000\u001b[31m', '../../etc/passwd',
];

type Container = Record<string, unknown> | unknown[];
type Loc = { parent: Container; key: string | number };

/** Every (container, key) pair inside `root`. */
function locations(root: unknown): Loc[] {
  const out: Loc[] = [];
  const stack: unknown[] = [root];
  while (stack.length) {
    const node = stack.pop();
    if (Array.isArray(node)) node.forEach((v, i) => (out.push({ parent: node, key: i }), stack.push(v)));
    else if (node && typeof node === 'object') for (const [k, v] of Object.entries(node)) out.push({ parent: node as Container, key: k }), stack.push(v);
  }
  return out;
}

const get = (l: Loc) => (l.parent as Record<string | number, unknown>)[l.key];
function set(l: Loc, v: unknown): void {
  (l.parent as Record<string | number, unknown>)[l.key] = v;
}
function remove(l: Loc): void {
  if (Array.isArray(l.parent)) l.parent.splice(l.key as number, 1);
  else delete (l.parent as Record<string, unknown>)[l.key as string];
}
const clone = (v: unknown): unknown => (v === undefined ? undefined : JSON.parse(JSON.stringify(v)));

export const STRUCTURAL = ['delete', 'retype', 'duplicate', 'move'] as const;
export const TEXTUAL = ['drop-line', 'repeat-line', 'swap-lines', 'reindent', 'insert-token', 'truncate', 'crlf-bom'] as const;
export type Mutation = (typeof STRUCTURAL)[number] | (typeof TEXTUAL)[number];

/** Apply one structural mutation to a decoded document, in place (a no-op on scalars). */
export function mutateValue(root: unknown, op: (typeof STRUCTURAL)[number], rnd: () => number): unknown {
  const locs = locations(root);
  if (!locs.length) return op === 'retype' ? clone(pick(rnd, ODD_VALUES)) : root;
  const at = pick(rnd, locs);
  switch (op) {
    case 'delete':
      remove(at);
      break;
    case 'retype':
      set(at, clone(pick(rnd, ODD_VALUES)));
      break;
    case 'duplicate': {
      const copy = clone(get(at));
      if (Array.isArray(at.parent)) at.parent.push(copy);
      else {
        // Same value under a sibling key, or the same key one level up (a field in the wrong place).
        const target = pick(rnd, locs.filter((l) => !Array.isArray(l.parent)));
        (target.parent as Record<string, unknown>)[String(at.key)] = copy;
      }
      break;
    }
    case 'move': {
      const value = get(at);
      remove(at);
      const targets = locations(root).filter((l) => get(l) !== null && typeof get(l) === 'object');
      if (!targets.length) break;
      const dest = get(pick(rnd, targets)) as Container;
      if (Array.isArray(dest)) dest.push(value);
      else dest[String(at.key)] = value;
      break;
    }
  }
  return root;
}

const TOKENS = [':', ': ', '- ', '[', ']', '{', '}', ',', '&a ', '*a', '<<: *a', '!!str ', '!!binary ', '? ', '|', '>-', '"', "'", '#', '\t', '---', '...', '%YAML 1.1', '\\', '\u00e9', '\ud83d\ude00', '\ufeff', '\r', '{{ x }}', 'null', '~', '0o17', '.inf'];

/** Apply one line-level mutation to YAML text. */
export function mutateText(text: string, op: (typeof TEXTUAL)[number], rnd: () => number): string {
  const lines = text.split('\n');
  const i = Math.floor(rnd() * lines.length);
  const j = Math.floor(rnd() * lines.length);
  switch (op) {
    case 'drop-line':
      lines.splice(i, 1);
      break;
    case 'repeat-line':
      lines.splice(i, 0, lines[i]!);
      break;
    case 'swap-lines':
      [lines[i], lines[j]] = [lines[j]!, lines[i]!];
      break;
    case 'reindent':
      lines[i] = ' '.repeat(Math.floor(rnd() * 7)) + lines[i]!.trimStart();
      break;
    case 'insert-token': {
      const line = lines[i]!;
      const at = Math.floor(rnd() * (line.length + 1));
      lines[i] = line.slice(0, at) + pick(rnd, TOKENS) + line.slice(at);
      break;
    }
    case 'truncate':
      return text.slice(0, Math.floor(rnd() * text.length));
    case 'crlf-bom':
      return '\ufeff' + lines.join('\r\n');
  }
  return lines.join('\n');
}

/** The documents of a manifest file as plain values (the yaml library, YAML 1.1; empty on a syntax error). */
export function decode(text: string): unknown[] {
  try {
    const docs = parseAllDocuments(text, { version: '1.1', logLevel: 'silent' });
    if (!Array.isArray(docs) || docs.some((d) => d.errors.length)) return [];
    return docs.map((d) => d.toJS({ maxAliasCount: 1000 }));
  } catch {
    return [];
  }
}

/**
 * `decode(text)` as a fresh copy (the mutations change it in place): each corpus file is parsed once, however many
 * ways and seeds mutate it. structuredClone keeps shared references (aliases) shared, as a new decode would.
 */
const decoded = new Map<string, unknown[]>();
function decodeCached(text: string): unknown[] {
  let docs = decoded.get(text);
  if (!docs) decoded.set(text, (docs = decode(text)));
  return structuredClone(docs);
}

const encoded = new Map<string, string>();
/** `encode(docs)` for the unmutated decoding of `text`, computed once per text. */
function encodeCached(text: string, docs: unknown[]): string {
  let out = encoded.get(text);
  if (out === undefined) encoded.set(text, (out = encode(docs)));
  return out;
}

export function encode(docs: unknown[]): string {
  return docs.map((d) => stringify(d, { version: '1.1', aliasDuplicateObjects: false, lineWidth: 0 })).join('---\n');
}

/** The `way`-th mutation of a manifest file (way 0-9 cover every structural op, combinations and text edits). */
export function mutateFile(text: string, way: number, seed: number): string {
  const rnd = prng(seed * 1000 + way);
  const plan: Mutation[][] = [
    ['delete'],
    ['retype'],
    ['duplicate'],
    ['move'],
    ['delete', 'retype', 'move'],
    ['retype', 'retype', 'duplicate', 'crlf-bom'],
    ['drop-line', 'repeat-line'],
    ['swap-lines', 'reindent'],
    ['insert-token', 'insert-token'],
    ['move', 'truncate'],
  ];
  let docs = decodeCached(text);
  let out: string | undefined;
  let pristine = true; // docs is still the decoded text: its encoding is cached.
  for (const op of plan[way % plan.length]!) {
    if ((STRUCTURAL as readonly string[]).includes(op)) {
      if (!docs.length) docs = [{}];
      const d = Math.floor(rnd() * docs.length);
      docs[d] = mutateValue(docs[d], op as (typeof STRUCTURAL)[number], rnd);
      out = undefined;
      pristine = false;
    } else {
      out = mutateText(out ?? (pristine ? encodeCached(text, docs) : encode(docs)), op as (typeof TEXTUAL)[number], rnd);
    }
  }
  return out ?? encode(docs);
}

/** fast-check: YAML-shaped random text (tokens, indentation, Kubernetes keys) and arbitrary unicode. */
export const yamlishText: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .array(
        fc.oneof(
          fc.constantFrom(...TOKENS, '\n', '\n  ', '\n    ', '\n- ', 'apiVersion: apps/v1\n', 'kind: DaemonSet\n', 'kind: Service\n', 'metadata:\n  name: x\n', 'spec:\n', '  template:\n', '    spec:\n', '      containers:\n', 'hostNetwork: true', 'selector: ', 'ports: ', 'a', 'name', '80'),
          fc.string({ maxLength: 6 }),
        ),
        { maxLength: 60 },
      )
      .map((xs) => xs.join('')),
  },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
);

/** fast-check: a corpus manifest with one to four random structural or textual mutations. */
export function mutatedManifest(files: { name: string; text: string }[]): fc.Arbitrary<{ name: string; text: string; seed: number; way: number }> {
  return fc.record({ index: fc.nat({ max: files.length - 1 }), seed: fc.nat(), way: fc.nat({ max: 9 }) }).map(({ index, seed, way }) => ({
    name: files[index]!.name,
    text: mutateFile(files[index]!.text, way, seed),
    seed,
    way,
  }));
}

// ---------------------------------------------------------------------------------------------------------------
// Generators for the reliability harness (test/fuzz-harness.test.ts).

/** Ways a file is written: block YAML (with comments), one-line flow parts, pretty or compact JSON, CRLF, a BOM. */
export const STYLES = ['yaml', 'yaml-comments', 'yaml-crlf', 'yaml-bom', 'json', 'json-compact', 'json-crlf'] as const;
export type Style = (typeof STYLES)[number];

/** A DaemonSet (or Pod) with a random set of the mistakes that have fixes, written in a random style. */
export function fixableManifest(seed: number, style: Style): { name: string; text: string } {
  const rnd = prng(seed);
  const yes = (p = 0.5) => rnd() < p;
  const name = `agent-${seed % 1000}`;
  const container: Record<string, unknown> = { name: 'agent', image: 'example/agent:1.0' };
  if (yes(0.4)) container.securityContext = { capabilities: { add: pick(rnd, [['CAP_NET_ADMIN'], ['CAP_SYS_TIME', 'NET_RAW'], ['cap_net_bind_service']]) } };
  if (yes(0.3)) container.securityContext = { privileged: true, capabilities: { add: ['NET_ADMIN'] } };
  if (yes(0.3)) container.imagePullPolicty = 'Always';
  if (yes(0.3)) container.ports = [{ containerPort: 9100, hostPort: 9100 }];
  const podSpec: Record<string, unknown> = { containers: [container] };
  if (yes()) podSpec.restartPolicy = pick(rnd, ['Never', 'OnFailure', 'Always']);
  if (yes(0.3)) podSpec.activeDeadlineSeconds = 600;
  if (yes(0.4)) podSpec.hostNetwork = true;
  if (yes(0.2)) podSpec.hostnetwork = true; // a rename that must stay unapplied (it changes what the Pod may do)
  const template: Record<string, unknown> = { metadata: { labels: { app: name } }, spec: podSpec };
  if (yes(0.3)) template.tolerations = [{ operator: 'Exists' }];
  const spec: Record<string, unknown> = { selector: { matchLabels: { app: name } }, template };
  if (yes(0.3)) spec.replicas = 3;
  if (yes(0.3)) spec.updateStrategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: pick(rnd, [0, 1]) } };
  const obj = { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name, namespace: 'kube-system' }, spec };
  const docs = yes(0.3) ? [obj, { ...obj, metadata: { name: `${name}-b`, namespace: 'kube-system' } }] : [obj];
  let text: string;
  if (style.startsWith('json')) {
    text = docs.map((d) => (style === 'json-compact' ? JSON.stringify(d) : JSON.stringify(d, null, pick(rnd, [2, 4])))).join('\n') + '\n';
    if (style === 'json-crlf') text = text.replace(/\n/g, '\r\n');
    return { name: `${name}.json`, text };
  }
  text = encode(docs);
  if (style === 'yaml-comments' || style === 'yaml-crlf') {
    // A comment after some values and on lines of their own (never inside a block scalar: there are none here).
    text = text
      .split('\n')
      .map((l, i) => (l.trim() && !l.trimEnd().endsWith(':') && rnd() < 0.3 ? `${l}  # note ${i}` : rnd() < 0.1 && l.trim() ? `${' '.repeat(l.length - l.trimStart().length)}# above ${i}\n${l}` : l))
      .join('\n');
  }
  if (style === 'yaml-crlf') text = text.replace(/\n/g, '\r\n');
  if (style === 'yaml-bom') text = '\ufeff' + text;
  return { name: `${name}.yaml`, text };
}

/** `n` files of DaemonSets, Deployments and Services with overlapping labels, selectors and ports: work for the cross-resource rules. */
export function crossResourceFiles(n: number, seed: number): { name: string; text: string }[] {
  const rnd = prng(seed);
  const apps = ['web', 'agent', 'logs', 'dns', 'metrics'];
  const files: { name: string; text: string }[] = [];
  for (let i = 0; i < n; i++) {
    const ns = pick(rnd, ['default', 'kube-system', 'logging']);
    const app = pick(rnd, apps);
    const port = pick(rnd, [80, 8080, 9100, 10250, 24224]);
    const kind = pick(rnd, ['DaemonSet', 'DaemonSet', 'Deployment', 'Service']);
    let obj: unknown;
    if (kind === 'Service') {
      obj = {
        apiVersion: 'v1',
        kind,
        metadata: { name: `${app}-${i}`, namespace: ns },
        spec: { selector: { app }, internalTrafficPolicy: pick(rnd, ['Local', 'Cluster']), ports: [{ name: 'p', port, targetPort: pick(rnd, [port, 'p', 'other']) }] },
      };
    } else {
      const podSpec: Record<string, unknown> = {
        containers: [{ name: 'c', image: 'x:1', ports: [{ name: 'p', containerPort: port, ...(rnd() < 0.5 ? { hostPort: port } : {}) }] }],
      };
      if (rnd() < 0.3) podSpec.nodeSelector = { 'example.com/pool': pick(rnd, ['a', 'b']) };
      if (rnd() < 0.3) podSpec.tolerations = [{ operator: 'Exists' }];
      if (rnd() < 0.2) podSpec.hostNetwork = true;
      obj = {
        apiVersion: 'apps/v1',
        kind,
        metadata: { name: `${app}-${i}`, namespace: ns },
        spec: { selector: { matchLabels: { app } }, template: { metadata: { labels: { app, tier: pick(rnd, ['a', 'b']) } }, spec: podSpec } },
      };
    }
    files.push({ name: `f${String(i).padStart(5, '0')}.yaml`, text: encode([obj]) });
  }
  return files;
}

/** A config file: a valid one, mutated like a manifest, or YAML-shaped noise. */
export function configText(seed: number): string {
  const rnd = prng(seed);
  const valid = {
    rules: { 'host-network': pick(rnd, ['error', 'off', 'warning']), 'sensitive-host-path': ['error', { extraPaths: ['/opt'] }] },
    overrides: [{ files: ['legacy/', '**/*.test.yaml'], rules: { 'restart-policy': 'off' } }],
    ignore: ['vendor/'],
    waivers: [{ kind: 'DaemonSet', name: 'node-exporter', rules: ['host-pid'], reason: 'reads /proc' }],
    failOn: 'warning',
    extends: pick(rnd, [[], ['./base.yaml'], '/etc/passwd', '../../outside.yaml', './fifo.yaml']),
  };
  let docs: unknown[] = [valid];
  const ops = STRUCTURAL;
  for (let i = Math.floor(rnd() * 3); i > 0; i--) docs = [mutateValue(docs[0], pick(rnd, ops), rnd)];
  let text = encode(docs);
  for (let i = Math.floor(rnd() * 2); i > 0; i--) text = mutateText(text, pick(rnd, TEXTUAL), rnd);
  return text;
}
