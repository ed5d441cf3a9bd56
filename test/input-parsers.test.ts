// The one parser per concept that the CLI and every API read user input with: ASIN lists,
// domains (Keepa id, TLD or amazon.TLD) and tracking intervals.
import { describe, expect, it } from 'vitest';
import { isAsin, parseAsinList } from '../src/asins.js';
import { parseInterval } from '../src/interval.js';
import { parseDomain } from '../src/keepa/domains.js';
import { marketplaceFor } from '../src/marketplaces.js';

describe('parseAsinList', () => {
  it('splits on commas and white space, upper-cases, drops blanks and duplicates, keeps the first order', () => {
    expect(parseAsinList(' b00n150ys4, B07G2L3JMM,,B00N150YS4  b0brzxrbzl ')).toEqual({ asins: ['B00N150YS4', 'B07G2L3JMM', 'B0BRZXRBZL'], invalid: [] });
    expect(parseAsinList(['B00N150YS4', 'B07G2L3JMM,B0BRZXRBZL'])).toEqual({ asins: ['B00N150YS4', 'B07G2L3JMM', 'B0BRZXRBZL'], invalid: [] });
    expect(parseAsinList('')).toEqual({ asins: [], invalid: [] });
  });

  it('lists what is no ASIN, as given', () => {
    expect(parseAsinList('B00N150YS4,b0-bad,B00N150YS45,ÄÖÜ1234567')).toEqual({ asins: ['B00N150YS4'], invalid: ['b0-bad', 'B00N150YS45', 'ÄÖÜ1234567'] });
    expect([isAsin('B00N150YS4'), isAsin('b00n150ys4'), isAsin(1234567890), isAsin('B00N150YS')]).toEqual([true, false, false, false]);
  });
});

describe('parseDomain and marketplaceFor', () => {
  it('reads a Keepa id, a TLD or an Amazon host the same way', () => {
    for (const spelling of ['3', ' de ', 'DE', 'amazon.de', 'www.amazon.de', 3]) expect(parseDomain(spelling)?.id, String(spelling)).toBe(3);
    expect(parseDomain('www.amazon.co.uk')?.tld).toBe('co.uk');
    expect(parseDomain('107')?.tld).toBe('ae');
    expect(marketplaceFor('www.amazon.com.br')?.currency).toBe('BRL');
  });

  it('knows no other marketplace', () => {
    for (const junk of ['7', '0', 'cn', 'amazon.', 'de.', 'xx', '', '1e1', '-1']) expect(parseDomain(junk), junk).toBeUndefined();
    expect(marketplaceFor('3')).toBeUndefined(); // ids are Keepa's numbering, not a marketplace's name
  });
});

describe('parseInterval', () => {
  it('reads minutes, hours and days', () => {
    expect(['15m', '15', '90 min', '1h', '6H', '1d', ' 2d '].map(parseInterval)).toEqual([15, 15, 90, 60, 360, 1440, 2880]);
  });

  it('rejects what is not a positive interval', () => {
    for (const bad of ['0m', '0', '-1h', '1.5h', 'h', '1w', '', 'soon']) expect(parseInterval(bad), bad).toBeUndefined();
  });
});
