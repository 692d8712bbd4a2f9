/**
 * The Kubernetes quantity library: `quantity('500m')`, `isQuantity(s)`, and on a Quantity `isInteger()`,
 * `asInteger()`, `asApproximateFloat()`, `sign()`, `add(q|int)`, `sub(q|int)`, `isGreaterThan(q)`, `isLessThan(q)`,
 * `compareTo(q)`. Values are exact decimals (a mantissa and a power of ten), so `1.5Gi` and `0.1` keep every digit.
 */
import { CelScalar, celFunc, celMethod, type CelFunc } from '@bufbuild/cel';
import { QUANTITY, textOf } from './types.js';

const { BOOL, DOUBLE, INT, STRING } = CelScalar;
const Q = QUANTITY.type;

/** mant × 10^exp, with no trailing zeros in `mant` (zero is 0 × 10^0). */
export interface Decimal {
  mant: bigint;
  exp: number;
}

const BINARY: Record<string, bigint> = { Ki: 1n << 10n, Mi: 1n << 20n, Gi: 1n << 30n, Ti: 1n << 40n, Pi: 1n << 50n, Ei: 1n << 60n };
const DECIMAL: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const SYNTAX = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(?:(Ki|Mi|Gi|Ti|Pi|Ei)|[eE]([+-]?\d+)|(n|u|m|k|M|G|T|P|E)?)$/;
/** Exponents beyond this are not quantities anyone writes; refusing them keeps the arithmetic small. */
const MAX_EXPONENT = 1000;
const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

function normalize(mant: bigint, exp: number): Decimal {
  if (mant === 0n) return { mant: 0n, exp: 0 };
  while (mant % 10n === 0n) {
    mant /= 10n;
    exp++;
  }
  return { mant, exp };
}

/** Parse a Kubernetes quantity (`128Mi`, `0.5`, `250m`, `1e3`, `+2k`); undefined when it is not one. */
export function parseQuantity(text: string): Decimal | undefined {
  const m = SYNTAX.exec(text.trim() === text ? text : '');
  if (!m) return undefined;
  const [, sign, number, binary, exponent, decimal] = m;
  const [whole, fraction = ''] = number!.split('.');
  let mant = BigInt(`${whole || '0'}${fraction}`);
  let exp = -fraction.length;
  if (binary) mant *= BINARY[binary]!;
  else if (exponent !== undefined) {
    const e = Number(exponent);
    if (Math.abs(e) > MAX_EXPONENT) return undefined;
    exp += e;
  } else exp += DECIMAL[decimal ?? '']!;
  return normalize(sign === '-' ? -mant : mant, exp);
}

function align(a: Decimal, b: Decimal): [bigint, bigint, number] {
  const exp = Math.min(a.exp, b.exp);
  return [a.mant * 10n ** BigInt(a.exp - exp), b.mant * 10n ** BigInt(b.exp - exp), exp];
}

export function compare(a: Decimal, b: Decimal): number {
  const [x, y] = align(a, b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function add(a: Decimal, b: Decimal, sign: 1n | -1n): Decimal {
  const [x, y, exp] = align(a, b);
  return normalize(x + sign * y, exp);
}

/** The value as an int64, or undefined when it has a fraction or does not fit. */
function asInt64(d: Decimal): bigint | undefined {
  if (d.exp < 0) return undefined;
  if (d.exp > 19) return undefined;
  const v = d.mant * 10n ** BigInt(d.exp);
  return v >= INT64_MIN && v <= INT64_MAX ? v : undefined;
}

const canonical = (d: Decimal) => `${d.mant}e${d.exp}`;
const make = (d: Decimal) => QUANTITY.make(canonical(d));

function decimalOf(q: unknown): Decimal {
  const [mant, exp] = textOf(q).split('e');
  return { mant: BigInt(mant!), exp: Number(exp) };
}

function parseOrThrow(text: string): Decimal {
  const d = parseQuantity(text);
  if (!d) throw new Error(`invalid quantity ${JSON.stringify(text)}: expected a number with an optional suffix such as 500m, 128Mi or 1e3`);
  return d;
}

const fromInt = (n: bigint): Decimal => normalize(n, 0);

export const quantityFunctions: CelFunc[] = [
  celFunc('quantity', [STRING], Q, (s) => make(parseOrThrow(s)) as never),
  celFunc('isQuantity', [STRING], BOOL, (s) => parseQuantity(s) !== undefined),
  celMethod('isInteger', Q, [], BOOL, function () {
    return asInt64(decimalOf(this)) !== undefined;
  }),
  celMethod('asInteger', Q, [], INT, function () {
    const v = asInt64(decimalOf(this));
    if (v === undefined) throw new Error('cannot convert the quantity to an integer: it has a fraction or does not fit in 64 bits');
    return v;
  }),
  celMethod('asApproximateFloat', Q, [], DOUBLE, function () {
    const d = decimalOf(this);
    return Number(`${d.mant}e${d.exp}`);
  }),
  celMethod('sign', Q, [], INT, function () {
    const m = decimalOf(this).mant;
    return m > 0n ? 1n : m < 0n ? -1n : 0n;
  }),
  celMethod('add', Q, [Q], Q, function (other) {
    return make(add(decimalOf(this), decimalOf(other), 1n)) as never;
  }),
  celMethod('add', Q, [INT], Q, function (n) {
    return make(add(decimalOf(this), fromInt(n), 1n)) as never;
  }),
  celMethod('sub', Q, [Q], Q, function (other) {
    return make(add(decimalOf(this), decimalOf(other), -1n)) as never;
  }),
  celMethod('sub', Q, [INT], Q, function (n) {
    return make(add(decimalOf(this), fromInt(n), -1n)) as never;
  }),
  celMethod('isGreaterThan', Q, [Q], BOOL, function (other) {
    return compare(decimalOf(this), decimalOf(other)) > 0;
  }),
  celMethod('isLessThan', Q, [Q], BOOL, function (other) {
    return compare(decimalOf(this), decimalOf(other)) < 0;
  }),
  celMethod('compareTo', Q, [Q], INT, function (other) {
    return BigInt(compare(decimalOf(this), decimalOf(other)));
  }),
];
