// The product finder as SQL over the summary: one statement per page, joining the summary's
// per-type rows once per csv type the selection names. Column names come only from the
// selection parser's whitelists (src/keepa/finder-selection.ts); values are parameters.
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

export function typeJoins(types: Iterable<number>): Fragment {
  const joins = [...new Set(types)].sort((a, b) => a - b).map((t) =>
    sql`LEFT JOIN product_summary_types ${sql.raw(alias(t))} ON ${sql.raw(alias(t))}.product_id = s.product_id AND ${sql.raw(alias(t))}.csv_type = ${sql.lit(t)}`);
  return joins.length > 0 ? sql.join(joins, sql` `) : sql``;
}

/** Full-text match of the marketplace's title configuration (quotes and `-word` as Keepa reads them). */
export function titleMatch(domainId: number, terms: string): Fragment {
  return sql`s.title_search @@ websearch_to_tsquery(pricekeep_text_config(${domainId}::smallint), ${terms})`;
}

/** The WHERE conditions of a selection (the domain's included). */
function conditions(domainId: number, q: FinderSelection): Fragment[] {
  const where: Fragment[] = [sql`s.domain_id = ${domainId}`];
  for (const r of q.ranges) {
    where.push(r.bound === 'gte' ? sql`${columnRef(r.column, r.csvType)} >= ${r.value}` : sql`${columnRef(r.column, r.csvType)} <= ${r.value}`);
  }
  for (const f of q.flags) {
    where.push(f.value ? sql`${columnRef(f.column, f.csvType)} IS TRUE` : sql`${columnRef(f.column, f.csvType)} IS NOT TRUE`);
  }
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

/** The finder's SQL for one page: `asin` and the count of every match (window). */
export function finderStatement(domainId: number, q: FinderSelection): Fragment {
  const sort = q.sort.length > 0 ? q.sort : DEFAULT_SORT;
  const types = [
    ...q.ranges.map((r) => r.csvType), ...q.flags.map((f) => f.csvType), ...sort.map((s) => s.csvType),
  ].filter((t): t is number => t !== null);
  // Products without the sorted value come last either way; the ASIN breaks ties so that
  // pages never overlap.
  const order = sort.map((s) => sql`${columnRef(s.column, s.csvType)} ${sql.raw(s.direction === 'asc' ? 'ASC' : 'DESC')} NULLS LAST`);
  return sql`
    SELECT s.asin, count(*) OVER ()::int AS total
    FROM product_summary s ${typeJoins(types)}
    WHERE ${sql.join(conditions(domainId, q), sql` AND `)}
    ORDER BY ${sql.join([...order, sql`s.asin`], sql`, `)}
    LIMIT ${q.perPage} OFFSET ${q.page * q.perPage}`;
}

function countStatement(domainId: number, q: FinderSelection): Fragment {
  const types = [...q.ranges.map((r) => r.csvType), ...q.flags.map((f) => f.csvType)].filter((t): t is number => t !== null);
  return sql`
    SELECT count(*)::int AS total FROM product_summary s ${typeJoins(types)}
    WHERE ${sql.join(conditions(domainId, q), sql` AND `)}`;
}

export async function findBySelection(store: Store, domainId: number, q: FinderSelection): Promise<FinderResult> {
  const { rows } = await finderStatement(domainId, q).execute(store.db);
  const page = rows as Array<{ asin: string; total: number }>;
  // A page past the last match has no row to carry the count.
  const total = page.length > 0 ? page[0]!.total : q.page === 0 ? 0 : ((await countStatement(domainId, q).execute(store.db)).rows[0] as { total: number }).total;
  return { asinList: page.map((r) => r.asin), totalResults: total };
}
