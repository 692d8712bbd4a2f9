/** Validates SARIF output against the official OASIS SARIF 2.1.0 schema (JSON Schema draft-04, test/fixtures/sarif). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as draft04 from 'ajv-draft-04';
import * as formats from 'ajv-formats';

/** Test data copied from public projects (each folder names its sources and licences). */
export const FIXTURES = join(import.meta.dirname, '..', 'fixtures');
/** The real-manifest corpus: test/fixtures/corpus/{real,kube-linter-fixtures}, each with a SOURCES.tsv. */
export const CORPUS_ROOT = join(FIXTURES, 'corpus');

type Validate = ((data: unknown) => boolean) & { errors?: { instancePath: string; message?: string }[] | null };
let validator: Validate | undefined;

// Both packages are CommonJS with a default export; unwrap it the same way under any interop.
const unwrap = <T>(m: unknown): T => ((m as { default?: T }).default ?? m) as T;

export function validateSarif(log: unknown): string[] {
  if (!validator) {
    const schema = JSON.parse(readFileSync(join(FIXTURES, 'sarif', 'sarif-schema-2.1.0.json'), 'utf8'));
    const Ajv = unwrap<new (opts: object) => { compile(s: object): Validate }>(unwrap(draft04));
    const ajv = new Ajv({ allErrors: true, strict: false });
    unwrap<(a: unknown) => void>(unwrap(formats))(ajv);
    validator = ajv.compile(schema);
  }
  const v = validator;
  if (v(log)) return [];
  return (v.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`);
}
