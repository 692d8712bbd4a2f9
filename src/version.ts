import pkg from '../package.json' with { type: 'json' };

/** The package version, baked in at build time. */
export const VERSION: string = pkg.version;
export const INFORMATION_URI = 'https://www.npmjs.com/package/daemonlint';
/** Where each rule's documentation lives (the README's rule list). */
export function ruleHelpUri(ruleId: string): string {
  return `${INFORMATION_URI}#rule-${ruleId}`;
}
