// Declarations for scripts/gen-schemas.mjs (used by the tests).
export declare const KUBE_VERSION: string;
export declare const GROUP_DOCS: readonly { file: string; group: string; version: string; key: string }[];
export declare const AJV_OPTIONS: Record<string, unknown>;
export declare function generate(openapiDir: string): Record<string, string>;
export declare function writeOutput(outDir: string, files: Record<string, string>): void;
export declare function buildGroupSchema(
  doc: unknown,
  gv: { file: string; group: string; version: string; key: string },
): { schema: { $id: string; definitions: Record<string, unknown> }; kinds: Record<string, string> };
