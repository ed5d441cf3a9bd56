// Keeps the scheduler's queue (tracked_products) in step with what is tracked: one row
// per watched (domain, ASIN), scraped every `least(manual interval, shortest
// updateInterval among the active key trackings watching it)`. A pair nobody tracks any
// more is removed, so removing the last tracking stops scraping it (its history stays).
import { sql, type Transaction } from 'kysely';
import type { Database } from './db-types.js';

export interface WatchedPair {
  readonly domainId: number;
  readonly asin: string;
}

/** `now`: the scheduler's clock (tests drive a simulated one): new rows fall due then. */
export async function syncSchedule(trx: Transaction<Database>, pairs: readonly WatchedPair[], now: Date = new Date()): Promise<void> {
  if (pairs.length === 0) return;
  await sql`
    WITH pairs AS (
      SELECT DISTINCT d::smallint AS domain_id, a AS asin
      FROM unnest(${pairs.map((p) => p.domainId)}::int[], ${pairs.map((p) => p.asin)}::text[]) AS p(d, a)
    ), wanted AS (
      SELECT p.domain_id, p.asin,
             least(t.manual_interval_minutes,
                   (SELECT min(k.update_interval) * 60 FROM key_trackings k
                    WHERE k.is_active AND k.asin = p.asin AND p.domain_id = ANY(k.domains))) AS minutes
      FROM pairs p LEFT JOIN tracked_products t ON t.domain_id = p.domain_id AND t.asin = p.asin
    ), removed AS (
      DELETE FROM tracked_products t USING wanted w
      WHERE t.domain_id = w.domain_id AND t.asin = w.asin AND w.minutes IS NULL
    )
    INSERT INTO tracked_products AS t (domain_id, asin, interval_minutes, next_due)
    SELECT domain_id, asin, minutes, ${now}::timestamptz FROM wanted WHERE minutes IS NOT NULL
    ON CONFLICT (domain_id, asin) DO UPDATE SET
      interval_minutes = EXCLUDED.interval_minutes,
      next_due = CASE WHEN t.active THEN least(t.next_due, ${now}::timestamptz + make_interval(mins => EXCLUDED.interval_minutes)) ELSE ${now}::timestamptz END,
      active = true, inactive_reason = NULL, failures = CASE WHEN t.active THEN t.failures ELSE 0 END`.execute(trx);
}
