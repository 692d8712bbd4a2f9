/**
 * The one output sanitiser: every reporter (text, GitHub annotations, JSON and SARIF messages, the coverage reports,
 * the language server's diagnostics, the Action's log and job summary, the CLI's error lines) passes text that came
 * from input (file names, manifest values quoted in messages) through {@link safeText} before printing it.
 *
 * A manifest value or a file name may hold line breaks and terminal control sequences: printed raw they could clear
 * the screen, set the terminal title, hide text, or start a new line that a CI runner reads as a workflow command
 * (`::error::…`, `::stop-commands::…`). safeText writes every such character as a visible escape instead, so the
 * output keeps one finding per line and shows exactly what the input held.
 */

/**
 * Characters written as escapes: C0 controls (line breaks and tab included), DEL, C1 controls, the Unicode line and
 * paragraph separators, and the bidirectional formatting characters that can make text display in another order than
 * it is read ("Trojan Source").
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it finds.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it finds.
const HAS_UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escapeChar(c: string): string {
  return NAMED[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** Text from input, safe to print on one line: control and bidirectional characters become visible escapes. */
export function safeText(s: string): string {
  return HAS_UNSAFE.test(s) ? s.replace(UNSAFE, escapeChar) : s;
}

/**
 * A line of text output that starts at column 0 with text from input (a file name as a heading): safe, and never
 * beginning with `::`, which CI runners read as a workflow command.
 */
export function safeLineStart(s: string): string {
  const t = safeText(s);
  return t.startsWith('::') ? `./${t}` : t;
}

/**
 * A copy of a plain value (a report model: objects, arrays, strings, numbers) with every string, object keys included,
 * passed through {@link safeText}: for reporters that place input-derived text in many places, so none is missed.
 */
export function safeStrings<T>(value: T): T {
  if (typeof value === 'string') return safeText(value) as T;
  if (Array.isArray(value)) return value.map((v) => safeStrings(v)) as T;
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[safeText(k)] = safeStrings(v);
    return out as T;
  }
  return value;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: colour codes start with ESC
const COMMAND_START = /^((?:[^\S\r\n]|\u001b\[[0-9;]*m)*)::/gm;

/**
 * Text output of many lines (already made safe with {@link safeText}) where input-derived text can begin a line after
 * indentation, colour codes or word wrapping: CI runners read a line as a workflow command when it starts with `::`
 * once leading white space is trimmed, so such a line gets its first colon written as the escape `\u003a`.
 */
export function safeLineStarts(text: string): string {
  return text.includes('::') ? text.replace(COMMAND_START, '$1\\u003a:') : text;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it finds.
const UNSAFE_IN_DIFF = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]|\r(?!\n)/g;

/**
 * A unified diff (many lines of file content) for a terminal: like {@link safeText}, but line breaks (LF and CRLF)
 * and tabs stay as they are.
 */
export function safeDiffText(s: string): string {
  return s.replace(UNSAFE_IN_DIFF, escapeChar);
}

const UNSAFE_IN_JSON = /[\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * JSON text (JSON.stringify already escapes C0 controls) with the remaining unsafe characters written as `\\uXXXX`
 * escapes too: they can only occur inside strings, so the document parses to exactly the same values, and file paths
 * and object names stay exact for machines while the printed text stays inert.
 */
export function safeJson(json: string): string {
  return json.replace(UNSAFE_IN_JSON, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
