/**
 * Policies: custom CEL rules from configs and ValidatingAdmissionPolicies evaluated offline, and CEL rules over one
 * value (a CRD's `x-kubernetes-validations`). Loaded only by runs that need one of them (it brings the CEL evaluator,
 * built as the lazily loaded dist/policy.cjs): import it dynamically, `await import('../policy/index.js')`.
 */
export { policyRules, type ShowFile } from './custom.js';
export { admissionFileProblem, admissionFor, type AdmissionCheck } from './vap/index.js';
export { selfRuleEvaluator, type RuleError, type SelfRuleEvaluator, type SelfRuleOptions } from '../cel/rule.js';
