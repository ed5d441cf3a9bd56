// Keepa's csv type table: the index of each series inside `product.csv`, what its values
// mean, and whether it is a `*_SHIPPING` triple series `[t, price, shipping, …]`.

export type CsvValueKind =
  | 'price' // integer minor units of the marketplace currency; -1 = no offer
  | 'rank' // sales rank; lower is better
  | 'count' // offer / review counts
  | 'rating' // stars × 10 (0–50)
  | 'meta'; // EXTRA_INFO_UPDATES: |value| = offers fetched

export interface CsvType {
  readonly index: number;
  readonly name: string;
  readonly kind: CsvValueKind;
  /** Stride-3 series: `[t, price, shipping, …]`. */
  readonly withShipping: boolean;
  /**
   * Keepa's `isExtraData` (Java CsvType): data that needs the offers, so a tracking
   * watching it is a "marketplace tracking" and costs more (src/alerts/token-flow.ts).
   */
  readonly extraData: boolean;
}

const NAMES = [
  'AMAZON', 'NEW', 'USED', 'SALES', 'LISTPRICE', 'COLLECTIBLE', 'REFURBISHED',
  'NEW_FBM_SHIPPING', 'LIGHTNING_DEAL', 'WAREHOUSE', 'NEW_FBA', 'COUNT_NEW', 'COUNT_USED',
  'COUNT_REFURBISHED', 'COUNT_COLLECTIBLE', 'EXTRA_INFO_UPDATES', 'RATING', 'COUNT_REVIEWS',
  'BUY_BOX_SHIPPING', 'USED_NEW_SHIPPING', 'USED_VERY_GOOD_SHIPPING', 'USED_GOOD_SHIPPING',
  'USED_ACCEPTABLE_SHIPPING', 'COLLECTIBLE_NEW_SHIPPING', 'COLLECTIBLE_VERY_GOOD_SHIPPING',
  'COLLECTIBLE_GOOD_SHIPPING', 'COLLECTIBLE_ACCEPTABLE_SHIPPING', 'REFURBISHED_SHIPPING',
  'EBAY_NEW_SHIPPING', 'EBAY_USED_SHIPPING', 'TRADE_IN', 'RENTAL', 'BUY_BOX_USED_SHIPPING',
  'PRIME_EXCL', 'COUNT_NEW_FBA', 'COUNT_NEW_FBM',
] as const;

export type CsvTypeName = (typeof NAMES)[number];

function kindOf(index: number): CsvValueKind {
  if (index === 3) return 'rank';
  if (index === 15) return 'meta';
  if (index === 16) return 'rating';
  if ((index >= 11 && index <= 14) || index === 17 || index === 34 || index === 35) return 'count';
  return 'price';
}

function hasShipping(index: number): boolean {
  return index === 7 || (index >= 18 && index <= 29) || index === 32;
}

function isExtraData(index: number): boolean {
  return index === 7 || index === 9 || index === 10 || (index >= 15 && index <= 27) || (index >= 31 && index <= 33);
}

export const CSV_TYPES: readonly CsvType[] = NAMES.map((name, index) => ({
  index,
  name,
  kind: kindOf(index),
  withShipping: hasShipping(index),
  extraData: isExtraData(index),
}));

/** Number of csv slots we emit; Keepa may add more, clients must not assume a size. */
export const CSV_TYPE_COUNT = CSV_TYPES.length;

/** csv index by name: `CSV.AMAZON === 0`, `CSV.BUY_BOX_SHIPPING === 18`. */
export const CSV = Object.fromEntries(NAMES.map((name, index) => [name, index])) as {
  readonly [K in CsvTypeName]: number;
};

/** Entries per point in a series of this csv index: 3 for shipping types, else 2. */
export function strideOf(index: number): 2 | 3 {
  return hasShipping(index) ? 3 : 2;
}

export function csvTypeAt(index: number): CsvType | undefined {
  return CSV_TYPES[index];
}

export function isPriceType(index: number): boolean {
  return kindOf(index) === 'price' && index < CSV_TYPE_COUNT;
}
