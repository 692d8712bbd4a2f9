declare module '*/gen-rule-index.mjs' { export function ruleIndexSource(): string; }
