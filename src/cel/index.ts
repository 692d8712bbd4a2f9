/** daemonlint's CEL: compile and evaluate expressions with the Kubernetes libraries and a cost limit. */
export { compile, evaluate, firstFailing, libraryNames, EvalContext, MAX_EXPRESSION_LENGTH, type CompileError, type CompileOptions, type Compiled, type Outcome, type Program } from './engine.js';
export { CostMeter, DEFAULT_COST_LIMIT } from './cost.js';
export type { FieldRead } from './ast.js';
export { show, toCelInput, typeName } from './values.js';
export { selfRuleEvaluator, type RuleError, type SelfRuleEvaluator, type SelfRuleOptions } from './rule.js';
