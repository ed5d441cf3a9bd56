// The scrape log of one tracked product, newest first (the dashboard's product page).
import { sql } from 'kysely';
import type { Store } from './database.js';

export interface ScrapeLogEntry {
  readonly startedAt: Date;
  readonly durationMs: number;
  readonly ok: boolean;
  readonly errorCode: string | null;
  readonly errorMessage: string | null;
  readonly httpStatus: number | null;
  readonly attempts: number;
  readonly pointsWritten: number;
}

export async function scrapeLog(store: Store, domainId: number, asin: string, limit = 50): Promise<ScrapeLogEntry[]> {
  const { rows } = await sql<Record<string, any>>`
    SELECT a.started_at, a.duration_ms, a.ok, a.error_code, a.error_message, a.http_status, a.attempts, a.points_written
    FROM scrape_attempts a JOIN tracked_products tp ON tp.id = a.tracked_id
    WHERE tp.domain_id = ${domainId} AND tp.asin = ${asin}
    ORDER BY a.started_at DESC, a.id DESC LIMIT ${limit}`.execute(store.db);
  return rows.map((r) => ({
    startedAt: r.started_at,
    durationMs: r.duration_ms,
    ok: r.ok,
    errorCode: r.error_code,
    errorMessage: r.error_message,
    httpStatus: r.http_status,
    attempts: r.attempts,
    pointsWritten: r.points_written,
  }));
}
