/** Plain-text layout for terminals: widths, truncation, word wrap and tables that never exceed a width. */

/** Width used when the output is not a terminal and COLUMNS is not set. */
export const DEFAULT_WIDTH = 100;
/** Narrowest layout attempted: below this, lines may exceed the width rather than become unreadable. */
export const MIN_WIDTH = 40;

/** Display width of a string: code points (labels, names and messages here are ASCII in practice). */
export function widthOf(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

export function pad(s: string, width: number): string {
  return s + ' '.repeat(Math.max(0, width - widthOf(s)));
}

export function padStart(s: string, width: number): string {
  return ' '.repeat(Math.max(0, width - widthOf(s))) + s;
}

/** `s` cut to `width` with a trailing `…` when longer. */
export function truncate(s: string, width: number): string {
  if (widthOf(s) <= width) return s;
  return [...s].slice(0, Math.max(0, width - 1)).join('') + '…';
}

/**
 * Word-wrap `text` after `first` (a prefix already on the first line, e.g. `  A  name  `); continuation lines start
 * with `indent` spaces. Words longer than a line are cut. Returns whole lines.
 */
export function hang(first: string, text: string, width: number, indent: number): string[] {
  indent = Math.max(0, Math.min(indent, width - 10));
  const lines: string[] = [];
  let line = first;
  let used = widthOf(first);
  let empty = true;
  const newLine = () => {
    lines.push(line);
    line = ' '.repeat(indent);
    used = indent;
    empty = true;
  };
  for (const word of text.split(/\s+/)) {
    if (!word) continue;
    let cps = [...word];
    if (!empty && used + 1 + cps.length > width) newLine();
    // Only the prefix on this line and the word fits a fresh one: start the word there rather than cut it.
    else if (empty && used > indent && used + cps.length > width && indent + cps.length <= width) newLine();
    // A word longer than what is left of a fresh line: cut it.
    while (used + (empty ? 0 : 1) + cps.length > width) {
      const take = Math.max(1, width - used - (empty ? 0 : 1));
      line += (empty ? '' : ' ') + cps.slice(0, take).join('');
      cps = cps.slice(take);
      newLine();
    }
    if (!cps.length) continue;
    line += (empty ? '' : ' ') + cps.join('');
    used += (empty ? 0 : 1) + cps.length;
    empty = false;
  }
  if (!empty || !lines.length) lines.push(line);
  return lines.map((l) => l.trimEnd());
}

export interface TableColumn {
  header: string;
  /** One value per row. */
  cells: string[];
  align?: 'left' | 'right';
  /** Colour a padded cell (row index given). */
  paint?: (padded: string, row: number) => string;
}

const GAP = '  ';

function renderBand(columns: readonly TableColumn[], widths: readonly number[], rows: number, bold: (s: string) => string): string[] {
  const cell = (c: TableColumn, w: number, s: string) => (c.align === 'right' ? padStart(s, w) : pad(s, w));
  const lines = [bold(columns.map((c, i) => cell(c, widths[i]!, c.header)).join(GAP).trimEnd())];
  for (let r = 0; r < rows; r++) {
    const parts = columns.map((c, i) => {
      const padded = cell(c, widths[i]!, c.cells[r]!);
      return c.paint ? c.paint(padded, r) : padded;
    });
    lines.push(parts.join(GAP).replace(/ +$/, ''));
  }
  return lines;
}

/**
 * A table whose `fixed` columns (e.g. the row name and a total) repeat in every band and whose other columns are
 * split into as many bands as needed to keep every line within `width`. Cell values must already fit their column
 * (headers and cells are never cut here).
 */
export function bandedTable(fixed: readonly TableColumn[], columns: readonly TableColumn[], width: number, bold: (s: string) => string = (s) => s): string[] {
  const rows = fixed[0]?.cells.length ?? columns[0]?.cells.length ?? 0;
  const widthOfColumn = (c: TableColumn) => Math.max(widthOf(c.header), ...c.cells.map(widthOf));
  const fixedWidths = fixed.map(widthOfColumn);
  const colWidths = columns.map(widthOfColumn);
  const fixedTotal = fixedWidths.reduce((a, b) => a + b, 0) + GAP.length * Math.max(0, fixed.length - 1);
  const out: string[] = [];
  let i = 0;
  do {
    const band: number[] = [];
    let used = fixedTotal;
    while (i < columns.length && (band.length === 0 || used + GAP.length + colWidths[i]! <= width)) {
      used += GAP.length + colWidths[i]!;
      band.push(i++);
    }
    if (out.length) out.push('');
    out.push(...renderBand([...fixed, ...band.map((j) => columns[j]!)], [...fixedWidths, ...band.map((j) => colWidths[j]!)], rows, bold));
  } while (i < columns.length);
  return out;
}

/** Keys for columns shown by key: A…Z, or 1…N beyond 26. */
export function columnKeys(n: number): string[] {
  if (n <= 26) return Array.from({ length: n }, (_, i) => String.fromCharCode(65 + i));
  return Array.from({ length: n }, (_, i) => String(i + 1));
}
