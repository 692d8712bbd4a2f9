// CEL rules over one value (`self`, optionally `oldSelf`), the API the CRD schema checks use for x-kubernetes-validations.
import { describe, expect, it } from 'vitest';
import { selfRuleEvaluator } from '../src/cel/index.js';
import * as policy from '../src/policy/index.js';

const SPEC = { replicas: 3, maxReplicas: 5, image: 'registry.example.com/agent:1.2', ports: [{ port: 80 }, { port: 8443 }], ratio: 0.5 };

describe('selfRuleEvaluator', () => {
  it('says whether a rule holds for self: true, false', () => {
    const cel = selfRuleEvaluator();
    expect(cel.check('self.replicas <= self.maxReplicas', SPEC)).toBe(true);
    expect(cel.check('self.replicas <= self.maxReplicas', { ...SPEC, replicas: 8 })).toBe(false);
    expect(cel.check("self.image.startsWith('registry.example.com/')", SPEC)).toBe(true);
    expect(cel.check('self.ports.all(p, p.port > 1024)', SPEC)).toBe(false);
    expect(cel.check("!has(self.hostNetwork) && self.ratio < 1.0", SPEC)).toBe(true);
    // self may be any value: a list, a string, a number.
    expect(cel.check('self.size() <= 2', SPEC.ports)).toBe(true);
    expect(cel.check("self.matches('^[a-z.]+/')", SPEC.image)).toBe(true);
    expect(cel.check('self >= 0', -1)).toBe(false);
    // The Kubernetes libraries are there (quantity here).
    expect(cel.check("quantity(self.memory).isLessThan(quantity('1Gi'))", { memory: '512Mi' })).toBe(true);
  });

  it('gives an error, not a verdict, when the rule cannot be decided', () => {
    const cel = selfRuleEvaluator();
    const broken = cel.check('self.replicas <=', SPEC);
    expect(broken).toEqual({ error: expect.stringMatching(/^does not compile \(at character \d+\): syntax error/), stage: 'compile' });
    expect(cel.check('object.spec.replicas > 0', SPEC)).toEqual({ error: expect.stringContaining('undeclared reference to "object"'), stage: 'compile' });
    expect(cel.check('self.replicas', SPEC)).toEqual({ error: 'it gave int 3, not a bool', stage: 'evaluation' });
    expect(cel.check('self.missing == 1', SPEC)).toEqual({ error: expect.stringMatching(/no such key|not found/), stage: 'evaluation' });
  });

  it('binds oldSelf for transition rules only when the previous value is given', () => {
    const cel = selfRuleEvaluator();
    expect(cel.check('self >= oldSelf', 3)).toEqual({ error: 'a transition rule (it reads oldSelf) needs the previous value, which a manifest does not have', stage: 'compile' });
    expect(cel.check('self >= oldSelf', 3, 2)).toBe(true);
    expect(cel.check('self >= oldSelf', 1, 2)).toBe(false);
    // A rule that does not read oldSelf ignores it.
    expect(cel.check('self > 0', 3, 100)).toBe(true);
  });

  it('evaluates message expressions to one line of text', () => {
    const cel = selfRuleEvaluator();
    expect(cel.message("'replicas ' + string(self.replicas) + ' exceed ' + string(self.maxReplicas)", { ...SPEC, replicas: 8 })).toBe('replicas 8 exceed 5');
    expect(cel.message('self.replicas', SPEC)).toEqual({ error: 'it gave int 3, not a string', stage: 'evaluation' });
    expect(cel.message("'two\\nlines'", SPEC)).toEqual({ error: 'it gave an empty or multi-line string', stage: 'evaluation' });
  });

  it('cuts a runaway rule off at its cost budget, and stops evaluating it after a few values', () => {
    const cel = selfRuleEvaluator({ costLimit: 10_000 });
    const runaway = 'self.all(a, self.all(b, self.all(c, a + b + c >= 0)))';
    const list = Array.from({ length: 100 }, (_, i) => i);
    for (let i = 0; i < 3; i++) expect(cel.check(runaway, list)).toEqual({ error: expect.stringContaining('cost budget of 10000'), stage: 'cost' });
    expect(cel.check(runaway, list)).toEqual({ error: 'not evaluated: it exceeded its cost budget on 3 values already', stage: 'cost' });
    // Another evaluator starts afresh; a small list fits the budget.
    expect(selfRuleEvaluator({ costLimit: 10_000 }).check(runaway, [1, 2])).toBe(true);
  });

  it('types numbers by the schema of self when given one', () => {
    const cel = selfRuleEvaluator();
    const schema = { type: 'object', properties: { ratio: { type: 'number' }, items: { type: 'array', items: { type: 'number' } }, byName: { type: 'object', additionalProperties: { type: 'number' } } } };
    // Without the schema a whole number is an int, and int * double has no overload.
    expect(cel.check('self.ratio * 0.5 <= 1.0', { ratio: 1 })).toEqual({ error: expect.stringContaining('no matching overload'), stage: 'evaluation' });
    expect(cel.check('self.ratio * 0.5 <= 1.0', { ratio: 1 }, undefined, schema)).toBe(true);
    expect(cel.check('self.items.all(x, x * 2.0 > 1.0)', { items: [1, 2] }, undefined, schema)).toBe(true);
    expect(cel.check("self.byName['a'] / 2.0 == 0.5", { byName: { a: 1 } }, undefined, schema)).toBe(true);
    expect(cel.message("'ratio ' + string(self.ratio)", { ratio: 2 }, undefined, schema)).toBe('ratio 2');
  });

  it('types strings of format duration, date, date-time and byte as the API server does', () => {
    const cel = selfRuleEvaluator();
    const schema = {
      type: 'object',
      properties: { timeout: { type: 'string', format: 'duration' }, since: { type: 'string', format: 'date' }, at: { type: 'string', format: 'date-time' }, data: { type: 'string', format: 'byte' }, name: { type: 'string' } },
    };
    const value = { timeout: '1m30s', since: '2024-05-01', at: '2024-05-01T12:00:00Z', data: 'aGVsbG8=', name: '1m' };
    expect(cel.check("self.timeout == duration('90s') && self.timeout.getSeconds() == 90", value, undefined, schema)).toBe(true);
    expect(cel.check("self.since < self.at && self.at == timestamp('2024-05-01T12:00:00Z')", value, undefined, schema)).toBe(true);
    expect(cel.check("self.data == b'hello' && self.data.size() == 5", value, undefined, schema)).toBe(true);
    expect(cel.check("self.name == '1m'", value, undefined, schema)).toBe(true);
    expect(cel.check("self.timeout < duration('-1.5h')", { timeout: '-2h' }, undefined, schema)).toBe(true);
    expect(cel.check("self.timeout == duration('0s')", { timeout: '0' }, undefined, schema)).toBe(true);
    expect(cel.check("self.timeout == duration('1.5ms')", { timeout: '1.5ms' }, undefined, schema)).toBe(true);
    // A value that does not parse stays a string (the schema's format check, not the rule, is about it).
    expect(cel.check("self.timeout == 'soon' && self.at == 'today'", { timeout: 'soon', at: 'today' }, undefined, schema)).toBe(true);
  });

  it('names the problems that keep an expression from ever compiling, not the features it lacks', () => {
    const cel = selfRuleEvaluator();
    expect(cel.problem('self.a > 1')).toBeUndefined();
    expect(cel.problem('self.a > 1)')).toEqual({ error: expect.stringMatching(/^at character \d+: syntax error/), stage: 'compile' });
    expect(cel.problem('object.a > 1')).toEqual({ error: expect.stringContaining('undeclared reference to "object"'), stage: 'compile' });
    // Functions and syntax outside daemonlint's library: the API server may have them.
    expect(cel.problem('isSemver(self)')).toBeUndefined();
    expect(cel.problem('self.noSuchFunction()')).toBeUndefined();
    expect(cel.problem('self.?a.orValue(1) == 1')).toBeUndefined();
    expect(cel.problem("self.exists(z, z.?region.orValue('') != '')")).toBeUndefined();
  });

  it('is reachable through the lazily loaded policy piece', () => {
    expect(policy.selfRuleEvaluator().check('self == 1', 1)).toBe(true);
  });
});
