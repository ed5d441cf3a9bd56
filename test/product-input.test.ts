import { describe, expect, it } from 'vitest';
import { MARKETPLACES, MARKETPLACE_TLDS } from '../src/marketplaces.js';
import { ProductInputError, parseProductInput } from '../src/products/product-input.js';

describe('product input', () => {
  it('reads the marketplace and ASIN from a product URL of each of the 20 marketplaces', () => {
    for (const tld of MARKETPLACE_TLDS) {
      const host = MARKETPLACES.get(tld)!.host;
      expect(parseProductInput(`https://${host}/Some-Product-Name/dp/B00N150YS4/ref=sr_1_1?keywords=x&th=1`)).toEqual({ tld, asin: 'B00N150YS4' });
    }
  });

  it('reads the other URL shapes Amazon links use', () => {
    expect(parseProductInput('https://www.amazon.de/gp/product/b08wc37lyb?psc=1')).toEqual({ tld: 'de', asin: 'B08WC37LYB' });
    expect(parseProductInput('https://m.amazon.co.jp/gp/aw/d/B0BSL6P6WJ')).toEqual({ tld: 'co.jp', asin: 'B0BSL6P6WJ' });
    expect(parseProductInput('amazon.com.br/dp/B076QFXQK5')).toEqual({ tld: 'com.br', asin: 'B076QFXQK5' });
    expect(parseProductInput('https://www.amazon.fr/-/en/dp/B09PRB88ZK#reviews')).toEqual({ tld: 'fr', asin: 'B09PRB88ZK' });
    expect(parseProductInput('https://smile.amazon.com/exec/obidos/ASIN/0135048761/')).toEqual({ tld: 'com', asin: '0135048761' });
    expect(parseProductInput(' b00n150ys4 ')).toEqual({ tld: null, asin: 'B00N150YS4' });
  });

  it('rejects what is not an Amazon product of a known marketplace', () => {
    for (const bad of ['https://www.amazon.cn/dp/B00N150YS4', 'https://evil.example/dp/B00N150YS4', 'https://www.amazon.com/s?k=charger', 'ftp://www.amazon.com/dp/B00N150YS4', 'hello world', 'https://amazon.com.evil.example/dp/B00N150YS4']) {
      expect(() => parseProductInput(bad), bad).toThrow(ProductInputError);
    }
  });
});
