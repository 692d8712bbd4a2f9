/** The library daemonlint's CEL environment offers on top of the standard definitions, and its registry of types. */
import type { CelFunc } from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';
import { ipFunctions } from './ip.js';
import { listFunctions } from './lists.js';
import { quantityFunctions } from './quantity.js';
import { regexFunctions } from './regex.js';
import { setFunctions } from './sets.js';
import { urlFunctions } from './url.js';

export { re2, checkPattern } from './regex.js';
export { registry } from './types.js';

export const libraryFunctions: CelFunc[] = [...strings, ...listFunctions, ...regexFunctions, ...quantityFunctions, ...urlFunctions, ...ipFunctions, ...setFunctions];

/**
 * Names that belong to Kubernetes libraries daemonlint does not implement, with why: a policy using one gets this
 * explanation instead of a bare "unknown function".
 */
export const UNSUPPORTED: Record<string, string> = {
  authorizer: 'the authorizer library asks the cluster who may do what, which needs a live API server',
  semver: 'the semver library is not supported by daemonlint',
  isSemver: 'the semver library is not supported by daemonlint',
  'base64.encode': 'the base64 library is not supported by daemonlint',
  'base64.decode': 'the base64 library is not supported by daemonlint',
  'optional.of': 'optional types are not supported by daemonlint; use has() to test for a field',
  'optional.none': 'optional types are not supported by daemonlint; use has() to test for a field',
  'optional.ofNonZeroValue': 'optional types are not supported by daemonlint; use has() to test for a field',
  orValue: 'optional types are not supported by daemonlint; use has() to test for a field',
  hasValue: 'optional types are not supported by daemonlint; use has() to test for a field',
  'math.greatest': 'the math library is not supported by daemonlint',
  'math.least': 'the math library is not supported by daemonlint',
};
