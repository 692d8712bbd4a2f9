/**
 * Severity profiles. `default` shows what deserves attention: a finding a rule marks as the expected posture of the
 * object's role (`Report.expected`: a privileged CNI agent, hostNetwork for a network agent, hostPID for a node
 * monitor …) is reported at info. `strict` reports every finding at its rule's severity. A severity the user configured
 * for a rule wins in both.
 */
import type { Report } from '../types.js';

export const PROFILES = ['default', 'strict'] as const;
export type Profile = (typeof PROFILES)[number];

export const DEFAULT_PROFILE: Profile = 'default';

/** A report as the profile has it: an expected-posture report becomes an info report outside the strict profile. */
export function profiled(r: Report, profile: Profile): Report {
  return r.expected && profile !== 'strict' && r.severity === undefined ? { ...r, severity: 'info' } : r;
}
