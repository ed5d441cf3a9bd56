// Names shared by the product finder's selection and the deal request: the csv type names
// with finder fields (keepa-api-more.md §0 "F" column, §3.2) and the error every bad
// selection or deal request raises (a 400 naming the field at the API edge).

/** Finder csv type names → csv index. Keepa's finder spells RENTAL as RENT. */
export const FINDER_CSV: Readonly<Record<string, number>> = {
  AMAZON: 0, NEW: 1, USED: 2, SALES: 3, LISTPRICE: 4, COLLECTIBLE: 5, REFURBISHED: 6,
  NEW_FBM_SHIPPING: 7, LIGHTNING_DEAL: 8, WAREHOUSE: 9, NEW_FBA: 10, COUNT_NEW: 11,
  COUNT_USED: 12, COUNT_REFURBISHED: 13, COUNT_COLLECTIBLE: 14, RATING: 16, COUNT_REVIEWS: 17,
  BUY_BOX_SHIPPING: 18, USED_NEW_SHIPPING: 19, USED_VERY_GOOD_SHIPPING: 20, USED_GOOD_SHIPPING: 21,
  USED_ACCEPTABLE_SHIPPING: 22, REFURBISHED_SHIPPING: 27, EBAY_NEW_SHIPPING: 28,
  EBAY_USED_SHIPPING: 29, TRADE_IN: 30, RENT: 31, BUY_BOX_USED_SHIPPING: 32, PRIME_EXCL: 33,
};

/** Deal price types: the union of Java's and the docs' "Deal" columns (§0). */
export const DEAL_PRICE_TYPES: ReadonlySet<number> = new Set([0, 1, 2, 3, 5, 6, 7, 8, 9, 10, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 32, 33]);

export class DiscoveryRequestError extends Error {
  override readonly name = 'DiscoveryRequestError';
  constructor(
    /** The offending field (selection key, DealRequest field or query parameter). */
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An integer within int32 (Java int/short/Long fields as clients send them). */
export function integerField(field: string, value: unknown): number {
  const n = typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n)) {
    throw new DiscoveryRequestError(field, `${field} must be an integer, got ${JSON.stringify(value)}`);
  }
  return n;
}

/** true/false, also 1/0 (Keepa clients send booleans as 0/1 in places). */
export function booleanField(field: string, value: unknown): boolean {
  if (value === true || value === 1 || value === '1' || value === 'true') return true;
  if (value === false || value === 0 || value === '0' || value === 'false') return false;
  throw new DiscoveryRequestError(field, `${field} must be a boolean, got ${JSON.stringify(value)}`);
}

/** A number, a numeric string, or an array of either (rootCategory, categories_include…). */
export function idListField(field: string, value: unknown): number[] {
  const list = Array.isArray(value) ? value : [value];
  return list.map((v) => {
    const n = integerField(field, v);
    if (n < 0) throw new DiscoveryRequestError(field, `${field} must hold category ids >= 0, got ${n}`);
    return n;
  });
}

/** A string or an array of strings (Python sends a bare string for one value). */
export function stringListField(field: string, value: unknown): string[] {
  const list = Array.isArray(value) ? value : [value];
  return list.map((v) => {
    if (typeof v !== 'string') throw new DiscoveryRequestError(field, `${field} must be a string or an array of strings`);
    return v;
  });
}

/** [min, max] of a deal range. */
export function rangeField(field: string, value: unknown): [number, number] {
  if (!Array.isArray(value) || value.length !== 2) {
    throw new DiscoveryRequestError(field, `${field} must be an array [min, max]`);
  }
  return [integerField(field, value[0]), integerField(field, value[1])];
}
