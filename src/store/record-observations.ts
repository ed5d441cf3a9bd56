// Change-only recording of scrape observations. A point is written only when its value
// differs from the value in force at the observation's minute, so repeating a scrape (or
// a whole batch) writes nothing. Each call is one transaction; the product row locks
// taken first serialise concurrent writers of the same product, so two workers feeding
// the same observations never write a point twice.
import { sql, type Transaction } from 'kysely';
import { csvIndexOf, isTextSeries, type NumericSeriesName, type TextSeriesName } from '../keepa/history-series.js';
import { isPriceType } from '../keepa/csv-type.js';
import type { Database } from './db-types.js';
import type { Store } from './database.js';
import { upsertProducts, touchPriceChange, type ProductRowInput } from './products.js';
import { ensureSeries, seriesKey, type SeriesRow } from './series-rows.js';
import { StoreError } from './store-error.js';

export interface Observation {
  readonly domainId: number;
  readonly asin: string;
  /** Keepa minute of the scrape. */
  readonly at: number;
  readonly numeric: ReadonlyArray<{ name: NumericSeriesName; value: number; second?: number | null }>;
  readonly text?: ReadonlyArray<{ name: TextSeriesName; values: readonly string[] }>;
  /** Product fields observed (title, brand, images, categories…), merged into the stored ones. */
  readonly meta?: Record<string, unknown>;
}

export interface RecordResult {
  readonly observations: number;
  readonly pointsWritten: number;
}

type Db = Transaction<Database>;

function validate(o: Observation): void {
  const bad = (why: string) => new StoreError('invalid_observation', `${o.asin}@${o.at}: ${why}`);
  if (!Number.isInteger(o.at)) throw bad('time must be an integer Keepa minute');
  for (const p of o.numeric) {
    if (!Number.isInteger(p.value) || (p.second != null && !Number.isInteger(p.second))) {
      throw bad(`${p.name} value must be an integer (minor units), got ${p.value}`);
    }
  }
}

interface PointValue {
  readonly value: number | null;
  readonly second: number | null;
  readonly vals: string[] | null;
}

/** The point in force at minute `t`, for a series whose cached tail is newer than `t`. */
async function pointAt(db: Db, row: SeriesRow, t: number): Promise<PointValue | null> {
  const { rows } = isTextSeries(row.name)
    ? await sql<PointValue>`SELECT NULL::int AS value, NULL::int AS second, vals FROM text_points
                            WHERE series_id = ${row.id} AND t <= ${t} ORDER BY t DESC LIMIT 1`.execute(db)
    : await sql<PointValue>`SELECT value, second, NULL::text[] AS vals FROM points
                            WHERE series_id = ${row.id} AND t <= ${t} ORDER BY t DESC LIMIT 1`.execute(db);
  return rows[0] ?? null;
}

export async function recordObservations(store: Store, observations: readonly Observation[]): Promise<RecordResult> {
  observations.forEach(validate);
  if (observations.length === 0) return { observations: 0, pointsWritten: 0 };
  // Within a call, observations apply in time order.
  const ordered = [...observations].sort((a, b) => a.at - b.at);
  return store.db.transaction().execute(async (trx) => {
    const productInputs = new Map<string, ProductRowInput>();
    for (const o of ordered) {
      const key = `${o.domainId}|${o.asin}`;
      const previous = productInputs.get(key);
      productInputs.set(key, {
        domainId: o.domainId,
        asin: o.asin,
        title: typeof o.meta?.title === 'string' ? o.meta.title : (previous?.title ?? null),
        trackingSince: previous?.trackingSince ?? o.at,
        lastUpdate: o.at,
        // lastUpdate lives in the row's column (authoritative on read), not in meta.
        meta: { ...previous?.meta, ...o.meta },
      });
    }
    const products = await upsertProducts(trx, [...productInputs.values()]);
    const productId = new Map(products.map((p) => [`${p.domainId}|${p.asin}`, p.id]));

    const wanted: Array<{ productId: number; name: string }> = [];
    for (const o of ordered) {
      const id = productId.get(`${o.domainId}|${o.asin}`)!;
      for (const p of o.numeric) wanted.push({ productId: id, name: p.name });
      for (const p of o.text ?? []) wanted.push({ productId: id, name: p.name });
    }
    const series = await ensureSeries(trx, wanted);

    const ids: number[] = [];
    const ts: number[] = [];
    const values: number[] = [];
    const seconds: Array<number | null> = [];
    const textRows: Array<[number, number, string[]]> = [];
    const priceChanges = new Map<number, number>();
    const counts = new Map<number, number>();

    for (const o of ordered) {
      const pid = productId.get(`${o.domainId}|${o.asin}`)!;
      for (const p of o.numeric) {
        const row = series.get(seriesKey(pid, p.name))!;
        const second = p.second ?? null;
        const tail = row.lastT === null || o.at >= row.lastT;
        const same = tail
          ? row.lastT !== null && row.lastValue === p.value && row.lastSecond === second
          : await pointAt(trx, row, o.at).then((at) => at?.value === p.value && at.second === second);
        if (same) continue;
        ids.push(row.id);
        ts.push(o.at);
        values.push(p.value);
        seconds.push(second);
        counts.set(row.id, (counts.get(row.id) ?? 0) + 1);
        if (tail) Object.assign(row, { lastT: o.at, lastValue: p.value, lastSecond: second });
        const csvIndex = csvIndexOf(p.name);
        if (csvIndex !== undefined && isPriceType(csvIndex)) priceChanges.set(pid, o.at);
      }
      for (const p of o.text ?? []) {
        const row = series.get(seriesKey(pid, p.name))!;
        const tail = row.lastT === null || o.at >= row.lastT;
        const same = tail
          ? row.lastT !== null && JSON.stringify(row.lastText) === JSON.stringify(p.values)
          : await pointAt(trx, row, o.at).then((at) => JSON.stringify(at?.vals) === JSON.stringify(p.values));
        if (same) continue;
        textRows.push([row.id, o.at, [...p.values]]);
        counts.set(row.id, (counts.get(row.id) ?? 0) + 1);
        if (tail) Object.assign(row, { lastT: o.at, lastText: [...p.values] });
      }
    }

    if (ids.length > 0) {
      await sql`
        INSERT INTO points AS p (series_id, t, value, second)
        SELECT * FROM unnest(${ids}::int[], ${ts}::int[], ${values}::int[], ${seconds}::int[])
        ON CONFLICT (series_id, t) DO UPDATE SET value = EXCLUDED.value, second = EXCLUDED.second`.execute(trx);
    }
    if (textRows.length > 0) {
      await sql`
        INSERT INTO text_points AS p (series_id, t, vals)
        SELECT (e->>0)::int, (e->>1)::int, ARRAY(SELECT jsonb_array_elements_text(e->2))
        FROM jsonb_array_elements(${JSON.stringify(textRows)}::jsonb) AS e
        ON CONFLICT (series_id, t) DO UPDATE SET vals = EXCLUDED.vals`.execute(trx);
    }
    // Cache the new tails: numeric and text series in one plain UPDATE each.
    const touched = [...series.values()].filter((s) => counts.has(s.id));
    const numericTails = touched.filter((s) => s.lastText === null);
    const textTails = touched.filter((s) => s.lastText !== null);
    if (numericTails.length > 0) {
      await sql`
        UPDATE series s SET last_t = u.t, last_value = u.value, last_second = u.second
        FROM unnest(${numericTails.map((s) => s.id)}::int[], ${numericTails.map((s) => s.lastT)}::int[],
                    ${numericTails.map((s) => s.lastValue)}::int[], ${numericTails.map((s) => s.lastSecond)}::int[])
             AS u(id, t, value, second)
        WHERE s.id = u.id`.execute(trx);
    }
    if (textTails.length > 0) {
      await sql`
        UPDATE series s SET last_t = u.t, last_text = ARRAY(SELECT jsonb_array_elements_text(u.txt))
        FROM unnest(${textTails.map((s) => s.id)}::int[], ${textTails.map((s) => s.lastT)}::int[],
                    ${textTails.map((s) => JSON.stringify(s.lastText))}::jsonb[]) AS u(id, t, txt)
        WHERE s.id = u.id`.execute(trx);
    }
    await touchPriceChange(trx, priceChanges);
    return { observations: ordered.length, pointsWritten: ids.length + textRows.length };
  });
}
