// Currency markers as Amazon prints them, and the minor-unit digits of each currency.
// Markers are matched longest first, so "R$" wins over "$" and "MX$" over "$".
import { MARKETPLACES, type MarketplaceTld } from '../../marketplaces.js';

const MINOR_DIGITS: Readonly<Record<string, number>> = {
  USD: 2, GBP: 2, EUR: 2, PLN: 2, SEK: 2, CAD: 2, MXN: 2, BRL: 2, AUD: 2, JPY: 0,
  SGD: 2, INR: 2, TRY: 2, AED: 2, SAR: 2, EGP: 2, CNY: 2, CHF: 2,
};

export function minorDigitsOf(currency: string): number {
  return MINOR_DIGITS[currency] ?? 2;
}

/** A bare "$" means the marketplace's own dollar or peso; elsewhere it is USD. */
const DOLLAR_CURRENCIES = new Set(['USD', 'CAD', 'MXN', 'AUD', 'SGD']);

// Explicit codes and unambiguous symbols. Arabic markers as shown on amazon.ae/.sa/.eg in Arabic.
const MARKERS: ReadonlyArray<readonly [string, string]> = [
  ['US$', 'USD'], ['USD', 'USD'], ['CDN$', 'CAD'], ['CA$', 'CAD'], ['C$', 'CAD'], ['CAD', 'CAD'],
  ['MX$', 'MXN'], ['MXN', 'MXN'], ['R$', 'BRL'], ['BRL', 'BRL'], ['AU$', 'AUD'], ['A$', 'AUD'], ['AUD', 'AUD'],
  ['S$', 'SGD'], ['SGD', 'SGD'], ['€', 'EUR'], ['EUR', 'EUR'], ['£', 'GBP'], ['GBP', 'GBP'],
  ['¥', 'JPY'], ['円', 'JPY'], ['JPY', 'JPY'], ['₹', 'INR'], ['INR', 'INR'], ['Rs.', 'INR'],
  ['zł', 'PLN'], ['PLN', 'PLN'], ['SEK', 'SEK'], ['kr', 'SEK'], ['₺', 'TRY'], ['TRY', 'TRY'], ['TL', 'TRY'],
  ['AED', 'AED'], ['د.إ', 'AED'], ['درهم', 'AED'], ['SAR', 'SAR'], ['ر.س', 'SAR'], ['ريال', 'SAR'],
  ['EGP', 'EGP'], ['ج.م', 'EGP'], ['جنيه', 'EGP'],
];

const SORTED = [...MARKERS].sort((a, b) => b[0].length - a[0].length);

/** The currency a marker found in `text` names, or undefined. `$` resolves per marketplace. */
export function currencyIn(text: string, tld: MarketplaceTld): string | undefined {
  for (const [marker, code] of SORTED) {
    if (text.includes(marker)) return code;
  }
  if (text.includes('$')) {
    const own = MARKETPLACES.get(tld)!.currency;
    return DOLLAR_CURRENCIES.has(own) ? own : 'USD';
  }
  return undefined;
}
