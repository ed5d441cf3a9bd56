// A Keepa product object split into what the store keeps (metadata + named series) and
// put back together. split → assemble is lossless for every field Keepa sends.
import { isAsin } from '../asins.js';
import { CSV_TYPE_COUNT } from './csv-type.js';
import {
  KeepaFormatError,
  csvIndexOf,
  csvSeriesName,
  decodeNumeric,
  decodeText,
  encodeNumeric,
  encodeText,
  TEXT_SERIES,
  type NumericPoint,
  type NumericSeriesName,
  type TextPoint,
  type TextSeriesName,
} from './history-series.js';
import { domainForId, type DomainId } from './domains.js';
import { buyBoxSnapshotFromKeepaStats } from './buy-box-observation.js';
import type { BuyBoxSnapshot } from './stats-types.js';

export type KeepaProduct = Record<string, unknown> & {
  asin: string;
  domainId: DomainId;
  csv: Array<number[] | null>;
};

export interface StoredProductParts {
  readonly domainId: DomainId;
  readonly asin: string;
  /** Every non-history field, exactly as Keepa sent it (`reviews` without its two histories). */
  readonly meta: Record<string, unknown>;
  readonly numeric: Map<NumericSeriesName, readonly NumericPoint[]>;
  readonly text: Map<TextSeriesName, TextPoint[]>;
}


/** Fields derived at request time or split into series; never kept in `meta`. */
const NOT_META = new Set(['csv', 'stats', 'salesRanks', 'monthlySoldHistory', 'couponHistory', ...Object.keys(TEXT_SERIES)]);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function arrayOrNull(product: Record<string, unknown>, key: string): unknown[] | null {
  const value = product[key];
  if (value === undefined || value === null) return null;
  if (!Array.isArray(value)) throw new KeepaFormatError(`${key} must be an array or null`);
  return value;
}

/** Validates a Keepa product object and splits it into metadata and named series. */
export function splitKeepaProduct(product: unknown): StoredProductParts {
  if (!isRecord(product)) throw new KeepaFormatError('a product must be a JSON object');
  const { asin, domainId } = product;
  if (!isAsin(asin)) throw new KeepaFormatError(`product.asin must be a 10-character ASIN, got ${JSON.stringify(asin)}`);
  if (typeof domainId !== 'number' || !domainForId(domainId)) {
    throw new KeepaFormatError(`product ${asin}: unknown domainId ${JSON.stringify(domainId)}`);
  }
  const numeric = new Map<NumericSeriesName, NumericPoint[]>();
  const text = new Map<TextSeriesName, TextPoint[]>();

  const csv = arrayOrNull(product, 'csv');
  csv?.forEach((series, index) => {
    if (series === null) return;
    if (!Array.isArray(series)) throw new KeepaFormatError(`product ${asin}: csv[${index}] must be an array or null`);
    const name = csvSeriesName(index);
    numeric.set(name, decodeNumeric(name, series));
  });

  const salesRanks = product.salesRanks;
  if (salesRanks !== undefined && salesRanks !== null) {
    if (!isRecord(salesRanks)) throw new KeepaFormatError(`product ${asin}: salesRanks must be an object`);
    for (const [categoryId, series] of Object.entries(salesRanks)) {
      if (!Array.isArray(series)) throw new KeepaFormatError(`product ${asin}: salesRanks.${categoryId} must be an array`);
      const name: NumericSeriesName = `salesRanks:${categoryId}`;
      numeric.set(name, decodeNumeric(name, series));
    }
  }
  for (const name of ['monthlySoldHistory', 'couponHistory'] as const) {
    const series = arrayOrNull(product, name);
    if (series) numeric.set(name, decodeNumeric(name, series));
  }
  for (const name of Object.keys(TEXT_SERIES) as TextSeriesName[]) {
    const series = arrayOrNull(product, name);
    if (series) text.set(name, decodeText(name, series));
  }

  const meta: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(product)) {
    // A history Keepa sent as null stays null on export (series, when stored, win).
    if (!NOT_META.has(key) || (value === null && key !== 'csv')) meta[key] = value;
  }
  // stats is computed at request time, but its lastOffersUpdate is a fact about Keepa's
  // last offer fetch (it differs from lastUpdate, e.g. 7555172 vs 7555212 in
  // 0135048761_us_lu7555212.json): kept so the stats of an imported product repeat it.
  if (isRecord(product.stats) && typeof product.stats.lastOffersUpdate === 'number' && product.stats.lastOffersUpdate > 0) {
    meta.lastOffersUpdate = product.stats.lastOffersUpdate;
  }
  // Keepa's buy box observation; also one without a time when it still names a seller
  // (B09X7MPX8L_us.json), which the histories cannot give back.
  if (
    isRecord(product.stats) &&
    typeof product.stats.buyBoxPrice === 'number' &&
    (typeof product.stats.lastBuyBoxUpdate === 'number' || (product.stats.lastBuyBoxUpdate === null && typeof product.stats.buyBoxSellerId === 'string'))
  ) {
    meta.buyBoxObservation = buyBoxSnapshotFromKeepaStats(product.stats);
  }
  if (isRecord(product.reviews)) {
    const { ratingCount, reviewCount, ...rest } = product.reviews;
    for (const [key, series] of [['ratingCount', ratingCount], ['reviewCount', reviewCount]] as const) {
      if (series === undefined || series === null) continue;
      if (!Array.isArray(series)) throw new KeepaFormatError(`product ${asin}: reviews.${key} must be an array`);
      const name: NumericSeriesName = `reviews.${key}`;
      numeric.set(name, decodeNumeric(name, series));
    }
    meta.reviews = rest;
  }
  return { domainId, asin, meta, numeric, text };
}

/**
 * Meta keys the store keeps for the stats engine that are not product fields of Keepa's:
 * assembleKeepaProduct leaves them out. `lastOffersUpdate`: when the offers were last read.
 */
const STATS_ONLY_META = new Set(['lastOffersUpdate', 'buyBoxObservation']);

/** When the offers were last read (stats.lastOffersUpdate), if the store knows. */
export function lastOffersUpdateOf(parts: Pick<StoredProductParts, 'meta'>): number | null {
  const value = parts.meta.lastOffersUpdate;
  return typeof value === 'number' && Number.isInteger(value) ? value : null;
}

/**
 * The buy box Keepa saw on the offer listing at its last fetch (an imported response's
 * stats.buyBox* fields, kept by splitKeepaProduct), or null. The flags (FBA, Prime,
 * condition…) are in no history, so without this an imported product would answer them
 * unknown.
 */
export function buyBoxObservationOf(parts: Pick<StoredProductParts, 'meta'>): BuyBoxSnapshot | null {
  const value = parts.meta.buyBoxObservation;
  if (!isRecord(value) || (typeof value.observedAt !== 'number' && value.observedAt !== null) || typeof value.price !== 'number') return null;
  return value as unknown as BuyBoxSnapshot;
}

/** Rebuilds a Keepa product object from stored parts (csv slots with no data are null). */
export function assembleKeepaProduct(parts: StoredProductParts): KeepaProduct {
  const product: KeepaProduct = { ...parts.meta, asin: parts.asin, domainId: parts.domainId, csv: [] };
  for (const key of STATS_ONLY_META) delete product[key];

  let csvLength = CSV_TYPE_COUNT;
  for (const name of parts.numeric.keys()) {
    const index = csvIndexOf(name);
    if (index !== undefined) csvLength = Math.max(csvLength, index + 1);
  }
  const csv: Array<number[] | null> = new Array(csvLength).fill(null);
  const salesRanks: Record<string, number[]> = {};
  let hasSalesRanks = false;
  const reviewSeries: Record<string, number[]> = {};

  for (const [name, points] of parts.numeric) {
    const flat = encodeNumeric(name, points);
    const index = csvIndexOf(name);
    if (index !== undefined) csv[index] = flat;
    else if (name.startsWith('salesRanks:')) {
      salesRanks[name.slice('salesRanks:'.length)] = flat;
      hasSalesRanks = true;
    } else if (name.startsWith('reviews.')) reviewSeries[name.slice('reviews.'.length)] = flat;
    else product[name] = flat;
  }
  product.csv = csv;
  product.salesRanks = hasSalesRanks ? salesRanks : null;
  for (const [name, points] of parts.text) product[name] = encodeText(name, points);
  if (Object.keys(reviewSeries).length > 0 || isRecord(parts.meta.reviews)) {
    product.reviews = { ...(isRecord(parts.meta.reviews) ? parts.meta.reviews : {}), ...reviewSeries };
  }
  return product;
}

/**
 * The object Keepa returns for a product it holds no data for: productType 4 (INVALID),
 * no title, every csv slot null.
 */
export function emptyKeepaProduct(domainId: DomainId, asin: string): KeepaProduct {
  return {
    asin,
    domainId,
    productType: 4,
    title: null,
    trackingSince: 0,
    lastUpdate: 0,
    lastPriceChange: 0,
    csv: new Array(CSV_TYPE_COUNT).fill(null),
  };
}
