// Reads discovery summaries back in the engine's terms (TypeSummary), for deals' answers,
// the CLI and the golden test.
import { sql } from 'kysely';
import type { TypeSummary } from '../keepa/stats-summary.js';
import type { Store } from './database.js';

export interface StoredSummary {
  readonly productId: number;
  readonly domainId: number;
  readonly asin: string;
  readonly asOf: number;
  readonly title: string | null;
  readonly brand: string | null;
  readonly productGroup: string | null;
  readonly rootCategory: number | null;
  readonly categories: number[];
  readonly parentAsin: string | null;
  readonly image: string | null;
  readonly monthlySold: number | null;
  readonly rating: number | null;
  readonly reviewCount: number | null;
  readonly salesRankDrops30: number | null;
  readonly salesRankDrops90: number | null;
  readonly salesRankDrops180: number | null;
  readonly salesRankDrops365: number | null;
  readonly lastUpdate: number | null;
  readonly types: TypeSummary[];
}

type Row = Record<string, any>;

export function typeSummaryOfRow(r: Row): TypeSummary {
  return {
    csvType: r.csv_type,
    current: r.current,
    avg: { 1: r.avg1, 7: r.avg7, 30: r.avg30, 90: r.avg90, 180: r.avg180, 365: r.avg365 },
    delta: { 1: r.delta1, 7: r.delta7, 30: r.delta30, 90: r.delta90 },
    deltaPercent: { 1: r.delta_percent1, 7: r.delta_percent7, 30: r.delta_percent30, 90: r.delta_percent90 },
    deltaLast: r.delta_last,
    isLowest: r.is_lowest,
    isLowest90: r.is_lowest90,
    lastChange: r.last_change,
    backInStock: r.back_in_stock,
    backInStockDay: r.back_in_stock_day,
    outOfStockDay: r.out_of_stock_day,
    outOfStockPercentage90: r.out_of_stock_percentage90,
  };
}

// bigint[] arrives as strings (pg parses int8 arrays element-wise as text); category ids
// stay far below 2^53.
const ids = (value: unknown): number[] => (Array.isArray(value) ? value.map(Number) : []);

/** Summaries of these products (by id), in no particular order. */
export async function readSummaries(store: Store, productIds: readonly number[]): Promise<Map<number, StoredSummary>> {
  const result = new Map<number, StoredSummary>();
  if (productIds.length === 0) return result;
  const { rows } = await sql<Row>`
    SELECT * FROM product_summary WHERE product_id = ANY(${[...productIds]}::int[])`.execute(store.db);
  const { rows: types } = await sql<Row>`
    SELECT * FROM product_summary_types WHERE product_id = ANY(${[...productIds]}::int[])
    ORDER BY product_id, csv_type`.execute(store.db);
  const typesOf = new Map<number, TypeSummary[]>();
  for (const t of types) typesOf.set(t.product_id, [...(typesOf.get(t.product_id) ?? []), typeSummaryOfRow(t)]);
  for (const r of rows) {
    result.set(r.product_id, {
      productId: r.product_id,
      domainId: r.domain_id,
      asin: r.asin,
      asOf: r.as_of,
      title: r.title,
      brand: r.brand,
      productGroup: r.product_group,
      rootCategory: r.root_category === null ? null : Number(r.root_category),
      categories: ids(r.categories),
      parentAsin: r.parent_asin,
      image: r.image,
      monthlySold: r.monthly_sold,
      rating: r.rating,
      reviewCount: r.review_count,
      salesRankDrops30: r.sales_rank_drops30,
      salesRankDrops90: r.sales_rank_drops90,
      salesRankDrops180: r.sales_rank_drops180,
      salesRankDrops365: r.sales_rank_drops365,
      lastUpdate: r.last_update,
      types: typesOf.get(r.product_id) ?? [],
    });
  }
  return result;
}

export async function readProductSummary(store: Store, domainId: number, asin: string): Promise<StoredSummary | null> {
  const { rows } = await sql<{ product_id: number }>`
    SELECT product_id FROM product_summary WHERE domain_id = ${domainId} AND asin = ${asin}`.execute(store.db);
  if (rows.length === 0) return null;
  return (await readSummaries(store, [rows[0]!.product_id])).get(rows[0]!.product_id) ?? null;
}
