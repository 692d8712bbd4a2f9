/**
 * The Kubernetes URL library: `url(s)`, `isURL(s)`, and on a URL `getScheme()`, `getHost()`, `getHostname()`,
 * `getPort()`, `getEscapedPath()`, `getQuery()`. As in the API server (Go's `url.ParseRequestURI`), a URL is an
 * absolute URI (`https://host:8443/path?q=1`) or an absolute path (`/healthz`); a fragment is not split off.
 */
import { CelScalar, celFunc, celMethod, listType, mapType, type CelFunc } from '@bufbuild/cel';
import { URL_TYPE, textOf } from './types.js';

const { BOOL, STRING } = CelScalar;
const U = URL_TYPE.type;

export interface ParsedURL {
  scheme: string;
  /** `host` or `host:port`, IPv6 literals in brackets. */
  host: string;
  path: string;
  rawQuery: string;
  opaque: string;
}

const BAD_ESCAPE = /%(?![0-9a-fA-F]{2})/;

function parseHost(authority: string): string | undefined {
  const at = authority.lastIndexOf('@');
  const host = at === -1 ? authority : authority.slice(at + 1);
  if (BAD_ESCAPE.test(host)) return undefined;
  if (host.startsWith('[')) {
    const close = host.indexOf(']');
    if (close === -1) return undefined;
    const rest = host.slice(close + 1);
    if (rest !== '' && !/^:\d*$/.test(rest)) return undefined;
    return host;
  }
  const colon = host.lastIndexOf(':');
  if (colon !== -1 && !/^:\d*$/.test(host.slice(colon))) return undefined;
  return host;
}

/** Parse like the API server; a string saying why not, on failure. */
export function parseURL(raw: string): ParsedURL | string {
  if (raw === '') return 'empty URL';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this check refuses.
  if (/[\x00-\x1f\x7f]/.test(raw)) return 'invalid control character in URL';
  let scheme = '';
  let rest = raw;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (/[A-Za-z]/.test(c)) continue;
    if (/[0-9+.-]/.test(c) && i > 0) continue;
    if (c === ':') {
      if (i === 0) return 'missing protocol scheme';
      scheme = raw.slice(0, i).toLowerCase();
      rest = raw.slice(i + 1);
    }
    break;
  }
  let rawQuery = '';
  if (rest.endsWith('?') && rest.indexOf('?') === rest.length - 1) rest = rest.slice(0, -1);
  else {
    const q = rest.indexOf('?');
    if (q !== -1) {
      rawQuery = rest.slice(q + 1);
      rest = rest.slice(0, q);
    }
  }
  if (!rest.startsWith('/')) {
    if (scheme) return { scheme, host: '', path: '', rawQuery, opaque: rest };
    return 'invalid URI for request: not an absolute URI or an absolute path';
  }
  let host = '';
  if (scheme && rest.startsWith('//')) {
    const slash = rest.indexOf('/', 2);
    const authority = slash === -1 ? rest.slice(2) : rest.slice(2, slash);
    rest = slash === -1 ? '' : rest.slice(slash);
    const h = parseHost(authority);
    if (h === undefined) return `invalid host or port in ${JSON.stringify(authority)}`;
    host = h;
  }
  if (BAD_ESCAPE.test(rest)) return 'invalid URL escape in the path';
  return { scheme, host, path: rest, rawQuery, opaque: '' };
}

function hostname(host: string): string {
  if (host.startsWith('[')) return host.slice(1, host.indexOf(']'));
  const colon = host.lastIndexOf(':');
  return colon === -1 ? host : host.slice(0, colon);
}

function port(host: string): string {
  const close = host.startsWith('[') ? host.indexOf(']') : -1;
  const colon = host.lastIndexOf(':');
  return colon > close ? host.slice(colon + 1) : '';
}

/** Escape what a path may not contain literally (a space becomes %20); valid escapes stay as written. */
function escapedPath(path: string): string {
  return path.replace(/[^A-Za-z0-9\-._~!$&'()*+,;=:@/%]/gu, (c) => encodeURIComponent(c));
}

function decode(s: string): string | undefined {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

/** `a=1&a=2&b` as a map of lists, like Go's `url.Query()` (pairs that do not decode are dropped). */
function query(raw: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const pair of raw.split('&')) {
    if (pair === '' || pair.includes(';')) continue;
    const eq = pair.indexOf('=');
    const k = decode(eq === -1 ? pair : pair.slice(0, eq));
    const v = decode(eq === -1 ? '' : pair.slice(eq + 1));
    if (k === undefined || v === undefined) continue;
    const list = out.get(k);
    if (list) list.push(v);
    else out.set(k, [v]);
  }
  return out;
}

const parsed = (u: unknown) => parseURL(textOf(u)) as ParsedURL;

export const urlFunctions: CelFunc[] = [
  celFunc('url', [STRING], U, (s) => {
    const u = parseURL(s);
    if (typeof u === 'string') throw new Error(`invalid URL ${JSON.stringify(s)}: ${u}`);
    return URL_TYPE.make(s) as never;
  }),
  celFunc('isURL', [STRING], BOOL, (s) => typeof parseURL(s) !== 'string'),
  celMethod('getScheme', U, [], STRING, function () {
    return parsed(this).scheme;
  }),
  celMethod('getHost', U, [], STRING, function () {
    return parsed(this).host;
  }),
  celMethod('getHostname', U, [], STRING, function () {
    return hostname(parsed(this).host);
  }),
  celMethod('getPort', U, [], STRING, function () {
    return port(parsed(this).host);
  }),
  celMethod('getEscapedPath', U, [], STRING, function () {
    return escapedPath(parsed(this).path);
  }),
  celMethod('getQuery', U, [], mapType(STRING, listType(STRING)), function () {
    return query(parsed(this).rawQuery);
  }),
];
