// Deals as SQL over the summary: products whose value of the deal's csv type moved over the
// chosen interval (dropped, or rose with isRisers), filtered and sorted as the DealRequest
// says, 150 per page; plus the root-category breakdown of every match (category filters
// left out, as Keepa's categoryIds/categoryNames/categoryCount are).
import { sql, type RawBuilder } from 'kysely';
import { dealObject, UNKNOWN_ROOT, type DealObject } from '../keepa/deal-object.js';
import { DEALS_PER_PAGE, type DealQuery } from '../keepa/deal-request.js';
import type { Store } from './database.js';
import { titleMatch, typeJoins, typeJoinsOn } from './finder-query.js';
import { readSummaries } from './summary-read.js';

export interface DealsAnswer {
  readonly dr: DealObject[];
  readonly drDateIndex: null;
  readonly categoryIds: Array<number | string>;
  readonly categoryNames: string[];
  readonly categoryCount: number[];
}

type Fragment = RawBuilder<unknown>;

const SALES = 3;
const AMAZON = 0;

function between(column: string, [min, max]: [number, number]): Fragment {
  return sql`${sql.raw(column)} BETWEEN ${min} AND ${max}`;
}

/**
 * A deal request's WHERE conditions (the marketplace left to the caller: it is on the
 * product row and on the per-type row), the extra per-type rows they read, and whether any
 * reads the product row.
 */
function conditions(q: DealQuery, withCategories: boolean): { where: Fragment[]; types: number[]; readsProducts: boolean } {
  const d = q.days;
  const delta = `t.delta${d}`;
  const where: Fragment[] = [];
  const onProducts: Fragment[] = [];
  const types: number[] = [];
  // A deal is a move: a drop (positive delta), or with isRisers a rise.
  where.push(q.isRisers ? sql`${sql.raw(delta)} < 0` : sql`${sql.raw(delta)} > 0`);
  if (q.isLowest) where.push(sql`t.is_lowest`);
  if (q.isLowest90) where.push(sql`t.is_lowest90`);
  if (q.isBackInStock) where.push(sql`t.back_in_stock_day`);
  if (q.isOutOfStock) where.push(sql`t.out_of_stock_day`);
  if (q.currentRange) where.push(between('t.current', q.currentRange));
  if (q.deltaRange) where.push(between(delta, q.deltaRange));
  if (q.deltaPercentRange) where.push(between(`t.delta_percent${d}`, q.deltaPercentRange));
  if (q.deltaLastRange) where.push(between('t.delta_last', q.deltaLastRange));
  if (q.salesRankRange) {
    const [min, max] = q.salesRankRange;
    types.push(SALES);
    // -1 as the upper bound: open.
    where.push(max < 0 ? sql`t3.current >= ${min}` : sql`t3.current BETWEEN ${min} AND ${max}`);
  }
  if (q.mustHaveAmazonOffer || q.mustNotHaveAmazonOffer) {
    types.push(AMAZON);
    where.push(q.mustHaveAmazonOffer ? sql`t0.current IS NOT NULL` : sql`t0.current IS NULL`);
  }
  if (q.minRating !== null) onProducts.push(sql`s.rating >= ${q.minRating}`);
  if (q.hasReviews) onProducts.push(sql`s.review_count > 0`);
  if (q.titleSearch) onProducts.push(titleMatch(q.domainId, q.titleSearch));
  for (const [column, values] of [['brand', q.brand], ['manufacturer', q.manufacturer], ['product_group', q.productGroup]] as const) {
    if (values) onProducts.push(sql`${sql.raw(`s.${column}`)} = ANY(${values}::text[])`);
  }
  if (withCategories) {
    // Listed directly in one of them, or anywhere below a root id (its tree holds it).
    if (q.includeCategories) onProducts.push(sql`(s.categories && ${q.includeCategories}::bigint[] OR s.root_category = ANY(${q.includeCategories}::bigint[]))`);
    if (q.excludeCategories) onProducts.push(sql`NOT (s.categories && ${q.excludeCategories}::bigint[] OR coalesce(s.root_category = ANY(${q.excludeCategories}::bigint[]), false))`);
  }
  return { where: [...where, ...onProducts], types, readsProducts: onProducts.length > 0 };
}

function orderOf(q: DealQuery): Fragment {
  const d = q.days;
  const kind = Math.abs(q.sortType);
  const invert = q.sortType < 0;
  const dir = (natural: 'ASC' | 'DESC') => sql.raw(invert ? (natural === 'ASC' ? 'DESC' : 'ASC') : natural);
  switch (kind) {
    case 2: return sql`t.${sql.raw(`delta${d}`)} ${dir('DESC')} NULLS LAST, s.asin`;
    case 3: return sql`t3.current ${dir('ASC')} NULLS LAST, s.asin`;
    case 4: return sql`t.${sql.raw(`delta_percent${d}`)} ${dir('DESC')} NULLS LAST, s.asin`;
    // 1 and the unset 0: newest deal first (deal age is not invertible).
    default: return sql`t.last_change DESC NULLS LAST, s.asin`;
  }
}

/** The SQL of one page of deals: product ids, in deal order. */
export function dealStatement(q: DealQuery): Fragment {
  const { where, types } = conditions(q, true);
  where.unshift(sql`s.domain_id = ${q.domainId}`);
  if (Math.abs(q.sortType) === 3) types.push(SALES);
  return sql`
    SELECT s.product_id
    FROM product_summary s
    JOIN product_summary_types t ON t.product_id = s.product_id AND t.csv_type = ${sql.lit(q.priceType)} AND t.domain_id = ${q.domainId}
    ${typeJoins(types, q.domainId)}
    WHERE ${sql.join(where, sql` AND `)}
    ORDER BY ${orderOf(q)}
    LIMIT ${DEALS_PER_PAGE} OFFSET ${q.page * DEALS_PER_PAGE}`;
}

export async function findDeals(store: Store, q: DealQuery): Promise<DealsAnswer> {
  // The breakdown scans every match; it runs beside the page on a second pooled connection.
  const breakdown = rootBreakdown(store, q);
  // If the page fails first, the breakdown's own failure must not go unhandled.
  breakdown.catch(() => undefined);
  const { rows } = await dealStatement(q).execute(store.db);
  const ids = (rows as Array<{ product_id: number }>).map((r) => r.product_id);
  const summaries = await readSummaries(store, ids);
  const dr = ids.flatMap((id) => {
    const s = summaries.get(id);
    return s ? [dealObject(s, q.priceType)] : [];
  });

  const roots = await breakdown;
  return {
    dr,
    drDateIndex: null,
    // Keepa's unknown-root id exceeds 2^53; it goes out as the exact decimal string's number.
    categoryIds: roots.map((r) => (r.root === null ? UNKNOWN_ROOT : Number(r.root))),
    categoryNames: roots.map((r) => r.name ?? '?'),
    categoryCount: roots.map((r) => r.n),
  };
}

/** Root categories of every match (category filters left out), most deals first. */
async function rootBreakdown(store: Store, q: DealQuery): Promise<Array<{ root: string | null; name: string | null; n: number }>> {
  const { where, types, readsProducts: joinProducts } = conditions(q, false);
  // Without product-level filters the per-type rows carry all it needs (domain and root):
  // the product rows are not joined at all.
  const scope = joinProducts
    ? sql`FROM product_summary s JOIN product_summary_types t ON t.product_id = s.product_id AND t.csv_type = ${sql.lit(q.priceType)} AND t.domain_id = ${q.domainId}`
    : sql`FROM product_summary_types t`;
  const conditionsHere = joinProducts
    ? [sql`s.domain_id = ${q.domainId}`, ...where]
    : [sql`t.domain_id = ${q.domainId}`, sql`t.csv_type = ${sql.lit(q.priceType)}`, ...where];
  const { rows: roots } = await sql<{ root: string | null; name: string | null; n: number }>`
    SELECT t.root_category::text AS root, c.name, count(*)::int AS n
    ${scope}
    ${typeJoinsOn(types, 't', q.domainId)}
    LEFT JOIN categories c ON c.domain_id = ${q.domainId} AND c.cat_id = t.root_category
    WHERE ${sql.join(conditionsHere, sql` AND `)}
    GROUP BY t.root_category, c.name
    ORDER BY n DESC, t.root_category`.execute(store.db);
  return roots;
}
