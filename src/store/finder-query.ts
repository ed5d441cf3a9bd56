// The product finder as SQL over the summary: a page statement, joining the summary's
// per-type rows once per csv type the selection names, and a count statement beside it.
// Column names come only from the selection parser's whitelists
// (src/keepa/finder-selection.ts); values are parameters.
import { sql, type RawBuilder } from 'kysely';
import type { FinderSelection } from '../keepa/finder-selection.js';
import type { Store } from './database.js';

export interface FinderResult {
  readonly asinList: string[];
  readonly totalResults: number;
}

type Fragment = RawBuilder<unknown>;

/** Alias of the joined per-type row of csv type `t`. */
const alias = (t: number) => `t${t}`;

/** `column` of the product row, or of the per-type row of `csvType`. */
export function columnRef(column: string, csvType: number | null): Fragment {
  return sql.raw(csvType === null ? `s.${column}` : `${alias(csvType)}.${column}`);
}

/**
 * The per-type rows of these csv types, joined on the product of `base` (the product row
 * `s`, or another per-type row). The domain on the joined row (the product's own) lets the
 * planner use the per-type indexes, which lead with it.
 */
export function typeJoinsOn(types: Iterable<number>, base: string, domainId: number): Fragment {
  const joins = [...new Set(types)].sort((a, b) => a - b).map((t) =>
    sql`LEFT JOIN product_summary_types ${sql.raw(alias(t))} ON ${sql.raw(alias(t))}.product_id = ${sql.raw(base)}.product_id AND ${sql.raw(alias(t))}.csv_type = ${sql.lit(t)} AND ${sql.raw(alias(t))}.domain_id = ${sql.lit(domainId)}`);
  return joins.length > 0 ? sql.join(joins, sql` `) : sql``;
}

export function typeJoins(types: Iterable<number>, domainId: number): Fragment {
  return typeJoinsOn(types, 's', domainId);
}

/** Full-text match of the marketplace's title configuration (quotes and `-word` as Keepa reads them). */
export function titleMatch(domainId: number, terms: string): Fragment {
  return sql`s.title_search @@ websearch_to_tsquery(pricekeep_text_config(${domainId}::smallint), ${terms})`;
}

/** The selection's bounds and flags (on per-type columns, or on product columns for csvType null). */
function boundConditions(q: FinderSelection): Fragment[] {
  const where: Fragment[] = [];
  for (const r of q.ranges) {
    where.push(r.bound === 'gte' ? sql`${columnRef(r.column, r.csvType)} >= ${r.value}` : sql`${columnRef(r.column, r.csvType)} <= ${r.value}`);
  }
  for (const f of q.flags) {
    where.push(f.value ? sql`${columnRef(f.column, f.csvType)} IS TRUE` : sql`${columnRef(f.column, f.csvType)} IS NOT TRUE`);
  }
  return where;
}

/** The WHERE conditions of a selection (the domain's included). */
function conditions(domainId: number, q: FinderSelection): Fragment[] {
  const where: Fragment[] = [sql`s.domain_id = ${domainId}`, ...boundConditions(q)];
  for (const t of q.texts) {
    if (t.include.length > 0) where.push(sql`${columnRef(t.column, null)} = ANY(${t.include}::text[])`);
    if (t.exclude.length > 0) where.push(sql`coalesce(${columnRef(t.column, null)} <> ALL(${t.exclude}::text[]), true)`);
  }
  if (q.title !== null) where.push(titleMatch(domainId, q.title));
  if (q.rootCategory) where.push(sql`s.root_category = ANY(${q.rootCategory}::bigint[])`);
  if (q.categoriesInclude) where.push(sql`s.categories && ${q.categoriesInclude}::bigint[]`);
  if (q.categoriesExclude) where.push(sql`NOT (s.categories && ${q.categoriesExclude}::bigint[])`);
  if (q.productType) where.push(sql`s.product_type = ANY(${q.productType}::int[])`);
  if (q.hasReviews !== null) where.push(q.hasReviews ? sql`s.review_count > 0` : sql`coalesce(s.review_count, 0) = 0`);
  if (q.hasParentASIN !== null) where.push(q.hasParentASIN ? sql`s.parent_asin IS NOT NULL` : sql`s.parent_asin IS NULL`);
  return where;
}

/** Keepa's default order: ascending current sales rank. */
const DEFAULT_SORT = [{ column: 'current', csvType: 3, direction: 'asc' as const }];

/**
 * The finder's SQL for one page: the ASINs in order. The count of every match is a
 * statement of its own (countStatement), so a page in an order an index holds stops after
 * its rows instead of ranking every match.
 */
export function finderStatement(domainId: number, q: FinderSelection): Fragment {
  const sort = q.sort.length > 0 ? q.sort : DEFAULT_SORT;
  const types = [
    ...q.ranges.map((r) => r.csvType), ...q.flags.map((f) => f.csvType), ...sort.map((s) => s.csvType),
  ].filter((t): t is number => t !== null);
  // Products without the sorted value come last either way; the ASIN breaks ties so that
  // pages never overlap.
  const order = sort.map((s) => sql`${columnRef(s.column, s.csvType)} ${sql.raw(s.direction === 'asc' ? 'ASC' : 'DESC')} NULLS LAST`);
  return sql`
    SELECT s.asin
    FROM product_summary s ${typeJoins(types, domainId)}
    WHERE ${sql.join(conditions(domainId, q), sql` AND `)}
    ORDER BY ${sql.join([...order, sql`s.asin`], sql`, `)}
    LIMIT ${q.perPage} OFFSET ${q.page * q.perPage}`;
}

/**
 * Whether a selection is only bounds on per-type values that a product without that type's
 * row fails (ranges, flags that must be true): then its matches are exactly the products
 * having all those rows, and they can be counted from the per-type rows alone.
 */
function perTypeOnly(q: FinderSelection): boolean {
  return q.ranges.length + q.flags.length > 0 &&
    q.ranges.every((r) => r.csvType !== null) && q.flags.every((f) => f.value) &&
    q.texts.length === 0 && q.title === null && !q.rootCategory && !q.categoriesInclude && !q.categoriesExclude &&
    !q.productType && q.hasReviews === null && q.hasParentASIN === null;
}

/** The count of every match of a selection. */
export function countStatement(domainId: number, q: FinderSelection): Fragment {
  const types = [...new Set([...q.ranges.map((r) => r.csvType), ...q.flags.map((f) => f.csvType)].filter((t): t is number => t !== null))].sort((a, b) => a - b);
  if (perTypeOnly(q)) {
    // One per-type row per named type, joined on the product; the domain is on the rows.
    const [first, ...rest] = types as [number, ...number[]];
    const where: Fragment[] = [sql`${sql.raw(alias(first))}.domain_id = ${domainId}`, sql`${sql.raw(alias(first))}.csv_type = ${sql.lit(first)}`, ...boundConditions(q)];
    const joins = rest.map((t) =>
      sql`JOIN product_summary_types ${sql.raw(alias(t))} ON ${sql.raw(alias(t))}.product_id = ${sql.raw(alias(first))}.product_id AND ${sql.raw(alias(t))}.csv_type = ${sql.lit(t)}`);
    return sql`
      SELECT count(*)::int AS total FROM product_summary_types ${sql.raw(alias(first))} ${joins.length > 0 ? sql.join(joins, sql` `) : sql``}
      WHERE ${sql.join(where, sql` AND `)}`;
  }
  return sql`
    SELECT count(*)::int AS total FROM product_summary s ${typeJoins(types, domainId)}
    WHERE ${sql.join(conditions(domainId, q), sql` AND `)}`;
}

export async function findBySelection(store: Store, domainId: number, q: FinderSelection): Promise<FinderResult> {
  // The page and the count run at once, on two pooled connections.
  const count = countStatement(domainId, q).execute(store.db);
  count.catch(() => undefined); // if the page fails first, the count's failure is not left unhandled
  const { rows } = await finderStatement(domainId, q).execute(store.db);
  const total = ((await count).rows[0] as { total: number }).total;
  return { asinList: (rows as Array<{ asin: string }>).map((r) => r.asin), totalResults: total };
}
