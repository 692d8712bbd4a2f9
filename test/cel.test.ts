import { describe, expect, it } from 'vitest';
import { CostMeter, EvalContext, compile, evaluate, toCelInput, type Outcome, type Program } from '../src/cel/index.js';

const OBJECT = toCelInput({
  apiVersion: 'apps/v1',
  kind: 'DaemonSet',
  metadata: { name: 'agent', labels: { app: 'agent' } },
  spec: { template: { spec: { containers: [{ name: 'a', image: 'registry.example.com/agent:1.2' }, { name: 'b', image: 'docker.io/busybox' }] } } },
});

function program(source: string, variables: string[] = ['object'], exprVariables?: string[]): Program {
  const c = compile(source, { variables, exprVariables, readRoots: ['object'] });
  if (!c.ok) throw new Error(c.error.message);
  return c.program;
}

function run(source: string, bindings: Record<string, unknown> = { object: OBJECT }, meter?: CostMeter): Outcome {
  return evaluate(program(source, Object.keys(bindings)), new EvalContext(bindings as never, meter));
}

function value(source: string): unknown {
  const o = run(source);
  if (!o.ok) throw new Error(o.error);
  return o.value;
}

function compileError(source: string, variables = ['object']) {
  const c = compile(source, { variables });
  if (c.ok) throw new Error(`${source} compiled`);
  return c.error;
}

describe('CEL engine', () => {
  it('evaluates over decoded YAML: maps, lists, whole numbers as int, has()', () => {
    expect(value("object.metadata.labels['app'] == 'agent'")).toBe(true);
    expect(value('size(object.spec.template.spec.containers)')).toBe(2n);
    expect(value("object.spec.template.spec.containers.all(c, c.image.startsWith('registry.example.com/'))")).toBe(false);
    expect(value("object.spec.template.spec.containers.exists(c, c.name == 'b')")).toBe(true);
    expect(value('has(object.spec.template.spec.hostNetwork)')).toBe(false);
    expect(value('has(object.metadata.labels.app)')).toBe(true);
    expect(run('object.spec.replicas + 1', { object: toCelInput({ spec: { replicas: 2 } }) })).toEqual({ ok: true, value: 3n });
    expect(run('object.spec.ratio * 2.0', { object: toCelInput({ spec: { ratio: 0.25 } }) })).toEqual({ ok: true, value: 0.5 });
  });

  it('reports a missing field as an evaluation error, not a crash', () => {
    const o = run('object.spec.hostNetwork == true');
    expect(o.ok).toBe(false);
    expect(!o.ok && o.error).toMatch(/hostNetwork/);
  });

  it('rejects syntax errors with their offset', () => {
    const e = compileError('object.spec.x ==');
    expect(e.message).toMatch(/^syntax error/);
    expect(e.offset).toBeGreaterThanOrEqual(14);
    const multi = compileError("object.metadata.name == 'a' &&\n  object.spec.(");
    // On the second line, at the selection that has no field name.
    expect(multi.offset).toBe("object.metadata.name == 'a' &&\n  object.spec".length);
  });

  it('rejects undeclared names and unknown functions, suggesting the closest one', () => {
    expect(compileError('objekt.spec')).toMatchObject({ message: 'undeclared reference to "objekt"; did you mean "object"?', offset: 0 });
    expect(compileError("object.metadata.name.startWith('a')")).toMatchObject({ message: 'unknown function .startWith(); did you mean startsWith()?', offset: 20 });
    expect(compileError('object.spec.template.spec.containers.all(c)').message).toBe('all is a macro: write list.all(x, predicate)');
  });

  it('names what daemonlint cannot evaluate: the authorizer, optional syntax, two-variable macros', () => {
    expect(compileError("authorizer.group('apps').check('create').allowed()", ['object', 'authorizer'].slice(0, 1))).toMatchObject({ unsupported: true, message: expect.stringMatching(/^authorizer: .*live API server/) });
    expect(compileError('object.?spec.?replicas')).toMatchObject({ unsupported: true, offset: 6, message: expect.stringMatching(/optional syntax/) });
    expect(compileError("object.metadata.labels.all(k, v, v != '')")).toMatchObject({ unsupported: true, message: expect.stringMatching(/two-variable/) });
    expect(compileError('math.greatest(1, 2)')).toMatchObject({ unsupported: true });
  });

  it('checks constant regular expressions when compiling (RE2 syntax)', () => {
    expect(compileError("object.metadata.name.matches('(')").message).toMatch(/^invalid regular expression "\(": /);
    // Backreferences and look-arounds are not RE2.
    expect(compileError("object.metadata.name.matches('(a)\\\\1')").message).toMatch(/invalid regular expression/);
    expect(compileError("object.metadata.name.matches('a(?=b)')").message).toMatch(/invalid regular expression/);
  });

  it('supports cel.bind', () => {
    expect(value("cel.bind(images, object.spec.template.spec.containers.map(c, c.image), images.size() == 2 && images[1] == 'docker.io/busybox')")).toBe(true);
  });

  it('collects the object fields an expression reads', () => {
    expect(program('object.spec.replicas <= 5').reads).toEqual([{ root: 'object', path: ['spec', 'replicas'] }]);
    expect(program("has(object.metadata.labels) && 'env' in object.metadata.labels").reads).toEqual([
      { root: 'object', path: ['metadata', 'labels'] },
      { root: 'object', path: ['metadata', 'labels'] },
    ]);
    expect(program("object.metadata.labels['app.kubernetes.io/name'] == 'x'").reads).toEqual([{ root: 'object', path: ['metadata', 'labels', 'app.kubernetes.io/name'] }]);
    expect(program('object.spec.template.spec.containers.all(c, c.image != "")').reads).toEqual([{ root: 'object', path: ['spec', 'template', 'spec', 'containers'] }]);
  });

  it('evaluates variables lazily, once, and reports their errors where they are used', () => {
    let evaluations = 0;
    const vars = new Map<string, Program>([
      ['images', program('object.spec.template.spec.containers.map(c, c.image)')],
      ['broken', program('object.spec.missing')],
    ]);
    const counting = new Map([...vars].map(([k, p]) => [k, { ...p, run: (b: never) => (evaluations++, p.run(b)) } as Program]));
    const p = program("variables.images.size() == 2 && variables.images.exists(i, i.startsWith('docker.io/'))", ['object', 'variables'], ['images', 'broken']);
    expect(evaluate(p, new EvalContext({ object: OBJECT, variables: new Map() }, undefined, counting))).toEqual({ ok: true, value: true });
    expect(evaluations).toBe(1);
    // An unused broken variable is never evaluated; a used one fails the expression that uses it.
    const q = program('variables.broken == 1 || true', ['object', 'variables'], ['images', 'broken']);
    expect(evaluate(q, new EvalContext({ object: OBJECT, variables: new Map() }, undefined, vars))).toEqual({ ok: true, value: true });
    const r = program('variables.broken == 1', ['object', 'variables'], ['images', 'broken']);
    expect(evaluate(r, new EvalContext({ object: OBJECT, variables: new Map() }, undefined, vars)).ok).toBe(false);
    expect(compile('variables.nope', { variables: ['object', 'variables'], exprVariables: ['images'] })).toMatchObject({ ok: false, error: { message: 'no variable named "nope" (defined: images)' } });
  });
});

describe('CEL cost limit', () => {
  const tenNested = (depth: number) => {
    let e = 'true';
    for (let i = 0; i < depth; i++) e = `[0,1,2,3,4,5,6,7,8,9].all(v${i}, ${e})`;
    return e;
  };

  it('stops nested macros that would run for a very long time', () => {
    // 10^9 loop steps without the limit.
    const o = run(tenNested(9));
    expect(o).toMatchObject({ ok: false, costExceeded: true });
    expect(!o.ok && o.error).toMatch(/cost budget of 1000000/);
  });

  it('stops strings that double on each step (exponential memory)', () => {
    let e = "'ab'";
    for (let i = 0; i < 60; i++) e = `cel.bind(s${i}, ${e}, s${i} + s${i})`;
    expect(run(e)).toMatchObject({ ok: false, costExceeded: true });
  });

  it('is an error even when a logical operator would absorb the failing branch', () => {
    expect(run(`${tenNested(9)} || true`)).toMatchObject({ ok: false, costExceeded: true });
  });

  it('leaves ordinary expressions far below the budget', () => {
    const meter = new CostMeter();
    expect(run("object.spec.template.spec.containers.all(c, c.image.contains('/') && size(c.name) < 64)", { object: OBJECT }, meter)).toEqual({ ok: true, value: true });
    expect(meter.used).toBeLessThan(50);
    expect(run(tenNested(3))).toEqual({ ok: true, value: true });
  });

  it('honours a smaller budget', () => {
    expect(run(tenNested(3), { object: OBJECT }, new CostMeter(100))).toMatchObject({ ok: false, costExceeded: true });
  });
});
