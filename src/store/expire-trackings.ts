// Trackings whose ttl has run out are removed (Keepa removes them); those with
// expireNotify raise an EXPIRED notification in the same transaction; the scheduler
// stops scraping what nobody tracks any more.
import { sql } from 'kysely';
import { Cause } from '../alerts/enums.js';
import type { Store } from './database.js';
import { trackingFromRow, type KeyTrackingRow } from './key-trackings.js';
import { raiseNotifications } from './notifications.js';
import { fromKeepaMinute } from '../keepa/time.js';
import { syncSchedule } from './schedule-sync.js';

export async function expireTrackings(store: Store, nowMinute: number, limit = 500): Promise<number> {
  return store.db.transaction().execute(async (trx) => {
    const { rows } = await sql<KeyTrackingRow>`
      DELETE FROM key_trackings WHERE id IN (
        SELECT id FROM key_trackings WHERE expires_at IS NOT NULL AND expires_at <= ${nowMinute}
        ORDER BY expires_at LIMIT ${limit} FOR UPDATE SKIP LOCKED)
      RETURNING *`.execute(trx);
    const expired = rows.map(trackingFromRow);
    await raiseNotifications(
      trx,
      expired.filter((t) => t.expireNotify).map((t) => ({
        tracking: { ...t, id: null }, // the tracking row is gone
        domainId: t.mainDomainId, csvType: 0, cause: Cause.EXPIRED, createDate: t.expiresAt!, before: null, after: null, isDrop: null,
      })),
    );
    await syncSchedule(trx, expired.flatMap((t) => t.domains.map((domainId) => ({ domainId, asin: t.asin }))), fromKeepaMinute(nowMinute));
    return expired.length;
  });
}
