/**
 * Policies: custom CEL rules from configs and ValidatingAdmissionPolicies evaluated offline. Loaded only by runs
 * that have either (it brings the CEL evaluator).
 */
export { policyRules, type ShowFile } from './custom.js';
export { admissionFileProblem, admissionFor, type AdmissionCheck } from './vap/index.js';
