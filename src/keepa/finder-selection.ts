// The product finder's `selection` (keepa-api-more.md §3) parsed into the filters pricekeep
// answers from its summary. Every key is either understood or rejected by name: a filter
// silently ignored would return products the caller excluded.
import {
  DiscoveryRequestError, FINDER_CSV, booleanField, idListField, integerField, isRecord, stringListField,
} from './discovery-fields.js';

/** Per-csv-type stats with `_gte`/`_lte` bounds, as summary columns. */
export const TYPE_RANGE_COLUMNS: Readonly<Record<string, string>> = {
  current: 'current', avg1: 'avg1', avg7: 'avg7', avg30: 'avg30', avg90: 'avg90', avg180: 'avg180', avg365: 'avg365',
  delta1: 'delta1', delta7: 'delta7', delta30: 'delta30', delta90: 'delta90',
  deltaPercent1: 'delta_percent1', deltaPercent7: 'delta_percent7', deltaPercent30: 'delta_percent30', deltaPercent90: 'delta_percent90',
  deltaLast: 'delta_last', lastPriceChange: 'last_change',
};

/** Per-csv-type booleans. */
export const TYPE_FLAG_COLUMNS: Readonly<Record<string, string>> = {
  backInStock: 'back_in_stock', isLowest: 'is_lowest', isLowest90: 'is_lowest90',
};

/** outOfStockPercentage90_<X>: the offer types Keepa names (and the bare field: Amazon). */
const OOS_TYPES: Readonly<Record<string, number>> = { NEW: 1, USED: 2, BB: 18, BB_USED: 32 };

/** Product-level ranges, as summary columns. */
export const PRODUCT_RANGE_COLUMNS: Readonly<Record<string, string>> = {
  salesRankDrops30: 'sales_rank_drops30', salesRankDrops90: 'sales_rank_drops90',
  salesRankDrops180: 'sales_rank_drops180', salesRankDrops365: 'sales_rank_drops365',
  monthlySold: 'monthly_sold', lastPriceChange: 'last_price_change', lastUpdate: 'last_update',
};

export const TEXT_COLUMNS: Readonly<Record<string, string>> = {
  brand: 'brand', manufacturer: 'manufacturer', productGroup: 'product_group',
};

export type Bound = 'gte' | 'lte';

/** A per-type column compared with a bound, or a product column (csvType null). */
export interface RangeFilter {
  readonly field: string;
  readonly column: string;
  readonly csvType: number | null;
  readonly bound: Bound;
  readonly value: number;
}

export interface FlagFilter {
  readonly field: string;
  readonly column: string;
  readonly csvType: number;
  readonly value: boolean;
}

export interface TextFilter {
  readonly field: string;
  readonly column: string;
  /** Lower case; a product matches one of them (empty: no constraint). */
  readonly include: string[];
  /** Lower case; `✜`-prefixed entries: a product matching one of them is left out. */
  readonly exclude: string[];
}

export interface SortKey {
  readonly field: string;
  readonly column: string;
  readonly csvType: number | null;
  readonly direction: 'asc' | 'desc';
}

export interface FinderSelection {
  readonly ranges: RangeFilter[];
  readonly flags: FlagFilter[];
  readonly texts: TextFilter[];
  readonly title: string | null;
  readonly rootCategory: number[] | null;
  readonly categoriesInclude: number[] | null;
  readonly categoriesExclude: number[] | null;
  readonly productType: number[] | null;
  readonly hasReviews: boolean | null;
  readonly hasParentASIN: boolean | null;
  readonly sort: SortKey[];
  readonly page: number;
  readonly perPage: number;
}

export const MAX_FINDER_RESULTS = 10_000;
export const MIN_PER_PAGE = 50;

/** A sortable / filterable field name without its bound: its column and csv type. */
function columnOf(name: string): { column: string; csvType: number | null; kind: 'range' | 'flag' } | null {
  if (PRODUCT_RANGE_COLUMNS[name]) return { column: PRODUCT_RANGE_COLUMNS[name], csvType: null, kind: 'range' };
  if (name === 'outOfStockPercentage90') return { column: 'out_of_stock_percentage90', csvType: 0, kind: 'range' };
  const m = /^([A-Za-z]+\d*)_([A-Z_]+)$/.exec(name);
  if (!m) return null;
  const [, stat, csv] = m;
  if (stat === 'outOfStockPercentage90' && OOS_TYPES[csv!] !== undefined) {
    return { column: 'out_of_stock_percentage90', csvType: OOS_TYPES[csv!]!, kind: 'range' };
  }
  const csvType = FINDER_CSV[csv!];
  if (csvType === undefined) return null;
  if (TYPE_RANGE_COLUMNS[stat!]) return { column: TYPE_RANGE_COLUMNS[stat!]!, csvType, kind: 'range' };
  if (TYPE_FLAG_COLUMNS[stat!]) return { column: TYPE_FLAG_COLUMNS[stat!]!, csvType, kind: 'flag' };
  return null;
}

function unknownField(field: string): DiscoveryRequestError {
  return new DiscoveryRequestError(field, `selection field "${field}" is unknown or not supported by pricekeep`);
}

function parseSort(value: unknown): SortKey[] {
  if (value == null) return [];
  // One pair may come unwrapped: ["current_SALES", "asc"].
  const pairs = Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' ? [value] : value;
  if (!Array.isArray(pairs) || pairs.length > 3) throw new DiscoveryRequestError('sort', 'sort must be up to 3 [field, "asc"|"desc"] pairs');
  return pairs.map((pair) => {
    if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'string') {
      throw new DiscoveryRequestError('sort', 'sort must be up to 3 [field, "asc"|"desc"] pairs');
    }
    const [field, direction] = pair as [string, unknown];
    const column = columnOf(field);
    if (!column || column.kind !== 'range') throw new DiscoveryRequestError('sort', `sort field "${field}" is unknown or not sortable`);
    if (direction !== 'asc' && direction !== 'desc') throw new DiscoveryRequestError('sort', `sort direction of "${field}" must be "asc" or "desc"`);
    return { field, column: column.column, csvType: column.csvType, direction };
  });
}

/** Parses a selection object (the JSON of GET `selection` or the POST body). */
export function parseFinderSelection(input: unknown): FinderSelection {
  if (!isRecord(input)) throw new DiscoveryRequestError('selection', 'selection must be a JSON object');
  const ranges: RangeFilter[] = [];
  const flags: FlagFilter[] = [];
  const texts: TextFilter[] = [];
  const selection = {
    title: null as string | null,
    rootCategory: null as number[] | null,
    categoriesInclude: null as number[] | null,
    categoriesExclude: null as number[] | null,
    productType: null as number[] | null,
    hasReviews: null as boolean | null,
    hasParentASIN: null as boolean | null,
  };
  let sort: SortKey[] = [];
  let page = 0;
  let perPage = MIN_PER_PAGE;
  for (const [field, value] of Object.entries(input)) {
    // Clients leave unset fields out, but a null is no filter either.
    if (value === null || value === undefined) continue;
    switch (field) {
      case 'page': page = integerField(field, value); continue;
      case 'perPage': perPage = integerField(field, value); continue;
      case 'sort': sort = parseSort(value); continue;
      case 'title':
        if (typeof value !== 'string') throw new DiscoveryRequestError(field, 'title must be a string of keywords');
        if (value.trim() !== '') selection.title = value;
        continue;
      case 'rootCategory': selection.rootCategory = idListField(field, value); continue;
      case 'categories_include': selection.categoriesInclude = idListField(field, value); continue;
      case 'categories_exclude': selection.categoriesExclude = idListField(field, value); continue;
      case 'productType': selection.productType = idListField(field, value); continue;
      case 'hasReviews': selection.hasReviews = booleanField(field, value); continue;
      case 'hasParentASIN': selection.hasParentASIN = booleanField(field, value); continue;
    }
    if (TEXT_COLUMNS[field]) {
      const entries = stringListField(field, value).map((s) => s.trim().toLowerCase()).filter((s) => s !== '' && s !== '✜');
      texts.push({
        field,
        column: TEXT_COLUMNS[field]!,
        include: entries.filter((s) => !s.startsWith('✜')),
        exclude: entries.filter((s) => s.startsWith('✜')).map((s) => s.slice(1).trim()),
      });
      continue;
    }
    const suffix = field.slice(-4);
    const bound = suffix === '_gte' || suffix === '_lte' ? (suffix.slice(1) as Bound) : undefined;
    const base = bound ? field.slice(0, -4) : field;
    const column = columnOf(base);
    if (!column) throw unknownField(field);
    if (column.kind === 'range') {
      if (!bound) throw unknownField(field);
      ranges.push({ field, column: column.column, csvType: column.csvType, bound, value: integerField(field, value) });
    } else {
      if (bound) throw unknownField(field);
      flags.push({ field, column: column.column, csvType: column.csvType!, value: booleanField(field, value) });
    }
  }
  if (page < 0) throw new DiscoveryRequestError('page', 'page must be >= 0');
  if (perPage < 1) throw new DiscoveryRequestError('perPage', 'perPage must be >= 1');
  // Keepa's minimum page size is 50; smaller values are raised to it.
  perPage = Math.max(perPage, MIN_PER_PAGE);
  if ((page + 1) * perPage > MAX_FINDER_RESULTS) {
    throw new DiscoveryRequestError('perPage', `(page + 1) × perPage must not exceed ${MAX_FINDER_RESULTS}`);
  }
  const filters =
    ranges.length + flags.length + texts.length +
    Object.values(selection).filter((v) => v !== null).length;
  if (filters === 0) throw new DiscoveryRequestError('selection', 'the selection needs at least one filter');
  return { ranges, flags, texts, ...selection, sort, page, perPage };
}
