/** GitHub Actions workflow commands: one annotation per finding on its exact range. */
import type { Finding } from '../types.js';
import { safeText } from './sanitize.js';

const escapeData = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProperty = (s: string) => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

export function annotationCommand(f: Finding): string {
  const level = f.severity === 'error' ? 'error' : f.severity === 'warning' ? 'warning' : 'notice';
  const props = [
    `file=${escapeProperty(safeText(f.file))}`,
    `line=${f.line}`,
    `col=${f.column}`,
    `endLine=${f.endLine}`,
    `endColumn=${f.endColumn}`,
    `title=${escapeProperty(f.ruleId)}`,
  ];
  return `::${level} ${props.join(',')}::${escapeData(safeText(f.message))}`;
}

export function formatGithub(findings: readonly Finding[]): string {
  return findings.map((f) => annotationCommand(f) + '\n').join('');
}
