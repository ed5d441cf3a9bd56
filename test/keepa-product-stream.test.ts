import { describe, expect, it } from 'vitest';
import { ProductFramer } from '../src/keepa/product-framer.js';
import { productsOfStream } from '../src/keepa/product-stream.js';
import { storableJson, storableString } from '../src/keepa/storable-text.js';
import { KEEPA_FULL, keepaFixture } from './helpers/fixtures.js';

/** Frames `doc` fed in pieces of `size` bytes. */
function frame(doc: string, size: number) {
  const framer = new ProductFramer();
  const bytes = Buffer.from(doc);
  const texts: string[] = [];
  for (let i = 0; i < bytes.length; i += size) texts.push(...framer.push(bytes.subarray(i, i + size)));
  return { texts, rest: framer.rest(), array: framer.hasProductArray };
}

async function* chunksOf(doc: string, size: number): AsyncGenerator<Buffer> {
  const bytes = Buffer.from(doc);
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function collect(doc: string, size = 7) {
  const items = [];
  for await (const item of productsOfStream(chunksOf(doc, size))) items.push(item);
  return items;
}

describe('product framer', () => {
  const docs = {
    envelope: '{"timestamp": 1, "x": {"products": [9]}, "products": [ {"q": "]}\\"{,"}, {"b": [1, [2]]} ], "tokensLeft": 3}',
    array: '[{"a": "ü€"}, {"b": {"c": []}} ,\n{"d": "\\\\"}]',
    bare: '{"asin": "B000000001", "domainId": 1, "csv": [[1, 2]]}',
  };

  for (const size of [1, 2, 3, 5, 64, 1 << 20]) {
    it(`cuts every layout the same whatever the chunk size (${size} bytes)`, () => {
      expect(frame(docs.envelope, size)).toEqual({
        texts: ['{"q": "]}\\"{,"}', '{"b": [1, [2]]}'],
        rest: '{"timestamp": 1, "x": {"products": [9]}, "products": [], "tokensLeft": 3}',
        array: true,
      });
      expect(frame(docs.array, size)).toEqual({ texts: ['{"a": "ü€"}', '{"b": {"c": []}}', '{"d": "\\\\"}'], rest: '[]', array: true });
      expect(frame(docs.bare, size)).toEqual({ texts: [], rest: docs.bare, array: false });
    });
  }

  it('jumps over arrays of numbers only where nothing inside them changes the depth', () => {
    const products = [
      { csv: [[1, 2, -3], [4, '] }'], [5, { x: ']' }], [6, [7, 8]], [-9, [], 10]], offers: [{ offerCSV: [1, 2] }] },
      { s: '[1, 2]', t: [0, '[', 1] },
    ];
    const doc = JSON.stringify({ products });
    for (const size of [1, 3, 7, 64, 1 << 20]) {
      expect(frame(doc, size).texts.map((t) => JSON.parse(t))).toEqual(products);
    }
  });

  it('passes scalar elements on for the caller to reject', () => {
    expect(frame('[1, "x,]", null]', 2).texts).toEqual(['1', '"x,]"', 'null']);
  });

  it('skips a UTF-8 byte order mark', () => {
    expect(frame('\ufeff[{"a":1}]', 3).texts).toEqual(['{"a":1}']);
  });

  it('frames a real Keepa response to the products JSON.parse finds', () => {
    const doc = JSON.stringify(keepaFixture(KEEPA_FULL));
    const { texts, rest } = frame(doc, 4096);
    expect(texts.map((t) => JSON.parse(t))).toEqual(keepaFixture(KEEPA_FULL).products);
    expect(JSON.parse(rest).products).toEqual([]);
  });
});

describe('products of a stream', () => {
  const product = (asin: string, extra: Record<string, unknown> = {}) => ({ asin, domainId: 1, csv: [[8000000, 1999]], ...extra });

  it('reports a malformed product with its index and goes on', async () => {
    const doc = `{"products": [${JSON.stringify(product('B000000001'))}, {"asin": "B000000002", "domainId": 1, "csv": [[1, 2, 3]]},` +
      ` {"asin": "B000000003", "csv": [[1, tru]]}, ${JSON.stringify(product('B000000004'))}]}`;
    const items = await collect(doc);
    expect(items.map((i) => i.kind)).toEqual(['product', 'rejected', 'rejected', 'product']);
    expect(items[1]).toMatchObject({ index: 1, message: 'products[1]: csv:0: length 3 is not a multiple of 2' });
    expect(items[2]).toMatchObject({ index: 2, message: expect.stringMatching(/^products\[2\]: not valid JSON/) });
    expect(items[3]).toMatchObject({ index: 3, parts: { asin: 'B000000004' } });
  });

  it('yields the products before a cut, then says the file is cut', async () => {
    const doc = `[${JSON.stringify(product('B000000001'))}, {"asin": "B0000`;
    const seen: string[] = [];
    await expect(async () => {
      for await (const item of productsOfStream(chunksOf(doc, 5))) if (item.kind === 'product') seen.push(item.parts.asin);
    }).rejects.toThrow(/not valid JSON \(after 1 product\(s\)\)/);
    expect(seen).toEqual(['B000000001']);
  });

  it('reads a bare product, an empty envelope, and refuses what is no /product response', async () => {
    expect((await collect(JSON.stringify(product('B000000001'))))[0]).toMatchObject({ kind: 'product', index: 0 });
    expect(await collect('{"products": null}')).toEqual([]);
    await expect(collect('{"trackingNotificationCause": 1}')).rejects.toThrow(/tracking notification/);
    await expect(collect('{"hello": 1}')).rejects.toThrow(/not a Keepa \/product response/);
  });

  it('replaces NUL and lone surrogates in text, and counts them per product', async () => {
    const doc = JSON.stringify([product('B000000001', {
      title: 'a\u0000b', brand: 'x\ud800y', features: ['ok', 'z\udc00'], ['k\u0000']: 1,
      buyBoxSellerIdHistory: ['8000000', 'A\u0000B'],
    })]);
    const [item] = await collect(doc);
    expect(item).toMatchObject({ kind: 'product', cleaned: 5 });
    if (item?.kind !== 'product') throw new Error('unreachable');
    expect(item.parts.meta).toMatchObject({ title: 'a\ufffdb', brand: 'x\ufffdy', features: ['ok', 'z\ufffd'], 'k\ufffd': 1 });
    expect(item.parts.text.get('buyBoxSellerIdHistory')).toEqual([{ t: 8000000, values: ['A\ufffdB'] }]);
  });
});

describe('storable text', () => {
  it('keeps surrogate pairs and plain text untouched, and the same objects when nothing changes', () => {
    expect(storableString('emoji 😀 ok')).toBe('emoji 😀 ok');
    expect(storableString('\ud83d')).toBe('\ufffd');
    expect(storableString('\ude00\ud83d\ude00')).toBe('\ufffd😀');
    const value = { a: ['x', 1, { b: 'y' }] };
    const cleaned = { count: 0 };
    expect(storableJson(value, cleaned)).toBe(value);
    expect(cleaned.count).toBe(0);
  });
});
