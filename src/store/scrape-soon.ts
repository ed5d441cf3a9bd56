// "Scrape now" from the dashboard: makes a tracked product due at once, so the next
// scheduler tick (every running worker) scrapes it, logged like any scheduled scrape.
import { sql } from 'kysely';
import type { Store } from './database.js';

/** false: the product is not tracked (or no longer active). */
export async function makeDueNow(store: Store, domainId: number, asin: string, now: Date = new Date()): Promise<boolean> {
  // `now` of the caller's clock: the scheduler decides what is due on its own clock
  const { rows } = await sql<{ id: number }>`
    UPDATE tracked_products SET next_due = ${now}::timestamptz
    WHERE domain_id = ${domainId} AND asin = ${asin} AND active
    RETURNING id`.execute(store.db);
  return rows.length > 0;
}
