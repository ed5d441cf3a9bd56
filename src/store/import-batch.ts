// One batch of a Keepa import in one transaction (see import-keepa.ts for the batching).
// Where the points go, by the state of their series:
//   - empty series (new ones; `copyFresh`): COPY straight into `points`, in (series, t)
//     order so that every index insert lands on the rightmost leaf (on TimescaleDB chunk by
//     chunk, and so within each chunk: rows that hop between chunks cost TimescaleDB a
//     chunk switch and a buffer flush each);
//   - stored series: the part of the history after the series' last stored minute (a newer
//     capture) can hold no stored minute, so it is COPYed straight in too; the part up to
//     it, when the stored points over its range are exactly it (a re-import), is not sent at
//     all (series-digest.ts);
//   - the rest: COPY into a staging table, then one merge (Keepa's value wins at a minute
//     already stored, every other stored point is kept);
//   - points older than the archive cutoff (and than the series' last 90 days) go into the
//     product's archive blob instead (writeCold);
//   - text points: COPY straight into text_points for empty series, else staged and merged.
// A COPY that meets a stored minute anyway (a tail cache out of date) fails the batch, which
// is then written again product by product through the merge alone (import-keepa.ts).
import { sql, type Kysely } from 'kysely';
import type pg from 'pg';
import type { NumericPoint } from '../keepa/history-series.js';
import type { StoredProductParts } from '../keepa/product-object.js';
import { copyText, PointCopyBuffer, textPointLine } from './copy-rows.js';
import type { Database } from './db-types.js';
import { addCodes, touchPriceChange, touchProducts, upsertProducts } from './products.js';
import { archiveCutoff, lockArchives, mergeByMinute, readArchives, takeColdRows, writeArchives, type SeriesPoints as ArchivedSeriesPoints } from './point-archive.js';
import { seriesDigest, unchangedSeries } from './series-digest.js';
import { createMissingSeries, refreshSeriesTails } from './series-rows.js';
import { markSummariesStale } from './summary-refresh.js';

export interface ImportCounts {
  /** Points that were not stored before. */
  readonly inserted: number;
  /** Points stored before with another value at the same minute (now Keepa's value). */
  readonly updated: number;
  /** Points already stored exactly so. */
  readonly unchanged: number;
  readonly series: number;
}

/** One product to import and its position in its file (for messages). */
export interface ImportItem {
  readonly index: number;
  readonly parts: StoredProductParts;
}

export const keyOf = (parts: StoredProductParts) => `${parts.domainId}:${parts.asin}`;

/** The chunk interval of the points hypertable (schema/002_points_hypertable.timescaledb.sql). */
export const POINTS_CHUNK_MINUTES = 129_600;

export interface BatchOptions {
  /** Empty series take their points by plain COPY (else everything goes through the merge). */
  readonly copyFresh: boolean;
  /** Points is a hypertable with chunks of this many minutes (null: a plain table). */
  readonly chunkMinutes: number | null;
  /** The archive cutoff (Keepa minute; default now − ARCHIVE_AFTER_MINUTES). */
  readonly archiveBefore?: number;
}

type SeriesPoints = [id: number, points: readonly NumericPoint[]];

/** Appends the points of `series` in (series, t) order, or (chunk, series, t) order. */
function addInOrder(buffer: PointCopyBuffer, series: SeriesPoints[], chunkMinutes: number | null): void {
  series.sort((a, b) => a[0] - b[0]);
  if (chunkMinutes === null) {
    for (const [id, points] of series) for (const p of points) buffer.add(id, p.t, p.value, p.second);
    return;
  }
  // Each history is in time order: cut it into runs of one chunk, then write chunk by chunk.
  const runs = new Map<number, Array<[number, readonly NumericPoint[], number, number]>>();
  for (const [id, points] of series) {
    for (let start = 0; start < points.length;) {
      const chunk = Math.floor(points[start]!.t / chunkMinutes);
      let end = start + 1;
      while (end < points.length && Math.floor(points[end]!.t / chunkMinutes) === chunk) end++;
      let list = runs.get(chunk);
      if (!list) runs.set(chunk, (list = []));
      list.push([id, points, start, end]);
      start = end;
    }
  }
  for (const chunk of [...runs.keys()].sort((a, b) => a - b)) {
    for (const [id, points, start, end] of runs.get(chunk)!) {
      for (let i = start; i < end; i++) buffer.add(id, points[i]!.t, points[i]!.value, points[i]!.second);
    }
  }
}

function asNumber(value: unknown): number | null {
  return typeof value === 'number' && Number.isInteger(value) ? value : null;
}

function codesOf(meta: Record<string, unknown>): string[] {
  const codes: string[] = [];
  for (const key of ['eanList', 'upcList', 'gtinList']) {
    const list = meta[key];
    if (Array.isArray(list)) codes.push(...list.filter((c): c is string => typeof c === 'string'));
  }
  return codes;
}

/** Product rows, codes, price-change minutes and series rows; returns each product's id and those that got a new series. */
async function writeProducts(db: Kysely<Database>, items: readonly ImportItem[]): Promise<{ productIds: number[]; newSeries: number[] }> {
  const products = await upsertProducts(db, items.map(({ parts }) => ({
    domainId: parts.domainId,
    asin: parts.asin,
    title: typeof parts.meta.title === 'string' ? parts.meta.title : null,
    trackingSince: asNumber(parts.meta.trackingSince),
    lastUpdate: asNumber(parts.meta.lastUpdate),
    meta: parts.meta,
  })));
  const idOf = new Map(products.map((p) => [`${p.domainId}:${p.asin}`, p.id]));
  const productIds = items.map(({ parts }) => idOf.get(keyOf(parts))!);
  // Discovery summaries follow every write path (issue 14): queued in the same transaction.
  await markSummariesStale(db, productIds);
  await addCodes(db, items.flatMap(({ parts }, i) =>
    [...new Set(codesOf(parts.meta))].map((code) => ({ productId: productIds[i]!, domainId: parts.domainId, code }))));
  const priceChanges = new Map<number, number>();
  items.forEach(({ parts }, i) => {
    const at = asNumber(parts.meta.lastPriceChange);
    if (at !== null) priceChanges.set(productIds[i]!, at);
  });
  await touchPriceChange(db, priceChanges);
  const newSeries = await createMissingSeries(db, items.flatMap(({ parts }, i) =>
    [...parts.numeric.keys(), ...parts.text.keys()].map((name) => ({ productId: productIds[i]!, name }))));
  return { productIds, newSeries };
}

/** What a merge wrote, and the series it wrote points of. */
type Merged = { inserted: number; updated: number; series: number[] };

/** Staged points merged into `points`: Keepa's value wins where the minute is stored. */
async function mergeStaged(client: pg.PoolClient, staged: PointCopyBuffer): Promise<Merged> {
  await client.query(`CREATE TEMP TABLE IF NOT EXISTS import_points
    (series_id integer, t integer, value integer, second integer) ON COMMIT DELETE ROWS`);
  await copyText(client, 'import_points', 'series_id, t, value, second', staged.bytes());
  const { rows } = await client.query<Merged>(`
    WITH merged AS (
      INSERT INTO points AS p (series_id, t, value, second)
      SELECT series_id, t, value, second FROM import_points
      ON CONFLICT (series_id, t) DO UPDATE SET value = EXCLUDED.value, second = EXCLUDED.second
        WHERE (p.value, p.second) IS DISTINCT FROM (EXCLUDED.value, EXCLUDED.second)
      RETURNING p.series_id, (xmax = 0) AS inserted)
    SELECT count(*) FILTER (WHERE inserted)::int AS inserted, count(*) FILTER (WHERE NOT inserted)::int AS updated,
           coalesce(array_agg(DISTINCT series_id), '{}') AS series FROM merged`);
  return rows[0]!;
}

type TextEntry = [seriesId: number, t: number, values: readonly string[]];

const textLines = (entries: readonly TextEntry[]) => entries.map(([id, t, values]) => textPointLine(id, t, values)).join('');

/** Text points merged into `text_points` through COPY into a staging table (as mergeStaged). */
async function mergeText(client: pg.PoolClient, entries: readonly TextEntry[]): Promise<Merged> {
  if (entries.length === 0) return { inserted: 0, updated: 0, series: [] };
  await client.query(`CREATE TEMP TABLE IF NOT EXISTS import_text_points
    (series_id integer, t integer, vals text[]) ON COMMIT DELETE ROWS`);
  await copyText(client, 'import_text_points', 'series_id, t, vals', textLines(entries));
  const { rows } = await client.query<Merged>(`
    WITH merged AS (
      INSERT INTO text_points AS p (series_id, t, vals)
      SELECT series_id, t, vals FROM import_text_points
      ON CONFLICT (series_id, t) DO UPDATE SET vals = EXCLUDED.vals WHERE p.vals IS DISTINCT FROM EXCLUDED.vals
      RETURNING p.series_id, (xmax = 0) AS inserted)
    SELECT count(*) FILTER (WHERE inserted)::int AS inserted, count(*) FILTER (WHERE NOT inserted)::int AS updated,
           coalesce(array_agg(DISTINCT series_id), '{}') AS series FROM merged`);
  return rows[0]!;
}

type SeriesRow = { id: number; product_id: number; name: string; last_t: number | null; cold_t: number | null };

/** The cold part of one imported history: its points before `split`, bound for the product's blob. */
interface ColdPart {
  readonly productId: number;
  readonly series: SeriesRow;
  readonly split: number;
  readonly points: readonly NumericPoint[];
}

/**
 * Where an imported history is cut: points before the minute go to the archive blob, the
 * rest are rows of `points`. The archive cutoff, but never into the last 90 days of the
 * series itself (the product list's 30-day value and the sparklines' 90 days are read in SQL
 * from rows and the blob's tail, also under a clock set back to the data's time), and never
 * before the end of what the blob holds already (a minute is in one place or the other).
 */
function splitMinute(row: SeriesRow, history: readonly NumericPoint[], archiveBefore: number): number {
  const last = Math.max(history[history.length - 1]?.t ?? -Infinity, row.last_t ?? -Infinity);
  const split = Math.min(archiveBefore, last - KEEP_LAST_MINUTES);
  return row.cold_t === null ? split : Math.max(split, row.cold_t + 1);
}

/** The days of each imported history kept as rows whatever the clock (splitMinute). */
const KEEP_LAST_MINUTES = 90 * 1440;

/** Index of the first point at or after minute `t` (histories are in time order). */
function firstAtOrAfter(points: readonly NumericPoint[], t: number): number {
  let lo = 0;
  let hi = points.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (points[mid]!.t < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const samePoint = (a: NumericPoint, b: NumericPoint) => a.value === b.value && a.second === b.second;

/**
 * The cold parts into their products' blobs: under each product's archive lock, the blob,
 * the series' rows of `points` before the split (moved in: a minute is in one place), and
 * the imported points merged by minute, Keepa's value winning. A blob nothing changed is
 * not rewritten.
 */
async function writeCold(client: pg.PoolClient, active: readonly ColdPart[]): Promise<Merged> {
  if (active.length === 0) return { inserted: 0, updated: 0, series: [] };
  const productIds = [...new Set(active.map((part) => part.productId))];
  await lockArchives(client, productIds);
  const taken = await takeColdRows(client, new Map(active
    .filter((part) => part.series.last_t !== null)
    .map((part) => [part.series.id, part.split])));
  const blobs = await readArchives(client, productIds);
  const writes = new Map<number, ArchivedSeriesPoints>(productIds.map((id) => [id, new Map(blobs.get(id) ?? [])]));
  const rewrite = new Set<number>();
  let inserted = 0;
  let updated = 0;
  const series: number[] = [];
  for (const part of active) {
    const archived = writes.get(part.productId)!;
    const moved = taken.get(part.series.id) ?? [];
    const base = mergeByMinute(archived.get(part.series.id), moved);
    let i = 0;
    let changes = 0;
    for (const p of part.points) {
      while (i < base.length && base[i]!.t < p.t) i++;
      if (i < base.length && base[i]!.t === p.t) {
        if (!samePoint(base[i]!, p)) (updated++, changes++);
      } else (inserted++, changes++);
    }
    if (changes > 0) series.push(part.series.id);
    if (changes > 0 || moved.length > 0) rewrite.add(part.productId);
    archived.set(part.series.id, changes > 0 ? mergeByMinute(base, part.points) : base);
  }
  await writeArchives(client, [...rewrite].map((productId) => ({ productId, series: writes.get(productId)! })), 'fast');
  return { inserted, updated, series };
}

/** Writes one batch in one transaction. */
export async function writeBatch(client: pg.PoolClient, db: Kysely<Database>, items: readonly ImportItem[], options: BatchOptions): Promise<ImportCounts> {
  const { copyFresh, chunkMinutes } = options;
  await client.query('BEGIN');
  // The merge and digest statements of a 100k-point batch are estimated far above
  // jit_above_cost, and compiling them took ~230 ms each, longer than they run.
  await client.query('SET LOCAL jit = off');
  const { productIds, newSeries } = await writeProducts(db, items);
  const { rows: seriesRows } = await client.query<SeriesRow>(
    'SELECT id, product_id, name, last_t, cold_t FROM series WHERE product_id = ANY($1::int[])', [productIds]);
  const series = new Map(seriesRows.map((r) => [`${r.product_id}:${r.name}`, r]));
  const archiveBefore = options.archiveBefore ?? (await archiveCutoff(client));
  const cold: ColdPart[] = [];

  /** Points COPYed straight into points. */
  const fresh: SeriesPoints[] = [];
  /** Points of stored series up to their last minute: digest, else merge. */
  const stored: SeriesPoints[] = [];
  /** Text points of empty series, COPYed straight into text_points; the others are merged. */
  const freshText: TextEntry[] = [];
  const textEntries: TextEntry[] = [];
  const textIds: number[] = [];
  let total = 0;
  items.forEach(({ parts }, i) => {
    for (const [name, history] of parts.numeric) {
      const row = series.get(`${productIds[i]}:${name}`)!;
      total += history.length;
      const split = splitMinute(row, history, archiveBefore);
      const k = firstAtOrAfter(history, split);
      if (k > 0) cold.push({ productId: productIds[i]!, series: row, split, points: history.slice(0, k) });
      const points = k === 0 ? history : history.slice(k);
      if (!copyFresh) stored.push([row.id, points]);
      else if (row.last_t === null) fresh.push([row.id, points]);
      else {
        // Histories are in time order (decodeNumeric): the new minutes are a suffix.
        let after = points.length;
        while (after > 0 && points[after - 1]!.t > row.last_t) after--;
        if (after > 0) stored.push([row.id, after === points.length ? points : points.slice(0, after)]);
        if (after < points.length) fresh.push([row.id, points.slice(after)]);
      }
    }
    for (const [name, points] of parts.text) {
      const row = series.get(`${productIds[i]}:${name}`)!;
      textIds.push(row.id);
      const into = copyFresh && row.last_t === null ? freshText : textEntries;
      for (const p of points) into.push([row.id, p.t, p.values]);
      total += points.length;
    }
  });

  const emptyIds = new Set(seriesRows.filter((r) => r.last_t === null).map((r) => r.id));
  const same = await unchangedSeries(client, stored
    .filter(([id, points]) => !emptyIds.has(id) && points.length > 0)
    .map(([id, points]) => seriesDigest(id, points)));

  const buffer = new PointCopyBuffer();
  const written = new Set(fresh.map(([id]) => id));
  addInOrder(buffer, fresh, chunkMinutes);
  let inserted = buffer.rows;
  let updated = 0;
  await copyText(client, 'points', 'series_id, t, value, second', buffer.bytes());

  /** Series that got a point (a product's row is touched for each, below). */
  const pointsWritten = new Set(fresh.filter(([, points]) => points.length > 0).map(([id]) => id));
  buffer.clear();
  const changed = stored.filter(([id]) => !same.has(id));
  for (const [id] of changed) written.add(id);
  addInOrder(buffer, changed, chunkMinutes);
  if (buffer.rows > 0) {
    const merged = await mergeStaged(client, buffer);
    inserted += merged.inserted;
    updated += merged.updated;
    for (const id of merged.series) pointsWritten.add(id);
  }
  const archived = await writeCold(client, cold);
  inserted += archived.inserted;
  updated += archived.updated;
  for (const id of archived.series) {
    written.add(id);
    pointsWritten.add(id);
  }
  await copyText(client, 'text_points', 'series_id, t, vals', textLines(freshText));
  inserted += freshText.length;
  for (const [id] of freshText) pointsWritten.add(id);
  const text = await mergeText(client, textEntries);
  inserted += text.inserted;
  updated += text.updated;
  for (const id of text.series) pointsWritten.add(id);
  // Skipped series hold the same points as before, hence the same tail.
  await refreshSeriesTails(db, [...written], textIds);
  // A product whose series or points changed gets a new row version even when its row was
  // left as it was; one whose did not keeps its version (a re-import drops no cached answer).
  const productOf = new Map(seriesRows.map((r) => [r.id, r.product_id]));
  await touchProducts(db, [...newSeries, ...[...pointsWritten].map((id) => productOf.get(id)!)]);
  await client.query('COMMIT');
  const numericSeries = items.reduce((n, { parts }) => n + parts.numeric.size, 0);
  return { inserted, updated, unchanged: total - inserted - updated, series: numericSeries + textIds.length };
}
