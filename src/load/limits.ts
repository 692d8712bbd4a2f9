/**
 * Resource bounds of the YAML decoder: hostile input must neither hang the linter nor overflow its stack.
 *
 * `parseDocuments` is the `yaml` library's `parseAllDocuments` (same Parser, same Composer, same documents) with
 * two guards:
 *
 * - Nesting depth. The yaml composer, `toJS` and the rules all recurse; a document nested thousands of levels deep
 *   (`[[[[…`, `- - - - …`) overflows the stack at a depth that depends on how deep the caller already is. The CST that
 *   the Parser emits is checked first, without recursion, and a document nested deeper than MAX_NESTING_DEPTH is not
 *   composed at all: it gets one RESOURCE_EXHAUSTION error at the collection that crosses the limit.
 * - Duplicate keys. The library's own `uniqueKeys` check compares every new key with every earlier key of the mapping,
 *   so a mapping with n keys costs n² (40,000 keys: 15 s; 300,000 keys: minutes). It is switched off and replaced by
 *   a check with one Map per mapping, which reports the same DUPLICATE_KEY errors (keys equal when both are scalars with
 *   the same value, as in the library), pointing at the whole repeated key.
 *
 * Alias expansion is bounded by `maxAliasCount` in parse.ts and file size by MAX_FILE_BYTES in files.ts.
 */
import {
  Composer,
  Parser,
  YAMLParseError,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  type CST,
  type Document,
  type DocumentOptions,
  type LineCounter,
  type ParseOptions,
  type SchemaOptions,
} from 'yaml';

/**
 * Deepest nesting of mappings and sequences allowed in one document. Real manifests stay under 30 (CRDs with deep
 * OpenAPI schemas included); the yaml composer overflows Node's default stack somewhere near 900.
 */
export const MAX_NESTING_DEPTH = 256;

export type YamlOptions = ParseOptions & DocumentOptions & SchemaOptions;

/** Offset of the first collection nested deeper than `limit` inside `root`, or undefined. Iterative. */
export function firstTooDeep(root: CST.Token, limit: number = MAX_NESTING_DEPTH): number | undefined {
  const stack: { token: CST.Token; depth: number }[] = [{ token: root, depth: 0 }];
  while (stack.length) {
    const { token, depth } = stack.pop()!;
    if (token.type !== 'block-map' && token.type !== 'block-seq' && token.type !== 'flow-collection') continue;
    const inner = depth + 1;
    if (inner > limit) return token.offset;
    for (const item of token.items as { key?: CST.Token | null; value?: CST.Token }[]) {
      if (item.key) stack.push({ token: item.key, depth: inner });
      if (item.value) stack.push({ token: item.value, depth: inner });
    }
  }
  return undefined;
}

function keyIdentity(key: unknown): unknown {
  if (!isScalar(key)) return undefined; // Collections and aliases as keys are equal only to themselves, as in the library.
  const v = key.value;
  if (typeof v === 'number' && Number.isNaN(v)) return undefined; // NaN !== NaN
  if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return v;
  return undefined; // Merge keys (symbols) and other tagged values.
}

/** DUPLICATE_KEY errors for every mapping of a composed document, in linear time. Iterative. */
export function duplicateKeyErrors(doc: Document): YAMLParseError[] {
  const errors: YAMLParseError[] = [];
  const stack: unknown[] = [doc.contents];
  while (stack.length) {
    const node = stack.pop();
    if (isMap(node)) {
      const seen = new Set<unknown>();
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const id = keyIdentity(pair.key);
        if (id !== undefined) {
          if (seen.has(id)) {
            const r = (pair.key as { range?: [number, number, number] }).range;
            if (r) errors.push(new YAMLParseError([r[0], Math.max(r[0] + 1, r[1])], 'DUPLICATE_KEY', 'Map keys must be unique'));
          }
          seen.add(id);
        }
        stack.push(pair.key, pair.value);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) stack.push(item);
    } else if (isPair(node)) {
      stack.push(node.key, node.value); // A pair inside a flow sequence (`[a: 1]`).
    } else if (isAlias(node) || isScalar(node)) {
      // Leaves: an alias points into a part of the tree that is checked where it is defined.
    }
  }
  return errors.sort((a, b) => a.pos[0] - b.pos[0]);
}

/**
 * Every YAML document of `text`, as `parseAllDocuments(text, { ...options, lineCounter })` returns them, with the
 * nesting and duplicate-key guards described above. Always an array (empty for an empty stream).
 */
export function parseDocuments(text: string, options: YamlOptions, lineCounter?: LineCounter): Document[] {
  const parser = new Parser(lineCounter?.addNewLine);
  const composer = new Composer({ ...options, uniqueKeys: false });
  const checkKeys = options.uniqueKeys !== false;
  const tooDeep = new Map<number, number>();
  let index = 0;
  function* guarded(): Generator<CST.Token> {
    for (const token of parser.parse(text)) {
      if (token.type === 'document') {
        const docIndex = index++;
        const at = token.value ? firstTooDeep(token.value) : undefined;
        if (at !== undefined) {
          tooDeep.set(docIndex, at);
          yield { ...token, value: undefined }; // Composed as an empty document; the error below replaces it.
          continue;
        }
      }
      yield token;
    }
  }
  const docs = Array.from(composer.compose(guarded())) as Document[];
  docs.forEach((doc, i) => {
    const at = tooDeep.get(i);
    if (at !== undefined) {
      doc.errors.push(
        new YAMLParseError(
          [at, at + 1],
          'RESOURCE_EXHAUSTION',
          `The document nests mappings and sequences more than ${MAX_NESTING_DEPTH} levels deep; it was not linted. No Kubernetes object needs that many levels: flatten it or check how it was generated.`,
        ),
      );
    } else if (checkKeys) {
      const dups = duplicateKeyErrors(doc);
      for (const d of dups) doc.errors.push(d); // Not push(...dups): too many arguments overflow the stack.
    }
  });
  return docs;
}
