// Alerts fired by a recorded change, inside the transaction that writes it: the change-only
// statement reports the points it wrote (with the value each replaced), the active
// trackings watching those products run their rules (src/alerts/rules.ts), and what fires
// becomes notifications and outbox rows before the commit. A change that is recorded
// therefore always has its notifications; a repeated scrape writes no point and fires
// nothing; a failed scrape never gets here.
import { sql, type Transaction } from 'kysely';
import { evaluateChanges, type SeriesChange } from '../alerts/rules.js';
import { landedValue } from '../alerts/notification-object.js';
import type { Database } from './db-types.js';
import { trackingFromRow, type KeyTrackingRow } from './key-trackings.js';
import { raiseNotifications, type RaisedNotification } from './notifications.js';

/** A point the change-only statement wrote that moved its series' tail. */
export interface WrittenPoint {
  readonly productId: number;
  /** Series name, `csv:<index>` for the series rules watch. */
  readonly name: string;
  readonly t: number;
  readonly value: number;
  readonly second: number | null;
  readonly beforeValue: number | null;
  readonly beforeSecond: number | null;
}

export interface AlertCounts {
  readonly notifications: number;
}

export async function raiseAlerts(trx: Transaction<Database>, written: readonly WrittenPoint[]): Promise<AlertCounts> {
  const csv = written.filter((p) => p.name.startsWith('csv:'));
  if (csv.length === 0) return { notifications: 0 };
  const productIds = [...new Set(csv.map((p) => p.productId))];
  const latest = Math.max(...csv.map((p) => p.t));
  // Locks the trackings: two products (domains) of one ASIN recorded at once must not
  // both read the same rule state.
  const { rows } = await sql<KeyTrackingRow & { product_id: number; product_domain: number }>`
    SELECT k.*, p.id AS product_id, p.domain_id AS product_domain
    FROM products p JOIN key_trackings k ON k.asin = p.asin AND p.domain_id = ANY(k.domains)
    WHERE p.id = ANY(${productIds}::int[]) AND k.is_active AND (k.expires_at IS NULL OR k.expires_at > ${latest})
    ORDER BY k.id
    FOR UPDATE OF k`.execute(trx);
  if (rows.length === 0) return { notifications: 0 };

  const changesOf = new Map<number, SeriesChange[]>();
  const domainOf = new Map(rows.map((r) => [r.product_id, r.product_domain]));
  for (const p of csv) {
    const domainId = domainOf.get(p.productId);
    if (domainId === undefined) continue;
    const list = changesOf.get(p.productId) ?? [];
    list.push({
      domainId,
      csvType: Number(p.name.slice(4)),
      t: p.t,
      before: p.beforeValue === null ? null : landedValue(p.beforeValue, p.beforeSecond),
      after: landedValue(p.value, p.second),
    });
    changesOf.set(p.productId, list);
  }

  const raised: RaisedNotification[] = [];
  const states: Record<number, unknown> = {};
  const byTracking = new Map<number, { tracking: ReturnType<typeof trackingFromRow>; changes: SeriesChange[] }>();
  for (const row of rows) {
    const entry = byTracking.get(row.id) ?? { tracking: trackingFromRow(row), changes: [] };
    entry.changes.push(...(changesOf.get(row.product_id) ?? []));
    byTracking.set(row.id, entry);
  }
  for (const { tracking, changes } of byTracking.values()) {
    const result = evaluateChanges(tracking, tracking.ruleState, changes);
    if (JSON.stringify(result.state) !== JSON.stringify(tracking.ruleState)) states[tracking.id] = result.state;
    for (const f of result.fired) {
      raised.push({ tracking, domainId: f.domainId, csvType: f.csvType, cause: f.cause, createDate: f.t, before: f.before, after: f.after, isDrop: f.isDrop });
    }
  }
  if (Object.keys(states).length > 0) {
    await sql`
      UPDATE key_trackings k SET rule_state = s.state
      FROM jsonb_each(${JSON.stringify(states)}::jsonb) AS s(id, state) WHERE k.id = s.id::int`.execute(trx);
  }
  const stored = await raiseNotifications(trx, raised);
  return { notifications: stored.length };
}
