// Locale price, count and rating parsing: exact minor units from every marketplace's
// number format, never through floating-point arithmetic on cents.
import { describe, expect, it } from 'vitest';
import { MARKETPLACE_TLDS, MARKETPLACES, type MarketplaceTld } from '../src/marketplaces.js';
import { decimalToMinor, minorToDecimal, parsePrice } from '../src/scraper/index.js';
import { parseCount } from '../src/scraper/locale/numbers.js';
import { parseRating } from '../src/scraper/locale/rating.js';

describe('parsePrice', () => {
  it.each([
    ['1.299,00 €', 'de', 129900, 'EUR'],
    ['2.998,00€', 'de', 299800, 'EUR'],
    ['€379.00', 'de', 37900, 'EUR'],
    ['1.299 €', 'de', 129900, 'EUR'],
    ['12,5 €', 'fr', 1250, 'EUR'],
    ['¥1,299', 'co.jp', 1299, 'JPY'],
    ['￥12,800', 'co.jp', 12800, 'JPY'],
    ['1,299円', 'co.jp', 1299, 'JPY'],
    ['₹1,299.00', 'in', 129900, 'INR'],
    ['₹ 759', 'in', 75900, 'INR'],
    ['₹1,29,999', 'in', 12999900, 'INR'],
    ['R$ 1.299,90', 'com.br', 129990, 'BRL'],
    ['1\u00a0299,00\u00a0zł', 'pl', 129900, 'PLN'],
    ['1 299,00 kr', 'se', 129900, 'SEK'],
    ['1.234,56 TL', 'com.tr', 123456, 'TRY'],
    ['AED26.00AED26.00', 'ae', 2600, 'AED'],
    ['SAR 1,299.00', 'sa', 129900, 'SAR'],
    ['٥٩٫٠٠ جنيه', 'eg', 5900, 'EGP'],
    ['$1,299.00', 'com.mx', 129900, 'MXN'],
    ['$19.99', 'ca', 1999, 'CAD'],
    ['1 299,00 $', 'ca', 129900, 'CAD'],
    ['S$12.90', 'sg', 1290, 'SGD'],
    ['$24.95', 'com.au', 2495, 'AUD'],
    ['£4.35', 'co.uk', 435, 'GBP'],
    ['€ 0,29', 'nl', 29, 'EUR'],
    ['$12.48 ($6.24 / Pack)', 'com', 1248, 'USD'],
    ['-27% €379.00', 'de', 37900, 'EUR'],
    ['Neu (6) ab 570,01 €', 'de', 57001, 'EUR'],
  ] as const)('%s on %s → %i %s', (text, tld, minor, currency) => {
    expect(parsePrice(text, tld)).toEqual({ minor, currency });
  });

  it('returns null when there is no price', () => {
    expect(parsePrice('', 'com')).toBeNull();
    expect(parsePrice('Currently unavailable.', 'com')).toBeNull();
    expect(parsePrice('-10%', 'com')).toBeNull();
    expect(parsePrice('Delivery Friday, Sep 3', 'com', { requireCurrency: true })).toBeNull();
  });

  it('refuses a yen amount with a fraction it cannot store', () => {
    expect(parsePrice('¥1,299.50', 'co.jp')).toBeNull();
    expect(parsePrice('¥1,299.00', 'co.jp')).toEqual({ minor: 1299, currency: 'JPY' });
  });

  it('is exact for every cent where float arithmetic is not (x.xx * 100)', () => {
    let floatWrong = 0;
    const wrong: string[] = [];
    for (let cents = 0; cents < 100_000; cents++) {
      const text = `$${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
      if (parsePrice(text, 'com')?.minor !== cents) wrong.push(text);
      if (Number(text.slice(1)) * 100 !== cents) floatWrong++;
    }
    expect(wrong).toEqual([]);
    // The naive way really is wrong here, so this test can tell the difference.
    expect(floatWrong).toBeGreaterThan(1000);
  });

  it("parses each marketplace's own number format in its currency and digits", () => {
    for (const tld of MARKETPLACE_TLDS) {
      const market = MARKETPLACES.get(tld)!;
      const amount = `1${market.groupSeparator}299${market.minorDigits === 0 ? '' : `${market.decimalSeparator}50`}`;
      const expected = market.minorDigits === 0 ? 1299 : 129950;
      expect(parsePrice(`${amount} ${market.currency}`, tld as MarketplaceTld), tld).toEqual({ minor: expected, currency: market.currency });
      expect(parsePrice(amount, tld as MarketplaceTld), `${tld} without a currency marker`).toEqual({ minor: expected, currency: market.currency });
    }
  });
});

describe('decimal ↔ minor units', () => {
  it('converts ASA decimals exactly', () => {
    expect(decimalToMinor(0.29, 'USD')).toBe(29);
    expect(decimalToMinor(4.35, 'GBP')).toBe(435);
    expect(decimalToMinor(299.99, 'USD')).toBe(29999);
    expect(decimalToMinor(1299, 'JPY')).toBe(1299);
    expect(decimalToMinor('12.5', 'EUR')).toBe(1250);
    expect(decimalToMinor(null, 'EUR')).toBeNull();
    expect(decimalToMinor(1.005, 'USD')).toBeNull();
  });

  it('turns minor units back into the same decimal', () => {
    for (const minor of [0, 1, 29, 435, 1999, 29999, 12345678]) {
      expect(decimalToMinor(minorToDecimal(minor, 'USD'), 'USD')).toBe(minor);
    }
    expect(minorToDecimal(1299, 'JPY')).toBe(1299);
    expect(minorToDecimal(5, 'EUR')).toBe(0.05);
  });
});

describe('counts and ratings', () => {
  it.each([
    ['14,652 ratings', 14652],
    ['(53)', 53],
    ['81 Sternebewertungen', 81],
    ['Nr. 322,644', 322644],
    ['1.234 valoraciones', 1234],
    ['1 234 oceny', 1234],
    ['(84.7K)', 84700],
    ['1K+ bought in past month', 1000],
    ['2M', 2000000],
  ] as const)('%s → %i', (text, value) => {
    expect(parseCount(text)).toBe(value);
  });

  it.each([
    ['4.5 out of 5 stars', 4.5],
    ['4,7 de 5 estrelas', 4.7],
    ['4,5 von 5 Sternen', 4.5],
    ['5つ星のうち4.3', 4.3],
    ['5 yıldız üzerinden 4,2', 4.2],
    ['5 out of 5 stars', 5],
    ['no rating', null],
  ] as const)('%s → %s', (text, value) => {
    expect(parseRating(text)).toBe(value);
  });
});
