/**
 * How manifests are parsed with the `yaml` library: YAML 1.1 scalars, the way kubectl decodes manifests (unquoted
 * yes/no/on/off are booleans; timestamps stay strings). Shared by the loader, the text model and fixes.
 */
import type { DocumentOptions, ParseOptions, SchemaOptions, ToJSOptions } from 'yaml';

/** Largest alias expansion allowed when turning a document into an object. */
export const MAX_ALIAS_COUNT = 1000;

type TagLike = { tag?: string; format?: string };

/** How manifests are parsed (YAML 1.1 scalars, as kubectl); fixes re-parse with the same options. */
export const PARSE_OPTIONS: ParseOptions & DocumentOptions & SchemaOptions = {
  version: '1.1',
  uniqueKeys: true,
  prettyErrors: false,
  strict: false,
  // Never print library warnings (e.g. a collection used as a key) to the user's stderr; errors are still collected.
  logLevel: 'error',
  // kubectl's YAML 1.1 decoder has no sexagesimal numbers and keeps timestamps as strings.
  customTags: (tags) =>
    (tags as TagLike[]).filter((t) => t.tag !== 'tag:yaml.org,2002:timestamp' && t.format !== 'TIME') as typeof tags,
};

export const TO_JS: ToJSOptions = { maxAliasCount: MAX_ALIAS_COUNT };
