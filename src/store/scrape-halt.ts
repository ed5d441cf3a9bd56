// The scraping halt: set when a scrape ends with a `halt` error (the catalogue's policy:
// a hosted scraper that rejects our key, no credits left), so that no worker keeps
// burning requests that cannot succeed; every claim skips products while it is set,
// `track list` and `GET /status` show it, and `pricekeep track resume` clears it.
import { sql } from 'kysely';
import type { Store } from './database.js';
import type { ClaimedProduct } from './tracking.js';

/** The scrape that hit the halt error. */
export interface HaltingScrape {
  readonly worker: string;
  readonly startedAt: Date;
  readonly durationMs: number;
  readonly attempts: number;
  readonly httpStatus: number | null;
  readonly error: { readonly code: string; readonly message: string };
}

export interface ScrapeHalt {
  readonly code: string;
  readonly message: string;
  readonly since: Date;
  readonly worker: string;
}

export async function currentHalt(store: Store): Promise<ScrapeHalt | null> {
  const { rows } = await sql<ScrapeHalt>`SELECT code, message, since, worker FROM scrape_halt`.execute(store.db);
  return rows[0] ?? null;
}

/** Clears the halt; returns the one that was set, if any. */
export async function resumeScraping(store: Store): Promise<ScrapeHalt | null> {
  const { rows } = await sql<ScrapeHalt>`DELETE FROM scrape_halt RETURNING code, message, since, worker`.execute(store.db);
  return rows[0] ?? null;
}

/**
 * Records a scrape that ended in a halt error: the attempt row, the halt (the first one
 * stays when several workers halt at once), and the product given back as it was — not
 * its fault, so no failure is counted and it stays due for when scraping resumes.
 */
export async function haltScraping(store: Store, claim: Pick<ClaimedProduct, 'id'>, result: HaltingScrape): Promise<void> {
  await store.db.transaction().execute(async (trx) => {
    await sql`
      INSERT INTO scrape_attempts (tracked_id, worker, started_at, duration_ms, ok, error_code, error_message,
                                   http_status, attempts, points_written)
      VALUES (${claim.id}, ${result.worker}, ${result.startedAt}, ${Math.round(result.durationMs)}, false,
              ${result.error.code}, ${result.error.message}, ${result.httpStatus}, ${result.attempts}, 0)`.execute(trx);
    await sql`
      INSERT INTO scrape_halt (code, message, since, worker, tracked_id)
      VALUES (${result.error.code}, ${result.error.message}, ${result.startedAt}, ${result.worker}, ${claim.id})
      ON CONFLICT (singleton) DO NOTHING`.execute(trx);
    await sql`
      UPDATE tracked_products SET last_scrape_at = ${result.startedAt}, last_error_code = ${result.error.code},
        last_error_message = ${result.error.message}, lease_owner = NULL, lease_until = NULL
      WHERE id = ${claim.id}`.execute(trx);
  });
}
