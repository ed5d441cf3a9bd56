// Keepa trackings per API key and named list (schema/011_alerts.sql): add (overwrite and
// reactivate), read, remove, expire. Every change re-derives the scheduler's queue for
// the (domain, ASIN) pairs it touched (schedule-sync.ts), in the same transaction.
import { sql, type Kysely, type Transaction } from 'kysely';
import { ruleKey, type RuleState } from '../alerts/rules.js';
import { watchedDomains, type NotifyIfRule, type ThresholdRule, type TrackingSpec } from '../alerts/tracking-spec.js';
import type { Database } from './db-types.js';
import type { Store } from './database.js';
import { fromKeepaMinute } from '../keepa/time.js';
import { syncSchedule, type WatchedPair } from './schedule-sync.js';
import { costPerUpdate } from '../alerts/token-flow.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface KeyTracking {
  readonly id: number;
  readonly keyId: number;
  readonly listName: string;
  readonly asin: string;
  readonly mainDomainId: number;
  readonly domains: readonly number[];
  readonly createDate: number;
  readonly ttlHours: number;
  readonly expiresAt: number | null;
  readonly expireNotify: boolean;
  readonly desiredPricesInMainCurrency: boolean;
  readonly thresholdValues: readonly ThresholdRule[];
  readonly notifyIf: readonly NotifyIfRule[];
  readonly notificationType: readonly boolean[];
  readonly individualNotificationInterval: number;
  readonly updateInterval: number;
  readonly metaData: string | null;
  readonly isActive: boolean;
  readonly notificationCsv: readonly number[];
  readonly ruleState: RuleState;
}

export interface KeyTrackingRow {
  id: number; key_id: number; list_name: string; asin: string; main_domain_id: number; domains: number[];
  create_date: number; ttl_hours: number; expires_at: number | null; expire_notify: boolean;
  desired_prices_in_main_currency: boolean; threshold_values: ThresholdRule[]; notify_if: NotifyIfRule[];
  notification_type: boolean[]; individual_notification_interval: number; update_interval: number;
  meta_data: string | null; is_active: boolean; notification_csv: number[]; rule_state: RuleState;
}

export function trackingFromRow(r: KeyTrackingRow): KeyTracking {
  return {
    id: r.id, keyId: r.key_id, listName: r.list_name, asin: r.asin, mainDomainId: r.main_domain_id, domains: r.domains,
    createDate: r.create_date, ttlHours: r.ttl_hours, expiresAt: r.expires_at, expireNotify: r.expire_notify,
    desiredPricesInMainCurrency: r.desired_prices_in_main_currency, thresholdValues: r.threshold_values, notifyIf: r.notify_if,
    notificationType: r.notification_type, individualNotificationInterval: r.individual_notification_interval,
    updateInterval: r.update_interval, metaData: r.meta_data, isActive: r.is_active, notificationCsv: r.notification_csv,
    ruleState: r.rule_state,
  };
}

const pairsOf = (t: Pick<KeyTracking, 'asin' | 'domains'>): WatchedPair[] => t.domains.map((domainId) => ({ domainId, asin: t.asin }));

/** The stored form of a spec added at `now` over an existing tracking (or none). */
function merge(spec: TrackingSpec, existing: KeyTracking | undefined, now: number) {
  const keepTtl = spec.ttl < 0 && existing !== undefined;
  const ttlHours = keepTtl ? existing.ttlHours : Math.abs(spec.ttl);
  const createDate = keepTtl ? existing.createDate : now;
  const before = new Map((existing?.thresholdValues ?? []).map((t) => [ruleKey(t), t]));
  const thresholds = spec.thresholdValues.map((t) => {
    const history = before.get(ruleKey(t))?.thresholdValueCSV ?? [];
    const unchanged = history.length >= 2 && history[history.length - 1] === t.thresholdValue;
    return { ...t, thresholdValueCSV: unchanged ? history : [...history, now, t.thresholdValue] };
  });
  // A rule whose threshold is unchanged keeps its state (its re-arm time, whether it is in range).
  const state: Record<string, unknown> = {};
  for (const t of spec.thresholdValues) {
    const old = before.get(ruleKey(t));
    if (old && old.thresholdValue === t.thresholdValue && existing?.ruleState[ruleKey(t)]) state[ruleKey(t)] = existing.ruleState[ruleKey(t)];
  }
  return {
    asin: spec.asin, main_domain_id: spec.mainDomainId, domains: watchedDomains(spec), create_date: createDate, ttl_hours: ttlHours,
    expires_at: ttlHours === 0 ? null : createDate + ttlHours * 60, expire_notify: spec.expireNotify,
    desired_prices_in_main_currency: spec.desiredPricesInMainCurrency, threshold_values: thresholds, notify_if: spec.notifyIf,
    notification_type: spec.notificationType, individual_notification_interval: spec.individualNotificationInterval,
    update_interval: spec.updateInterval, meta_data: spec.metaData, rule_state: state,
    notification_csv: existing?.notificationCsv ?? [],
    flow_cost_per_update: costPerUpdate(spec),
  };
}

/** Adds or overwrites (and reactivates) trackings; the scheduler follows in the same transaction. */
export async function upsertTrackings(
  store: Store,
  keyId: number,
  listName: string,
  specs: readonly TrackingSpec[],
  now: number,
): Promise<KeyTracking[]> {
  if (specs.length === 0) return [];
  // One spec per ASIN: the last one in the batch wins, as it would one request after another.
  const byAsin = [...new Map(specs.map((s) => [s.asin, s])).values()];
  return store.db.transaction().execute(async (trx) => {
    const existing = new Map(
      (await selectTrackings(trx, keyId, listName, byAsin.map((s) => s.asin), true)).map((t) => [t.asin, t]),
    );
    const rows = byAsin.map((spec) => merge(spec, existing.get(spec.asin), now));
    const { rows: saved } = await sql<KeyTrackingRow>`
      INSERT INTO key_trackings AS k (key_id, list_name, asin, main_domain_id, domains, create_date, ttl_hours, expires_at,
        expire_notify, desired_prices_in_main_currency, threshold_values, notify_if, notification_type,
        individual_notification_interval, update_interval, meta_data, is_active, notification_csv, rule_state, flow_cost_per_update)
      SELECT ${keyId}, ${listName}, r->>'asin', (r->>'main_domain_id')::smallint,
             ARRAY(SELECT jsonb_array_elements_text(r->'domains')::smallint), (r->>'create_date')::int, (r->>'ttl_hours')::int,
             (r->>'expires_at')::int, (r->>'expire_notify')::boolean, (r->>'desired_prices_in_main_currency')::boolean,
             r->'threshold_values', r->'notify_if', ARRAY(SELECT jsonb_array_elements_text(r->'notification_type')::boolean),
             (r->>'individual_notification_interval')::int, (r->>'update_interval')::int, r->>'meta_data', true,
             ARRAY(SELECT jsonb_array_elements_text(r->'notification_csv')::int), r->'rule_state',
             (r->>'flow_cost_per_update')::double precision
      FROM jsonb_array_elements(${JSON.stringify(rows)}::jsonb) AS r
      ON CONFLICT (key_id, list_name, asin) DO UPDATE SET
        main_domain_id = EXCLUDED.main_domain_id, domains = EXCLUDED.domains, create_date = EXCLUDED.create_date,
        ttl_hours = EXCLUDED.ttl_hours, expires_at = EXCLUDED.expires_at, expire_notify = EXCLUDED.expire_notify,
        desired_prices_in_main_currency = EXCLUDED.desired_prices_in_main_currency, threshold_values = EXCLUDED.threshold_values,
        notify_if = EXCLUDED.notify_if, notification_type = EXCLUDED.notification_type,
        individual_notification_interval = EXCLUDED.individual_notification_interval, update_interval = EXCLUDED.update_interval,
        meta_data = EXCLUDED.meta_data, is_active = true, rule_state = EXCLUDED.rule_state,
        flow_cost_per_update = EXCLUDED.flow_cost_per_update
      RETURNING *`.execute(trx);
    const result = saved.map(trackingFromRow);
    await syncSchedule(trx, [...[...existing.values()].flatMap(pairsOf), ...result.flatMap(pairsOf)], fromKeepaMinute(now));
    const order = new Map(byAsin.map((s, i) => [s.asin, i]));
    return result.sort((a, b) => order.get(a.asin)! - order.get(b.asin)!);
  });
}

async function selectTrackings(db: Db, keyId: number, listName: string | null, asins: readonly string[] | null, lock = false): Promise<KeyTracking[]> {
  const { rows } = await sql<KeyTrackingRow>`
    SELECT * FROM key_trackings
    WHERE key_id = ${keyId} AND (${listName}::text IS NULL OR list_name = ${listName}::text)
      AND (${asins ? [...asins] : null}::text[] IS NULL OR asin = ANY(${asins ? [...asins] : null}::text[]))
    ORDER BY list_name, asin
    ${lock ? sql`FOR UPDATE` : sql``}`.execute(db);
  return rows.map(trackingFromRow);
}

/** Trackings of a key in one list (null: every list), optionally only these ASINs. */
export function listKeyTrackings(store: Store, keyId: number, listName: string | null, asins?: readonly string[]): Promise<KeyTracking[]> {
  return selectTrackings(store.db, keyId, listName, asins ?? null);
}

export async function listNames(store: Store, keyId: number): Promise<string[]> {
  const { rows } = await sql<{ list_name: string }>`
    SELECT DISTINCT list_name FROM key_trackings WHERE key_id = ${keyId} AND list_name <> '' ORDER BY list_name`.execute(store.db);
  return rows.map((r) => r.list_name);
}

/** Removes trackings (null `asins`: the whole list); returns the removed ASINs. */
export async function removeKeyTrackings(store: Store, keyId: number, listName: string, asins: readonly string[] | null): Promise<string[]> {
  return store.db.transaction().execute(async (trx) => {
    const { rows } = await sql<KeyTrackingRow>`
      DELETE FROM key_trackings
      WHERE key_id = ${keyId} AND list_name = ${listName}
        AND (${asins ? [...asins] : null}::text[] IS NULL OR asin = ANY(${asins ? [...asins] : null}::text[]))
      RETURNING *`.execute(trx);
    const removed = rows.map(trackingFromRow);
    await syncSchedule(trx, removed.flatMap(pairsOf));
    return removed.map((t) => t.asin);
  });
}

/** Per tracking id: its notifications' pushes by status and the newest failure. */
export async function trackingDeliveries(
  db: Db,
  trackingIds: readonly number[],
): Promise<Map<number, { pending: number; delivered: number; failed: number; lastError: string | null }>> {
  if (trackingIds.length === 0) return new Map();
  const { rows } = await sql<{ tracking_id: number; pending: number; delivered: number; failed: number; last_error: string | null }>`
    SELECT n.tracking_id,
           count(*) FILTER (WHERE d.status = 'pending')::int AS pending,
           count(*) FILTER (WHERE d.status = 'delivered')::int AS delivered,
           count(*) FILTER (WHERE d.status = 'failed')::int AS failed,
           (array_agg(d.last_error ORDER BY d.last_attempt_at DESC NULLS LAST) FILTER (WHERE d.last_error IS NOT NULL))[1] AS last_error
    FROM notifications n JOIN deliveries d ON d.topic = 'keepa.notification' AND d.subject = n.id::text
    WHERE n.tracking_id = ANY(${[...trackingIds]}::int[])
    GROUP BY n.tracking_id`.execute(db);
  return new Map(rows.map((r) => [r.tracking_id, { pending: r.pending, delivered: r.delivered, failed: r.failed, lastError: r.last_error }]));
}
