/** Validates SARIF output against the official OASIS SARIF 2.1.0 schema (JSON Schema draft-04) from ../shared. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import AjvDraft04 from 'ajv-draft-04';
import addFormats from 'ajv-formats';

export const SHARED = join(import.meta.dirname, '..', '..', '..', 'shared');
let validator: ((data: unknown) => boolean) & { errors?: unknown } | undefined;

export function validateSarif(log: unknown): string[] {
  if (!validator) {
    const schema = JSON.parse(readFileSync(join(SHARED, 'sarif', 'sarif-schema-2.1.0.json'), 'utf8'));
    const ajv = new AjvDraft04({ allErrors: true, strict: false });
    addFormats(ajv);
    validator = ajv.compile(schema);
  }
  if (validator(log)) return [];
  return ((validator.errors as { instancePath: string; message: string }[]) ?? []).map((e) => `${e.instancePath} ${e.message}`);
}
