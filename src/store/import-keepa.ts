// Import of Keepa product objects: history, not observation. Every point Keepa sent is
// kept exactly as sent (repeated values included), merged by time with what is stored;
// importing the same product again changes nothing.
//
// Products go in batches of ~100k points, one transaction each (a product is whole or
// absent whatever happens to the process). Points of series that hold none yet (the
// series' cached tail is empty) are COPYed straight into `points`; the others are COPYed
// into a staging table and merged in one INSERT … ON CONFLICT. While one batch is being
// written the next one is read and parsed, so the file and the database work at once.
// A batch the database refuses is written again product by product through the merge
// path, which isolates the product at fault: it is reported, the others are kept.
import { sql, type Kysely } from 'kysely';
import type pg from 'pg';
import type { StoredProductParts } from '../keepa/product-object.js';
import { kyselyOnClient } from './client-kysely.js';
import { copyText, PointCopyBuffer } from './copy-rows.js';
import type { Store } from './database.js';
import type { Database } from './db-types.js';
import { addCodes, touchPriceChange, upsertProducts } from './products.js';
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

export interface ImportEvents {
  /** After each committed batch: its products and their points. */
  readonly onCommitted?: (batch: { readonly products: number; readonly points: number; readonly counts: ImportCounts }) => void;
  /** A product the database refused; the rest of its batch is written without it. */
  readonly onRejected?: (item: ImportItem, error: Error) => void;
}

export interface ImportOptions {
  /** Points per transaction (default 100,000). */
  readonly batchPoints?: number;
}

export interface ImportResult extends ImportCounts {
  readonly products: number;
  readonly rejected: number;
}

const ZERO: ImportCounts = { inserted: 0, updated: 0, unchanged: 0, series: 0 };
const add = (a: ImportCounts, b: ImportCounts): ImportCounts => ({
  inserted: a.inserted + b.inserted, updated: a.updated + b.updated, unchanged: a.unchanged + b.unchanged, series: a.series + b.series,
});

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

export function pointsOf(parts: StoredProductParts): number {
  let n = 0;
  for (const points of parts.numeric.values()) n += points.length;
  for (const points of parts.text.values()) n += points.length;
  return n;
}

const keyOf = (parts: StoredProductParts) => `${parts.domainId}:${parts.asin}`;

/** Writes one batch in one transaction; `copyFresh` lets empty series take their points by plain COPY. */
async function writeBatch(client: pg.PoolClient, db: Kysely<Database>, items: readonly ImportItem[], copyFresh: boolean): Promise<ImportCounts> {
  await client.query('BEGIN');
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

  await createMissingSeries(db, items.flatMap(({ parts }, i) =>
    [...parts.numeric.keys(), ...parts.text.keys()].map((name) => ({ productId: productIds[i]!, name }))));
  const { rows: seriesRows } = await client.query<{ id: number; product_id: number; name: string; empty: boolean }>(
    'SELECT id, product_id, name, last_t IS NULL AS empty FROM series WHERE product_id = ANY($1::int[])', [productIds]);
  const series = new Map(seriesRows.map((r) => [`${r.product_id}:${r.name}`, r]));

  const fresh = new PointCopyBuffer();
  const staged = new PointCopyBuffer();
  let total = 0;
  const touched: number[] = [];
  const textEntries: Array<[number, number, string[]]> = [];
  items.forEach(({ parts }, i) => {
    for (const [name, points] of parts.numeric) {
      const row = series.get(`${productIds[i]}:${name}`)!;
      touched.push(row.id);
      const into = copyFresh && row.empty ? fresh : staged;
      for (const p of points) into.add(row.id, p.t, p.value, p.second);
      total += points.length;
    }
    for (const [name, points] of parts.text) {
      const row = series.get(`${productIds[i]}:${name}`)!;
      touched.push(row.id);
      for (const p of points) textEntries.push([row.id, p.t, [...p.values]]);
      total += points.length;
    }
  });

  let inserted = fresh.rows;
  let updated = 0;
  await copyText(client, 'points', 'series_id, t, value, second', fresh.bytes());
  if (staged.rows > 0) {
    await client.query(`CREATE TEMP TABLE IF NOT EXISTS import_points
      (series_id integer, t integer, value integer, second integer) ON COMMIT DELETE ROWS`);
    await copyText(client, 'import_points', 'series_id, t, value, second', staged.bytes());
    const { rows } = await client.query<{ inserted: number; updated: number }>(`
      WITH merged AS (
        INSERT INTO points AS p (series_id, t, value, second)
        SELECT series_id, t, value, second FROM import_points
        ON CONFLICT (series_id, t) DO UPDATE SET value = EXCLUDED.value, second = EXCLUDED.second
          WHERE (p.value, p.second) IS DISTINCT FROM (EXCLUDED.value, EXCLUDED.second)
        RETURNING (xmax = 0) AS inserted)
      SELECT count(*) FILTER (WHERE inserted)::int AS inserted, count(*) FILTER (WHERE NOT inserted)::int AS updated FROM merged`);
    inserted += rows[0]!.inserted;
    updated += rows[0]!.updated;
  }
  if (textEntries.length > 0) {
    const { rows } = await sql<{ inserted: number; updated: number }>`
      WITH merged AS (
        INSERT INTO text_points AS p (series_id, t, vals)
        SELECT (e->>0)::int, (e->>1)::int, ARRAY(SELECT jsonb_array_elements_text(e->2))
        FROM jsonb_array_elements(${JSON.stringify(textEntries)}::jsonb) AS e
        ON CONFLICT (series_id, t) DO UPDATE SET vals = EXCLUDED.vals WHERE p.vals IS DISTINCT FROM EXCLUDED.vals
        RETURNING (xmax = 0) AS inserted)
      SELECT count(*) FILTER (WHERE inserted)::int AS inserted, count(*) FILTER (WHERE NOT inserted)::int AS updated FROM merged`.execute(db);
    inserted += rows[0]!.inserted;
    updated += rows[0]!.updated;
  }
  await refreshSeriesTails(db, touched);
  await client.query('COMMIT');
  return { inserted, updated, unchanged: total - inserted - updated, series: touched.length };
}

/** A statement error (the session lives on), as opposed to a lost connection. */
function isStatementError(error: unknown): boolean {
  return typeof (error as { code?: unknown }).code === 'string' && /^[0-9A-Z]{5}$/.test((error as { code: string }).code);
}

/** Writes `items` in one transaction, or product by product when the database refuses the batch. */
async function writeIsolating(store: Store, items: readonly ImportItem[], events: ImportEvents): Promise<{ counts: ImportCounts; written: number }> {
  const client = await store.pool.connect();
  const db = kyselyOnClient(client);
  try {
    try {
      return { counts: await writeBatch(client, db, items, true), written: items.length };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      if (!isStatementError(error)) throw error;
    }
    let counts = ZERO;
    let written = 0;
    for (const item of items) {
      try {
        counts = add(counts, await writeBatch(client, db, [item], false));
        written++;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        if (!isStatementError(error)) throw error;
        events.onRejected?.(item, error as Error);
      }
    }
    return { counts, written };
  } finally {
    client.release();
  }
}

/**
 * Imports products as they come (a file being read): one transaction per batch, the next
 * batch read while the last one is written.
 */
export async function importKeepaProducts(
  store: Store,
  items: AsyncIterable<ImportItem> | Iterable<ImportItem>,
  events: ImportEvents = {},
  options: ImportOptions = {},
): Promise<ImportResult> {
  const limit = options.batchPoints ?? 100_000;
  let counts = ZERO;
  let products = 0;
  let rejected = 0;
  let failure: unknown = null;
  let writing: Promise<void> = Promise.resolve();
  let batch: ImportItem[] = [];
  let batchKeys = new Set<string>();
  let batchPoints = 0;

  const flush = async () => {
    await writing;
    if (failure) throw failure;
    if (batch.length === 0) return;
    const items = batch;
    const points = batchPoints;
    batch = [];
    batchKeys = new Set();
    batchPoints = 0;
    // Not awaited: the caller goes on reading the next batch meanwhile.
    writing = writeIsolating(store, items, events).then(
      ({ counts: written, written: n }) => {
        counts = add(counts, written);
        products += n;
        rejected += items.length - n;
        events.onCommitted?.({ products: n, points, counts: written });
      },
      (error) => {
        failure = error;
      },
    );
  };

  for await (const item of items) {
    // The same product twice in one statement would fail: it starts the next batch.
    if (batchKeys.has(keyOf(item.parts))) await flush();
    batch.push(item);
    batchKeys.add(keyOf(item.parts));
    batchPoints += pointsOf(item.parts);
    if (batchPoints >= limit) await flush();
  }
  await flush();
  await writing;
  if (failure) throw failure;
  return { ...counts, products, rejected };
}

/** One product in one transaction; a product the database refuses throws. */
export async function importKeepaProduct(store: Store, parts: StoredProductParts): Promise<ImportCounts> {
  let refused: Error | null = null;
  const result = await importKeepaProducts(store, [{ index: 0, parts }], { onRejected: (_, error) => (refused = error) });
  if (refused) throw refused;
  return { inserted: result.inserted, updated: result.updated, unchanged: result.unchanged, series: result.series };
}
