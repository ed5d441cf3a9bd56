// Compression of old point chunks. TimescaleDB's policy job needs its background worker,
// which the embedded engine does not run, so the scheduler and `pricekeep db --compress`
// call this instead; on a server the policy does the same work on its own.
import { sql } from 'kysely';
import type { Store } from './database.js';

/** Compresses every uncompressed chunk that ends before `olderThanMinutes` ago; returns how many. */
export async function compressOldChunks(store: Store, olderThanMinutes = 43_200): Promise<number> {
  if (!store.timescaledb) return 0;
  const { rows } = await sql<{ chunk: string }>`
    SELECT compress_chunk(c, if_not_compressed => true)::text AS chunk
    FROM show_chunks('points', older_than => keepa_now() - ${olderThanMinutes}::int) c`.execute(store.db);
  return rows.length;
}

/** Compresses every chunk regardless of age (tests, benchmarks, archives). */
export async function compressAllChunks(store: Store): Promise<number> {
  if (!store.timescaledb) return 0;
  const { rows } = await sql<{ chunk: string }>`
    SELECT compress_chunk(c, if_not_compressed => true)::text AS chunk FROM show_chunks('points') c`.execute(store.db);
  return rows.length;
}
