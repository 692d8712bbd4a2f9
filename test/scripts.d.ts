declare module '*/gen-rule-index.mjs' { export function ruleIndexSource(): string; }
declare module '*/bench/corpus.mjs' {
  export function rng(seed: number): () => number;
  export function sampleDocuments(seed: number, n: number): string[];
  export function generateCorpus(dir: string, docs: number, seed?: number): { docs: number; files: number; bytes: number; seed: number };
}
declare module '*/build-inputs.mjs' {
  export const BUILD_INPUTS: string[];
  export const FINGERPRINT_FILE: string;
  export function buildFingerprint(): string;
}
declare module '*/gen-merge-keys.mjs' {
  export const MERGE_KEYS_FILE: string;
  export function mergeKeysSource(): string;
}
declare module '*/build-action.mjs' {
  export const ACTION_BUNDLE: string;
  export function buildActionBundle(pkg?: Record<string, unknown>): Promise<string>;
}
declare module '*/build-vscode.mjs' {
  export const EXTENSION_DIR: string;
  export const EXTENSION_FILES: string[];
  export function buildExtension(outDir?: string): Promise<void>;
  export function stageExtension(dir: string): Promise<void>;
  export function packageExtension(out: string, dir?: string, env?: NodeJS.ProcessEnv): string;
}
