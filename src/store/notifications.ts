// Notifications: raised inside the transaction of the change (or expiry) that causes
// them, each with a stable id, its Keepa body, and an outbox row per push channel the
// key has set up (webhook, e-mail); pulled through type=notification, read by the feeds.
import { sql, type Kysely, type Transaction } from 'kysely';
import { NotificationType } from '../alerts/enums.js';
import { landedValue, notificationObject } from '../alerts/notification-object.js';
import { keepaMinuteToUnixMs } from '../keepa/time.js';
import type { Database } from './db-types.js';
import type { Store } from './database.js';
import { enqueueDeliveries, type NewDelivery } from './deliveries.js';
import type { KeyTracking } from './key-trackings.js';

type Db = Kysely<Database> | Transaction<Database>;

export const NOTIFICATION_TOPIC = 'keepa.notification';

export interface RaisedNotification {
  readonly tracking: Pick<KeyTracking, 'keyId' | 'listName' | 'asin' | 'mainDomainId' | 'notificationType' | 'metaData'> & {
    /** null once the tracking is gone (an EXPIRED notification). */
    readonly id: number | null;
  };
  /** The domain whose change raised it. */
  readonly domainId: number;
  readonly csvType: number;
  readonly cause: number;
  readonly createDate: number;
  readonly before: number | null;
  readonly after: number | null;
  readonly isDrop: boolean | null;
}

export interface StoredNotification {
  readonly id: number;
  readonly keyId: number;
  readonly listName: string;
  readonly asin: string;
  readonly createDate: number;
  readonly domainId: number;
  readonly notificationDomainId: number;
  readonly csvType: number;
  readonly cause: number;
  readonly oldValue: number | null;
  readonly newValue: number | null;
  readonly body: string;
  readonly title: string | null;
}

interface ProductInfo { domain_id: number; asin: string; title: string | null; image: string | null; prices: Array<[number, number, number | null]> | null }

async function productInfo(trx: Db, pairs: ReadonlyArray<readonly [number, string]>): Promise<Map<string, ProductInfo>> {
  const { rows } = await sql<ProductInfo>`
    SELECT p.domain_id, p.asin, p.title,
           coalesce(p.meta->'images'->0->>'l', nullif(split_part(p.meta->>'imagesCSV', ',', 1), '')) AS image,
           (SELECT json_agg(json_build_array(substr(s.name, 5)::int, s.last_value, s.last_second))
            FROM series s WHERE s.product_id = p.id AND s.name LIKE 'csv:%' AND s.last_value IS NOT NULL) AS prices
    FROM products p
    JOIN unnest(${pairs.map((p) => p[0])}::int[], ${pairs.map((p) => p[1])}::text[]) AS w(d, a) ON p.domain_id = w.d AND p.asin = w.a`.execute(trx);
  return new Map(rows.map((r) => [`${r.domain_id}|${r.asin}`, r]));
}

/** Writes the notifications and their outbox rows; returns them with their ids. */
export async function raiseNotifications(trx: Transaction<Database>, items: readonly RaisedNotification[]): Promise<StoredNotification[]> {
  if (items.length === 0) return [];
  const keyIds = [...new Set(items.map((i) => i.tracking.keyId))];
  const { rows: settingRows } = await sql<{ key_id: number; webhook_url: string | null; email_to: string | null }>`
    SELECT key_id, webhook_url, email_to FROM key_alert_settings WHERE key_id = ANY(${keyIds}::int[])`.execute(trx);
  const settings = new Map(settingRows.map((s) => [s.key_id, s]));
  const products = await productInfo(trx, items.map((i) => [i.domainId, i.tracking.asin] as const));
  const { rows: ids } = await sql<{ id: number }>`
    SELECT nextval(pg_get_serial_sequence('notifications', 'id'))::bigint AS id FROM generate_series(1, ${items.length})`.execute(trx);

  const stored: StoredNotification[] = [];
  const deliveries: NewDelivery[] = [];
  const history = new Map<number, number[]>();
  items.forEach((item, i) => {
    const id = Number(ids[i]!.id);
    const product = products.get(`${item.domainId}|${item.tracking.asin}`);
    const setting = settings.get(item.tracking.keyId);
    const api = item.tracking.notificationType[NotificationType.API] === true;
    const email = item.tracking.notificationType[NotificationType.EMAIL] === true && !!setting?.email_to;
    const channels = [...(email ? [NotificationType.EMAIL] : []), ...(api ? [NotificationType.API] : [])];
    const body = JSON.stringify(
      notificationObject({
        id, asin: item.tracking.asin, title: product?.title ?? null, image: product?.image ?? null, createDate: item.createDate,
        domainId: item.tracking.mainDomainId, notificationDomainId: item.domainId, csvType: item.csvType, cause: item.cause,
        currentPrices: new Map((product?.prices ?? []).map(([index, value, second]) => [index, landedValue(value, second)])),
        channels, metaData: item.tracking.metaData, listName: item.tracking.listName, isDrop: item.isDrop,
        previousValue: item.before, currentValue: item.after,
      }),
    );
    stored.push({
      id, keyId: item.tracking.keyId, listName: item.tracking.listName, asin: item.tracking.asin, createDate: item.createDate,
      domainId: item.tracking.mainDomainId, notificationDomainId: item.domainId, csvType: item.csvType, cause: item.cause,
      oldValue: item.before, newValue: item.after, body, title: product?.title ?? null,
    });
    const notBefore = new Date(keepaMinuteToUnixMs(item.createDate));
    if (api && setting?.webhook_url) {
      deliveries.push({ topic: NOTIFICATION_TOPIC, channel: 'webhook', subject: String(id), target: setting.webhook_url, body, payload: { keyId: item.tracking.keyId }, notBefore });
    }
    if (email) deliveries.push({ topic: NOTIFICATION_TOPIC, channel: 'email', subject: String(id), target: setting!.email_to!, payload: { keyId: item.tracking.keyId }, notBefore });
    if (item.tracking.id !== null) {
      const groups = history.get(item.tracking.id) ?? [];
      for (const channel of channels.length ? channels : [NotificationType.API]) groups.push(item.domainId, item.csvType, channel, item.cause, item.createDate);
      history.set(item.tracking.id, groups);
    }
  });

  await sql`
    INSERT INTO notifications (id, key_id, tracking_id, list_name, asin, create_date, domain_id, notification_domain_id,
                               csv_type, cause, old_value, new_value, body)
    SELECT (n->>'id')::bigint, (n->>'keyId')::int, (n->>'trackingId')::int, n->>'listName', n->>'asin', (n->>'createDate')::int,
           (n->>'domainId')::smallint, (n->>'notificationDomainId')::smallint, (n->>'csvType')::smallint, (n->>'cause')::smallint,
           (n->>'oldValue')::int, (n->>'newValue')::int, n->>'body'
    FROM jsonb_array_elements(${JSON.stringify(stored.map((s, i) => ({ ...s, trackingId: items[i]!.tracking.id })))}::jsonb) AS n`.execute(trx);
  await enqueueDeliveries(trx, deliveries);
  await sql`
    UPDATE key_trackings k SET notification_csv = k.notification_csv || ARRAY(SELECT jsonb_array_elements_text(h.groups)::int)
    FROM jsonb_each(${JSON.stringify(Object.fromEntries(history))}::jsonb) AS h(id, groups)
    WHERE k.id = h.id::int`.execute(trx);
  return stored;
}

interface NotificationRow {
  id: number; key_id: number; list_name: string; asin: string; create_date: number; domain_id: number;
  notification_domain_id: number; csv_type: number; cause: number; old_value: number | null; new_value: number | null; body: string;
  title: string | null;
}

const fromRow = (r: NotificationRow): StoredNotification => ({
  id: Number(r.id), keyId: r.key_id, listName: r.list_name, asin: r.asin, createDate: r.create_date, domainId: r.domain_id,
  notificationDomainId: r.notification_domain_id, csvType: r.csv_type, cause: r.cause, oldValue: r.old_value,
  newValue: r.new_value, body: r.body, title: r.title,
});

export const MAX_PULLED_NOTIFICATIONS = 10_000;

/**
 * type=notification: the key's notifications created at or after `since` (Keepa minute,
 * 0 = all), newest first; without `revise` only unread ones. Returned ones are marked read.
 */
export async function pullNotifications(
  store: Store,
  keyId: number,
  options: { since: number; revise: boolean; listName: string | null },
): Promise<StoredNotification[]> {
  return store.db.transaction().execute(async (trx) => {
    const { rows } = await sql<NotificationRow>`
      SELECT n.*, NULL::text AS title FROM notifications n
      WHERE n.key_id = ${keyId} AND n.create_date >= ${options.since}
        AND (${options.revise} OR n.read_at IS NULL)
        AND (${options.listName}::text IS NULL OR n.list_name = ${options.listName}::text)
      ORDER BY n.create_date DESC, n.id DESC
      LIMIT ${MAX_PULLED_NOTIFICATIONS}`.execute(trx);
    if (rows.length > 0) {
      await sql`UPDATE notifications SET read_at = now() WHERE read_at IS NULL AND id = ANY(${rows.map((r) => r.id)}::bigint[])`.execute(trx);
    }
    return rows.map(fromRow);
  });
}

/** Pushed to the webhook: Keepa counts that as read. */
export async function markNotificationRead(db: Db, id: number): Promise<void> {
  await sql`UPDATE notifications SET read_at = coalesce(read_at, now()) WHERE id = ${id}`.execute(db);
}

export async function notificationById(db: Db, id: number): Promise<StoredNotification | null> {
  const { rows } = await sql<NotificationRow>`
    SELECT n.*, p.title FROM notifications n
    LEFT JOIN products p ON p.domain_id = n.notification_domain_id AND p.asin = n.asin
    WHERE n.id = ${id}`.execute(db);
  return rows[0] ? fromRow(rows[0]) : null;
}

/** The newest notifications of a key (optionally of one product), for its feeds. */
export async function feedNotifications(
  db: Db,
  keyId: number,
  options: { domainId?: number; asin?: string; limit: number },
): Promise<StoredNotification[]> {
  const { rows } = await sql<NotificationRow>`
    SELECT n.*, p.title FROM notifications n
    LEFT JOIN products p ON p.domain_id = n.notification_domain_id AND p.asin = n.asin
    WHERE n.key_id = ${keyId}
      AND (${options.asin ?? null}::text IS NULL OR (n.asin = ${options.asin ?? null}::text AND n.notification_domain_id = ${options.domainId ?? null}::int))
    ORDER BY n.create_date DESC, n.id DESC
    LIMIT ${options.limit}`.execute(db);
  return rows.map(fromRow);
}

/** Notifications older than `before` (unix ms) are deleted; the feed keeps a window, not all history. */
export async function purgeNotifications(db: Db, beforeMinute: number): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    WITH gone AS (DELETE FROM notifications WHERE create_date < ${beforeMinute} RETURNING 1) SELECT count(*)::int AS n FROM gone`.execute(db);
  return rows[0]!.n;
}
