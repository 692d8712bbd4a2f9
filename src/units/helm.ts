/**
 * `helm template` output: each document follows a `# Source: CHART/templates/FILE.yaml` comment. Findings on such a
 * document also name the template it was rendered from (a related location), and point at the template's line when
 * the chart's source is among the linted files and the offending key appears on exactly one line of the template.
 */
import { realpathSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, sep } from 'node:path';
import { readGuarded } from '../io/read.js';
import { yamlValues } from '../load/parse.js';
import type { Finding, RelatedLocation, SourceFile } from '../types.js';

const SOURCE = /^#\s*Source:\s*(\S.*?)\s*$/;
const MARKER = /^---(?:[ \t].*)?$/;
/** Largest template read to look for a key. */
const MAX_TEMPLATE_BYTES = 1024 * 1024;

/** The template each document of a file was rendered from (`# Source:` comments), by document index. */
export function helmSources(file: SourceFile): Map<number, string> | undefined {
  if (!file.text.includes('# Source:')) return undefined;
  const out = new Map<number, string>();
  let doc = 0;
  let content = false;
  let markers = 0;
  for (const line of file.text.split(/\r?\n/)) {
    if (MARKER.test(line)) {
      // A marker starts a new document, except the first one when nothing came before it.
      if (markers > 0 || content) doc++;
      markers++;
      content = false;
      continue;
    }
    const m = SOURCE.exec(line);
    if (m) {
      if (!out.has(doc)) out.set(doc, m[1]!);
      continue;
    }
    if (line.trim() && !line.trimStart().startsWith('#')) content = true;
  }
  return out.size ? out : undefined;
}

/** Chart sources among the linted files: chart name → the directory holding its Chart.yaml and templates/. */
function chartDirs(files: readonly SourceFile[]): Map<string, { dir: string; display: string }> {
  const out = new Map<string, { dir: string; display: string }>();
  for (const f of files) {
    if (!f.absPath || basename(f.absPath) !== 'Chart.yaml') continue;
    const name = (yamlValues(f.text)?.[0] as { name?: unknown } | undefined)?.name;
    if (typeof name === 'string' && !out.has(name)) out.set(name, { dir: dirname(f.absPath), display: dirname(f.path) });
  }
  return out;
}

/**
 * The text of a template of a chart linted in the run: read through the guarded reader, and only inside the chart's
 * folder (symbolic links resolved), whatever the `# Source:` comment of the input says.
 */
function readTemplate(chartDir: string, abs: string): string | undefined {
  try {
    const rel = relative(realpathSync(chartDir), realpathSync(abs));
    if (!rel || isAbsolute(rel) || rel === '..' || rel.startsWith(`..${sep}`)) return undefined;
    const read = readGuarded(abs, { maxBytes: MAX_TEMPLATE_BYTES });
    return read.tooLarge ? undefined : read.bytes.toString('utf8');
  } catch {
    return undefined;
  }
}

/** The last mapping key of a finding's path (`spec.template.spec.containers[0].ports[0].hostPort` → `hostPort`). */
function offendingKey(path: string): string | undefined {
  const m = /(?:^|\.)([A-Za-z_$][\w$-]*)(?:\[\d+\])*$/.exec(path) ?? /\["([^"]+)"\](?:\[\d+\])*$/.exec(path);
  return m?.[1];
}

/** Add to each finding on rendered Helm output where its template is (and, when unambiguous, the line). */
export function addTemplateSources(findings: readonly Finding[], files: readonly SourceFile[]): void {
  const byPath = new Map<string, Map<number, string>>();
  for (const f of files) {
    const s = helmSources(f);
    if (s) byPath.set(f.path, s);
  }
  if (!byPath.size) return;
  const charts = chartDirs(files);
  const texts = new Map<string, string | undefined>();
  for (const f of findings) {
    if (f.docIndex === undefined) continue;
    const source = byPath.get(f.file)?.get(f.docIndex);
    if (!source) continue;
    const slash = source.indexOf('/');
    const chart = slash === -1 ? undefined : charts.get(source.slice(0, slash));
    const rel: RelatedLocation = { file: source, line: 1, column: 1, message: `rendered from the template ${source}` };
    if (chart) {
      const abs = join(chart.dir, source.slice(slash + 1));
      rel.file = `${chart.display === '.' ? '' : `${chart.display}/`}${source.slice(slash + 1)}`;
      if (!texts.has(abs)) texts.set(abs, readTemplate(chart.dir, abs));
      const text = texts.get(abs);
      const key = offendingKey(f.path);
      if (text && key) {
        const re = new RegExp(`^(\\s*(?:-\\s+)?)${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*:`);
        const lines = text.split(/\r?\n/);
        const hits = lines.flatMap((l, i) => (re.test(l) ? [i] : []));
        if (hits.length === 1) {
          const i = hits[0]!;
          const col = re.exec(lines[i]!)![1]!.length + 1;
          Object.assign(rel, { line: i + 1, column: col, endLine: i + 1, endColumn: col + key.length, message: `rendered from ${key} in the template ${source}` });
        }
      }
    }
    f.related = [...(f.related ?? []), rel];
  }
}
