/** Validates SARIF output against the official OASIS SARIF 2.1.0 schema (JSON Schema draft-04) from ../shared. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as draft04 from 'ajv-draft-04';
import * as formats from 'ajv-formats';

export const SHARED = join(import.meta.dirname, '..', '..', '..', 'shared');

type Validate = ((data: unknown) => boolean) & { errors?: { instancePath: string; message?: string }[] | null };
let validator: Validate | undefined;

// Both packages are CommonJS with a default export; unwrap it the same way under any interop.
const unwrap = <T>(m: unknown): T => ((m as { default?: T }).default ?? m) as T;

export function validateSarif(log: unknown): string[] {
  if (!validator) {
    const schema = JSON.parse(readFileSync(join(SHARED, 'sarif', 'sarif-schema-2.1.0.json'), 'utf8'));
    const Ajv = unwrap<new (opts: object) => { compile(s: object): Validate }>(unwrap(draft04));
    const ajv = new Ajv({ allErrors: true, strict: false });
    unwrap<(a: unknown) => void>(unwrap(formats))(ajv);
    validator = ajv.compile(schema);
  }
  const v = validator;
  if (v(log)) return [];
  return (v.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`);
}
