import { describe, expect, it } from 'vitest';
import { formatAmount, formatChange, formatCount, formatMoney, formatRating, parseAmount } from '../src/display/money.js';
import { MARKETPLACES, MARKETPLACE_TLDS, marketplaceFor } from '../src/marketplaces.js';

const m = (tld: string) => marketplaceFor(tld)!;

describe('money display', () => {
  it('writes minor units in each marketplace\'s separators and symbol', () => {
    expect(formatMoney(1248, m('com'))).toBe('$12.48');
    expect(formatMoney(129900, m('de'))).toBe('1.299,00\u00a0€');
    expect(formatMoney(129900, m('fr'))).toBe('1\u00a0299,00\u00a0€');
    expect(formatMoney(1980, m('co.jp'))).toBe('¥1,980');
    expect(formatMoney(5, m('co.uk'))).toBe('£0.05');
    expect(formatMoney(123456789, m('pl'))).toBe('1\u00a0234\u00a0567,89\u00a0zł');
    expect(formatMoney(-250, m('com'))).toBe('-$2.50');
    expect(formatChange(-250, m('de'))).toBe('-2,50\u00a0€');
    expect(formatChange(150, m('com'))).toBe('+$1.50');
  });

  it('is exact where floats drift (0.1 + 0.2, 2^53 - 1)', () => {
    // 1.005 * 100 is 100.49999999999999 in floating point; the digits stay exact here.
    expect(formatAmount(100499, { minorDigits: 2, decimalSeparator: '.', groupSeparator: '' })).toBe('1004.99');
    expect(formatAmount(30, { minorDigits: 2, decimalSeparator: '.', groupSeparator: ',' })).toBe('0.30');
    expect(formatAmount(Number.MAX_SAFE_INTEGER, { minorDigits: 2, decimalSeparator: '.', groupSeparator: ',' })).toBe('90,071,992,547,409.91');
    expect(() => formatAmount(12.5, { minorDigits: 2, decimalSeparator: '.', groupSeparator: ',' })).toThrow(RangeError);
  });

  it('has a symbol for every marketplace currency', () => {
    for (const tld of MARKETPLACE_TLDS) {
      const text = formatMoney(100, MARKETPLACES.get(tld)!);
      expect(text, tld).not.toContain(MARKETPLACES.get(tld)!.currency === 'USD' ? 'USD' : '\u00a0' + MARKETPLACES.get(tld)!.currency);
    }
  });

  it('writes ranks and ratings', () => {
    expect(formatCount(1234567, m('de'))).toBe('1.234.567');
    expect(formatRating(45)).toBe('4.5');
    expect(formatRating(50)).toBe('5.0');
  });
});

describe('typed amounts', () => {
  it('reads amounts into minor units without floats', () => {
    const usd = { minorDigits: 2 };
    expect(parseAmount('12.99', usd)).toBe(1299);
    expect(parseAmount('12,99', usd)).toBe(1299);
    expect(parseAmount('1.299,00', usd)).toBe(129900);
    expect(parseAmount('1,299.5', usd)).toBe(129950);
    expect(parseAmount('$ 0.07', usd)).toBe(7);
    expect(parseAmount('1005', usd)).toBe(100500);
    expect(parseAmount('1,980', { minorDigits: 0 })).toBe(1980);
    for (const bad of ['', 'abc', '-5', '.', ',5']) expect(parseAmount(bad, usd), bad).toBeNull();
  });

  it('refuses more fraction digits than the currency has after the marketplace\'s decimal separator', () => {
    const com = m('com');
    const de = m('de');
    expect(parseAmount('19.999', com)).toBeNull();
    expect(parseAmount('1,299.999', com)).toBeNull();
    expect(parseAmount('19.99', com)).toBe(1999);
    expect(parseAmount('1,299', com)).toBe(129900); // "," is not the decimal separator on .com: thousands
    expect(parseAmount('19,999', de)).toBeNull();
    expect(parseAmount('1.299', de)).toBe(129900);
    expect(parseAmount('19,99', de)).toBe(1999);
    expect(parseAmount('1.980', m('co.jp'))).toBe(1980); // no minor digits: every separator groups
  });
});
