// Prices as printed on Amazon ("1.299,00 €", "¥1,299", "₹1,299.00", "R$ 1.299,90",
// "1 299,00 zł", "AED26.00", "٥٩٫٠٠ جنيه") → exact integer minor units and an ISO currency.
// No floating-point arithmetic touches the amount: digits are concatenated as strings.
import { MARKETPLACES, type MarketplaceTld } from '../../marketplaces.js';
import { currencyIn, minorDigitsOf } from './currencies.js';
import { normalizeDigits, numberTokens, type NumberToken } from './numbers.js';

export interface ParsedPrice {
  /** Integer amount in minor units of `currency` (cents, pence, yen). */
  readonly minor: number;
  readonly currency: string;
}

function markerBefore(text: string, token: NumberToken, tld: MarketplaceTld): string | undefined {
  const match = /([^\d\s]{1,6})\s*$/.exec(text.slice(Math.max(0, token.index - 8), token.index));
  return match ? currencyIn(match[1], tld) : undefined;
}

function markerAfter(text: string, token: NumberToken, tld: MarketplaceTld): string | undefined {
  const end = token.index + token.raw.length;
  const match = /^\s*([^\d\s]{1,6})/.exec(text.slice(end, end + 8));
  return match ? currencyIn(match[1], tld) : undefined;
}

function toMinor(token: NumberToken, currency: string): number | null {
  const digits = minorDigitsOf(currency);
  let fraction = token.fraction;
  if (fraction.length > digits) {
    // "¥1,299.00" is still exact; "¥1,299.50" cannot be stored in yen.
    if (!/^0*$/.test(fraction.slice(digits))) return null;
    fraction = fraction.slice(0, digits);
  }
  const minor = Number(token.whole + fraction.padEnd(digits, '0'));
  return Number.isSafeInteger(minor) ? minor : null;
}

export interface ParsePriceOptions {
  /** Only a number printed next to a currency marker counts (free text with dates in it). */
  readonly requireCurrency?: boolean;
}

/**
 * The first price in `text`: the first number next to a currency marker, else the first
 * number that is not a percentage, in the marketplace's currency. Null when there is none.
 */
export function parsePrice(text: string | null | undefined, tld: MarketplaceTld, options: ParsePriceOptions = {}): ParsedPrice | null {
  if (!text) return null;
  const normalized = normalizeDigits(text);
  const tokens = numberTokens(normalized, 2);
  if (tokens.length === 0) return null;
  for (const token of tokens) {
    const currency = markerBefore(normalized, token, tld) ?? markerAfter(normalized, token, tld);
    if (currency) {
      const minor = toMinor(token, currency);
      if (minor !== null) return { minor, currency };
    }
  }
  if (options.requireCurrency) return null;
  const plain = tokens.find((t) => !/^\s*%/.test(normalized.slice(t.index + t.raw.length)));
  if (!plain) return null;
  const currency = currencyIn(normalized, tld) ?? MARKETPLACES.get(tld)!.currency;
  const minor = toMinor(plain, currency);
  return minor === null ? null : { minor, currency };
}

/** ASA's decimal number for an exact minor amount (12345, 2 → 123.45), built from digits. */
export function minorToDecimal(minor: number, currency: string): number {
  const digits = minorDigitsOf(currency);
  if (digits === 0) return minor;
  const negative = minor < 0;
  const text = String(Math.abs(minor)).padStart(digits + 1, '0');
  const decimal = `${text.slice(0, -digits)}.${text.slice(-digits)}`;
  return Number(negative ? `-${decimal}` : decimal);
}

/** Exact minor units of a decimal amount given as a number or string (ASA JSON: 299.99). */
export function decimalToMinor(value: number | string | null | undefined, currency: string): number | null {
  if (value === null || value === undefined || value === '') return null;
  const text = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : value.trim();
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) return null;
  const digits = minorDigitsOf(currency);
  const fraction = (match[3] ?? '').padEnd(digits, '0');
  if (fraction.length > digits && !/^0*$/.test(fraction.slice(digits))) return null;
  const minor = Number(`${match[1]}${match[2]}${fraction.slice(0, digits)}`);
  return Number.isSafeInteger(minor) ? minor : null;
}
