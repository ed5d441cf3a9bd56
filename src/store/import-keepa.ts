// Import of Keepa product objects: history, not observation. Every point Keepa sent is
// kept exactly as sent (repeated values included), merged by time with what is stored;
// importing the same product again changes nothing.
//
// Products go in batches of ~100k points, one transaction each (a product is whole or
// absent whatever happens to the process); import-batch.ts says where the points of a
// batch go. Two batches are written at once on the server, each on a connection of its
// own, while the next one is read and parsed: the database's index maintenance, not the
// file, is what takes the time, and PostgreSQL runs each connection on a core of its own.
// A product found again while an earlier capture of it is still being written waits for
// it, so captures are applied in file order. A batch the database refuses is written
// again product by product through the merge path, which isolates the product at fault:
// it is reported, the others are kept.
import type { StoredProductParts } from '../keepa/product-object.js';
import { kyselyOnClient } from './client-kysely.js';
import type { Store } from './database.js';
import { keyOf, POINTS_CHUNK_MINUTES, writeBatch, type ImportCounts, type ImportItem } from './import-batch.js';

export type { ImportCounts, ImportItem } from './import-batch.js';

export interface ImportEvents {
  /** After each committed batch: its products and their points. */
  readonly onCommitted?: (batch: { readonly products: number; readonly points: number; readonly counts: ImportCounts }) => void;
  /** A product the database refused; the rest of its batch is written without it. */
  readonly onRejected?: (item: ImportItem, error: Error) => void;
}

export interface ImportOptions {
  /** Points per transaction (default 100,000). */
  readonly batchPoints?: number;
  /** Batches written at once (default 2 on a server, 1 embedded: PGlite has one session). */
  readonly concurrency?: number;
  /** Points before this Keepa minute go into the archive blobs (default now − 30 days; tests of row storage set it far back). */
  readonly archiveBefore?: number;
}

export interface ImportResult extends ImportCounts {
  readonly products: number;
  readonly rejected: number;
}

const ZERO: ImportCounts = { inserted: 0, updated: 0, unchanged: 0, series: 0 };
const add = (a: ImportCounts, b: ImportCounts): ImportCounts => ({
  inserted: a.inserted + b.inserted, updated: a.updated + b.updated, unchanged: a.unchanged + b.unchanged, series: a.series + b.series,
});

export function pointsOf(parts: StoredProductParts): number {
  let n = 0;
  for (const points of parts.numeric.values()) n += points.length;
  for (const points of parts.text.values()) n += points.length;
  return n;
}

/** A statement error (the session lives on), as opposed to a lost connection. */
function isStatementError(error: unknown): boolean {
  return typeof (error as { code?: unknown }).code === 'string' && /^[0-9A-Z]{5}$/.test((error as { code: string }).code);
}

/** Writes `items` in one transaction, or product by product when the database refuses the batch. */
async function writeIsolating(store: Store, items: readonly ImportItem[], events: ImportEvents, archiveBefore: number | undefined): Promise<{ counts: ImportCounts; written: number }> {
  const client = await store.pool.connect();
  const db = kyselyOnClient(client);
  const chunkMinutes = store.timescaledb ? POINTS_CHUNK_MINUTES : null;
  try {
    try {
      return { counts: await writeBatch(client, db, items, { copyFresh: true, chunkMinutes, archiveBefore }), written: items.length };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      if (!isStatementError(error)) throw error;
    }
    let counts = ZERO;
    let written = 0;
    for (const item of items) {
      try {
        counts = add(counts, await writeBatch(client, db, [item], { copyFresh: false, chunkMinutes, archiveBefore }));
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
 * Imports products as they come (a file being read): one transaction per batch, up to
 * `concurrency` batches written while the next one is read.
 */
export async function importKeepaProducts(
  store: Store,
  items: AsyncIterable<ImportItem> | Iterable<ImportItem>,
  events: ImportEvents = {},
  options: ImportOptions = {},
): Promise<ImportResult> {
  const limit = options.batchPoints ?? 100_000;
  const concurrency = Math.max(1, options.concurrency ?? (store.engine === 'server' ? 2 : 1));
  let counts = ZERO;
  let products = 0;
  let rejected = 0;
  let failure: unknown = null;
  /** Batches being written, each with the products it holds. */
  const writing = new Map<Promise<void>, ReadonlySet<string>>();
  let batch: ImportItem[] = [];
  let batchKeys = new Set<string>();
  let batchPoints = 0;

  const settle = async (until: number) => {
    while (writing.size > until) await Promise.race(writing.keys());
    if (failure) throw failure;
  };
  const flush = async () => {
    if (batch.length === 0) return settle(concurrency - 1);
    await settle(concurrency - 1);
    const items = batch;
    const points = batchPoints;
    const keys = batchKeys;
    batch = [];
    batchKeys = new Set();
    batchPoints = 0;
    // Not awaited: the caller goes on reading the next batch meanwhile.
    const done: Promise<void> = writeIsolating(store, items, events, options.archiveBefore).then(
      ({ counts: written, written: n }) => {
        counts = add(counts, written);
        products += n;
        rejected += items.length - n;
        events.onCommitted?.({ products: n, points, counts: written });
      },
      (error) => {
        failure ??= error;
      },
    ).finally(() => writing.delete(done));
    writing.set(done, keys);
  };

  try {
    for await (const item of items) {
      const key = keyOf(item.parts);
      // The same product twice in one statement would fail, and two captures of a product
      // written at once could land in either order: the later one waits for the earlier.
      if (batchKeys.has(key)) await flush();
      if ([...writing.values()].some((keys) => keys.has(key))) await settle(0);
      batch.push(item);
      batchKeys.add(key);
      batchPoints += pointsOf(item.parts);
      if (batchPoints >= limit) await flush();
    }
    await flush();
    await settle(0);
  } catch (error) {
    // Never return while a batch is still being written on a connection of the pool.
    await Promise.allSettled(writing.keys());
    // The batches that did commit must not be served stale to the caller's next read.
    await store.changes.caughtUp();
    throw error;
  }
  // This process's caches have dropped what the import changed before the caller reads.
  await store.changes.caughtUp();
  return { ...counts, products, rejected };
}

/** One product in one transaction; a product the database refuses throws. */
export async function importKeepaProduct(store: Store, parts: StoredProductParts, options: Pick<ImportOptions, 'archiveBefore'> = {}): Promise<ImportCounts> {
  let refused: Error | null = null;
  const result = await importKeepaProducts(store, [{ index: 0, parts }], { onRejected: (_, error) => (refused = error) }, options);
  if (refused) throw refused;
  return { inserted: result.inserted, updated: result.updated, unchanged: result.unchanged, series: result.series };
}
