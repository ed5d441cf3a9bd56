// Products that replay the shapes of the real Keepa histories in ../shared/fixtures/keepa:
// each copy keeps a real product's time gaps and value changes, shifted in time and
// scaled in value per copy (prices and ranks; ratings and counts as they were), under an
// ASIN of its own. Used by the import and storage benchmarks.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CSV_TYPES } from '../src/keepa/csv-type.js';
import { numericStride, type NumericSeriesName } from '../src/keepa/history-series.js';
import { mulberry32 } from './prng.js';

const FIXTURES = fileURLToPath(new URL('../../shared/fixtures/keepa/', import.meta.url));

type Product = Record<string, any>;

/** One capture of each real product (the first file of each ASIN). */
export function realProducts(): Product[] {
  const files = [
    `${FIXTURES}product_B0D8W1YVBX_us_stats180_buybox_rating.json`,
    ...readdirSync(`${FIXTURES}more`).filter((f) => /^[0-9A-Z]{10}_[a-z]+\.json$/.test(f)).sort().map((f) => `${FIXTURES}more/${f}`),
  ];
  return files.map((file) => {
    const json = JSON.parse(readFileSync(file, 'utf8'));
    return (Array.isArray(json.products) ? json.products : [json])[0] as Product;
  });
}

function replay(flat: number[], stride: number, shift: number, scale: number | null): number[] {
  const out = flat.slice();
  for (let i = 0; i < out.length; i += stride) {
    out[i] = out[i]! + shift;
    if (scale !== null && out[i + 1]! > 0) out[i + 1] = Math.max(1, Math.round(out[i + 1]! * scale));
  }
  return out;
}

/** Copy `index` of `real`: times shifted back by up to a year, prices and ranks scaled by 0.7–1.4. */
export function shiftedProduct(real: Product, index: number): Product {
  const random = mulberry32(1000 + index);
  // back by up to a year, never before Keepa minute 0 (2011)
  let first = Infinity;
  for (const series of (real.csv as Array<number[] | null>)) if (series?.length) first = Math.min(first, series[0]!);
  const shift = -Math.floor(random() * Math.min(525_600, Number.isFinite(first) ? first : 0));
  const scale = 0.7 + random() * 0.7;
  const csv = (real.csv as Array<number[] | null>).map((series, slot) => {
    if (!series) return null;
    const kind = CSV_TYPES[slot]?.kind;
    return replay(series, numericStride(`csv:${slot}` as NumericSeriesName), shift, kind === 'price' || kind === 'rank' ? scale : null);
  });
  const salesRanks = real.salesRanks
    ? Object.fromEntries(Object.entries(real.salesRanks as Record<string, number[]>).map(([id, s]) => [id, replay(s, 2, shift, scale)]))
    : real.salesRanks;
  const { stats: _stats, ...rest } = real;
  return { ...rest, asin: `B0S${String(index).padStart(7, '0')}`, csv, salesRanks };
}

let cache: Product[] | null = null;

/** `count` real-shaped products from copy number `from` on, cycling through the real ones. */
export function realShapedProducts(count: number, from = 0): Product[] {
  const real = (cache ??= realProducts());
  return Array.from({ length: count }, (_, i) => shiftedProduct(real[(from + i) % real.length]!, from + i));
}
