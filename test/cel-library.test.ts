import { describe, expect, it } from 'vitest';
import { EvalContext, compile, evaluate } from '../src/cel/index.js';
import { parseQuantity } from '../src/cel/lib/quantity.js';
import { formatIP, parseIP } from '../src/cel/lib/ip.js';
import { parseURL } from '../src/cel/lib/url.js';

function ev(source: string): unknown {
  const c = compile(source, { variables: [] });
  if (!c.ok) throw new Error(`${source}: ${c.error.message}`);
  const o = evaluate(c.program, new EvalContext({}));
  if (!o.ok) return { error: o.error };
  return o.value;
}

/** Each entry must evaluate to true. */
function allTrue(cases: string[]): void {
  for (const c of cases) expect(ev(c), c).toBe(true);
}

function fails(source: string, message: RegExp): void {
  const r = ev(source) as { error?: string };
  expect(r?.error, source).toMatch(message);
}

describe('Kubernetes quantity library', () => {
  it('parses every suffix exactly', () => {
    expect(parseQuantity('1.5Gi')).toEqual({ mant: 1610612736n, exp: 0 });
    expect(parseQuantity('250m')).toEqual({ mant: 25n, exp: -2 });
    expect(parseQuantity('1e3')).toEqual({ mant: 1n, exp: 3 });
    expect(parseQuantity('+2k')).toEqual({ mant: 2n, exp: 3 });
    expect(parseQuantity('-.5')).toEqual({ mant: -5n, exp: -1 });
    expect(parseQuantity('0.1Ki')).toEqual({ mant: 1024n, exp: -1 });
    for (const bad of ['', 'Ki', '1KiB', '1 Gi', ' 1', '1.2.3', '1ki', '1e', '--1', '1e1001']) expect(parseQuantity(bad), bad).toBeUndefined();
  });

  it('compares, adds and converts like the API server', () => {
    allTrue([
      "quantity('1') == quantity('1000m')",
      "quantity('1Gi').isGreaterThan(quantity('1G'))",
      "quantity('500Mi').isLessThan(quantity('0.5Gi'))",
      "quantity('500Mi').compareTo(quantity('524288000')) == 0",
      "quantity('1.5').add(quantity('500m')) == quantity('2')",
      "quantity('2k').sub(1) == quantity('1999')",
      "quantity('2').add(3).asInteger() == 5",
      "quantity('128Mi').asInteger() == 134217728",
      "quantity('1.5').isInteger() == false",
      "quantity('250m').asApproximateFloat() == 0.25",
      "quantity('-1').sign() == -1 && quantity('0').sign() == 0",
      "isQuantity('100Mi') && !isQuantity('100MB')",
      "quantity('9223372036854775808').isInteger() == false",
    ]);
    fails("quantity('1.5').asInteger()", /cannot convert/);
    fails("quantity('10 cores')", /invalid quantity/);
  });
});

describe('Kubernetes IP and CIDR libraries', () => {
  it('parses strictly and prints canonically', () => {
    expect(formatIP(parseIP('2001:DB8:0:0:0:0:0:1') as number[])).toBe('2001:db8::1');
    expect(formatIP(parseIP('2001:db8:0:1:0:0:0:1') as number[])).toBe('2001:db8:0:1::1');
    expect(formatIP(parseIP('::') as number[])).toBe('::');
    expect(formatIP(parseIP('fe80:0:0:1:0:0:0:0') as number[])).toBe('fe80:0:0:1::');
    // Equal runs of zeros: the first one is shortened.
    expect(formatIP(parseIP('fe80:0:0:0:1:0:0:0') as number[])).toBe('fe80::1:0:0:0');
    for (const bad of ['10.0.0.01', '256.0.0.1', '1.2.3', 'fe80::1%eth0', '::ffff:10.0.0.1', '1:2:3:4:5:6:7::8', '1::2::3', 'abc']) expect(typeof parseIP(bad), bad).toBe('string');
  });

  it('answers the address questions', () => {
    allTrue([
      "isIP('10.0.0.1') && isIP('::1') && !isIP('10.0.0.256')",
      "ip('10.0.0.1').family() == 4 && ip('::1').family() == 6",
      "ip('127.0.0.1').isLoopback() && ip('::1').isLoopback()",
      "ip('0.0.0.0').isUnspecified() && ip('::').isUnspecified()",
      "ip('169.254.1.1').isLinkLocalUnicast() && ip('fe80::1').isLinkLocalUnicast()",
      "ip('224.0.0.251').isLinkLocalMulticast() && ip('ff02::fb').isLinkLocalMulticast()",
      "ip('10.1.2.3').isGlobalUnicast() && !ip('255.255.255.255').isGlobalUnicast() && !ip('224.1.1.1').isGlobalUnicast()",
      "ip.isCanonical('2001:db8::1') && !ip.isCanonical('2001:DB8::1')",
      "string(ip('2001:DB8::0:1')) == '2001:db8::1'",
      "ip('10.0.0.1') == ip('10.0.0.1')",
    ]);
    fails("ip('fe80::1%eth0')", /zone is not allowed/);
    fails("ip('::ffff:1.2.3.4')", /IPv4-mapped/);
  });

  it('answers the range questions', () => {
    allTrue([
      "cidr('10.0.0.0/8').containsIP(ip('10.200.0.1')) && !cidr('10.0.0.0/8').containsIP('11.0.0.1')",
      "cidr('10.0.0.0/8').containsCIDR('10.1.0.0/16') && !cidr('10.1.0.0/16').containsCIDR('10.0.0.0/8')",
      "cidr('2001:db8::/32').containsIP('2001:db8:1::1') && !cidr('2001:db8::/32').containsIP('10.0.0.1')",
      "cidr('10.1.2.3/8').ip() == ip('10.1.2.3')",
      "string(cidr('10.1.2.3/8').masked()) == '10.0.0.0/8'",
      "cidr('192.168.0.0/16').prefixLength() == 16",
      "isCIDR('10.0.0.0/8') && !isCIDR('10.0.0.0/33') && !isCIDR('10.0.0.0/08') && !isCIDR('10.0.0.0')",
    ]);
  });
});

describe('Kubernetes URL library', () => {
  it('takes absolute URIs and absolute paths only', () => {
    expect(parseURL('https://example.com/a')).toMatchObject({ scheme: 'https', host: 'example.com', path: '/a' });
    expect(parseURL('/healthz')).toMatchObject({ scheme: '', host: '', path: '/healthz' });
    for (const bad of ['', 'example.com/a', ':foo', 'https://exa mple.com:x/', 'https://host/%zz']) expect(typeof parseURL(bad), bad).toBe('string');
  });

  it('takes URLs apart', () => {
    allTrue([
      "url('HTTPS://example.com:8443/a/b?x=1&x=2&y=%20z').getScheme() == 'https'",
      "url('https://example.com:8443/a').getHost() == 'example.com:8443'",
      "url('https://example.com:8443/a').getHostname() == 'example.com'",
      "url('https://example.com:8443/a').getPort() == '8443'",
      "url('https://[::1]:80/').getHostname() == '::1' && url('https://[::1]:80/').getHost() == '[::1]:80'",
      "url('https://example.com/').getPort() == ''",
      "url('https://example.com/a%20b/c d').getEscapedPath() == '/a%20b/c%20d'",
      "url('https://example.com/?x=1&x=2&y=%20z').getQuery() == {'x': ['1', '2'], 'y': [' z']}",
      "isURL('/healthz') && !isURL('healthz')",
    ]);
    fails("url('example.com')", /invalid URL/);
  });
});

describe('Kubernetes list and regex libraries, sets, strings', () => {
  it('lists', () => {
    allTrue([
      '[1, 2, 2, 3].isSorted() && ![2, 1].isSorted() && ["a", "b"].isSorted()',
      '[1, 2, 3].sum() == 6 && [0.5, 0.25].sum() == 0.75 && [].sum() == 0',
      '[3, 1, 2].min() == 1 && [3, 1, 2].max() == 3 && ["b", "a"].min() == "a"',
      '[1, 2, 1].indexOf(1) == 0 && [1, 2, 1].lastIndexOf(1) == 2 && [1].indexOf(5) == -1',
    ]);
    fails('[].min()', /empty list/);
  });

  it('regular expressions behave like RE2', () => {
    allTrue([
      "'abc123def45'.find('[0-9]+') == '123'",
      "'abc'.find('[0-9]+') == ''",
      "'abc123def45'.findAll('[0-9]+') == ['123', '45']",
      "'a1b2c3'.findAll('[0-9]', 2) == ['1', '2']",
      "'Hello'.matches('(?i)^hello$')",
      // RE2 matches anywhere unless anchored.
      "'registry.example.com/app'.matches('example')",
      // Linear time: a pattern that makes backtracking engines hang returns at once.
      "!('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!'.matches('^(a+)+$'))",
    ]);
    fails("'a'.matches(dyn('(') + '')", /invalid regular expression/);
  });

  it('sets and the extended strings library', () => {
    allTrue([
      'sets.contains([1, 2, 3], [3, 1]) && !sets.contains([1], [2])',
      'sets.equivalent([1, 2, 2], [2, 1]) && sets.intersects([1, 2], [2, 5]) && !sets.intersects([1], [2])',
      "'a,b'.split(',') == ['a', 'b'] && ['a', 'b'].join('-') == 'a-b'",
      "'Hello'.lowerAscii() == 'hello' && ' x '.trim() == 'x' && 'hello'.substring(1, 3) == 'el'",
      "'hello'.indexOf('l') == 2 && 'hello'.lastIndexOf('l') == 3 && 'hello'.charAt(1) == 'e'",
      "'a-a'.replace('a', 'b') == 'b-b'",
      "'%s has %d containers'.format(['agent', 2]) == 'agent has 2 containers'",
    ]);
  });
});
