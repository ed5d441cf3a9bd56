// The delivery outbox (schema/010_deliveries.sql): enqueue in the caller's transaction,
// claim due rows under a lease, record each attempt's outcome. Times come from the
// caller's clock, so backoff and leases run on a simulated clock in tests.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from './db-types.js';

type Db = Kysely<Database> | Transaction<Database>;

export type DeliveryChannel = 'webhook' | 'email';
export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

export interface NewDelivery {
  readonly topic: string;
  readonly channel: DeliveryChannel;
  readonly subject: string;
  readonly target: string;
  readonly body?: string | null;
  readonly payload?: Record<string, unknown>;
  /** First attempt not before (default: the database's now). */
  readonly notBefore?: Date;
}

export interface Delivery {
  readonly id: number;
  readonly topic: string;
  readonly channel: DeliveryChannel;
  readonly subject: string;
  readonly target: string;
  readonly body: string | null;
  readonly payload: Record<string, unknown>;
  readonly status: DeliveryStatus;
  /** Attempts started, including the one a claim just began. */
  readonly attempts: number;
  readonly nextAttemptAt: Date;
  readonly lastAttemptAt: Date | null;
  readonly lastStatus: number | null;
  readonly lastError: string | null;
  readonly deliveredAt: Date | null;
  readonly createdAt: Date;
}

interface DeliveryRow {
  id: number; topic: string; channel: DeliveryChannel; subject: string; target: string; body: string | null;
  payload: Record<string, unknown>; status: DeliveryStatus; attempts: number; next_attempt_at: Date;
  last_attempt_at: Date | null; last_status: number | null; last_error: string | null; delivered_at: Date | null; created_at: Date;
}

function fromRow(r: DeliveryRow): Delivery {
  return {
    id: Number(r.id), topic: r.topic, channel: r.channel, subject: r.subject, target: r.target, body: r.body,
    payload: r.payload, status: r.status, attempts: r.attempts, nextAttemptAt: r.next_attempt_at,
    lastAttemptAt: r.last_attempt_at, lastStatus: r.last_status, lastError: r.last_error,
    deliveredAt: r.delivered_at, createdAt: r.created_at,
  };
}

/** Adds deliveries; one already queued for the same (topic, channel, subject) is left as is. Returns how many were new. */
export async function enqueueDeliveries(db: Db, rows: readonly NewDelivery[]): Promise<number> {
  if (rows.length === 0) return 0;
  const { rows: inserted } = await sql<{ n: number }>`
    WITH added AS (
      INSERT INTO deliveries (topic, channel, subject, target, body, payload, next_attempt_at)
      SELECT d->>'topic', d->>'channel', d->>'subject', d->>'target', d->>'body', coalesce(d->'payload', '{}'::jsonb),
             coalesce((d->>'notBefore')::timestamptz, now())
      FROM jsonb_array_elements(${JSON.stringify(rows)}::jsonb) AS d
      ON CONFLICT (topic, channel, subject) DO NOTHING
      RETURNING 1)
    SELECT count(*)::int AS n FROM added`.execute(db);
  return inserted[0]!.n;
}

export interface ClaimOptions {
  readonly worker: string;
  readonly topics: readonly string[];
  readonly limit: number;
  readonly leaseMs: number;
  readonly now: Date;
}

/** Leases up to `limit` due deliveries of these topics to `worker` and counts the attempt. */
export async function claimDeliveries(db: Db, options: ClaimOptions): Promise<Delivery[]> {
  const { rows } = await sql<DeliveryRow>`
    UPDATE deliveries d
    SET lease_owner = ${options.worker},
        lease_until = ${options.now}::timestamptz + make_interval(secs => ${options.leaseMs / 1000}),
        attempts = d.attempts + 1, last_attempt_at = ${options.now}::timestamptz
    FROM (
      SELECT id FROM deliveries
      WHERE status = 'pending' AND next_attempt_at <= ${options.now}::timestamptz
        AND (lease_until IS NULL OR lease_until < ${options.now}::timestamptz)
        AND topic = ANY(${[...options.topics]}::text[])
      ORDER BY next_attempt_at, id
      LIMIT ${options.limit}
      FOR UPDATE SKIP LOCKED) due
    WHERE d.id = due.id
    RETURNING d.*`.execute(db);
  return rows.map(fromRow);
}

export type AttemptOutcome =
  | { readonly ok: true; readonly status?: number | null }
  | { readonly ok: false; readonly error: string; readonly status?: number | null; readonly retryAt: Date | null };

/**
 * Records the end of an attempt by `worker`. A worker whose lease ran out (and whose row
 * another worker took) still records a success: the receiver got it. Returns false when
 * the row was no longer pending.
 */
export async function finishDelivery(db: Db, id: number, worker: string, outcome: AttemptOutcome, now: Date): Promise<boolean> {
  const retryAt = outcome.ok ? null : outcome.retryAt;
  const { rows } = await sql<{ id: number }>`
    UPDATE deliveries SET
      status = CASE WHEN ${outcome.ok} THEN 'delivered' WHEN ${retryAt}::timestamptz IS NULL THEN 'failed' ELSE 'pending' END,
      delivered_at = CASE WHEN ${outcome.ok} THEN ${now}::timestamptz END,
      next_attempt_at = coalesce(${retryAt}::timestamptz, next_attempt_at),
      last_status = ${outcome.status ?? null}::int,
      last_error = ${outcome.ok ? null : outcome.error.slice(0, 2000)},
      lease_owner = NULL, lease_until = NULL
    WHERE id = ${id} AND status = 'pending' AND (${outcome.ok} OR lease_owner = ${worker})
    RETURNING id`.execute(db);
  return rows.length > 0;
}

export async function listDeliveries(
  db: Db,
  filter: { topic?: string; subjects?: readonly string[]; status?: DeliveryStatus } = {},
): Promise<Delivery[]> {
  const { rows } = await sql<DeliveryRow>`
    SELECT * FROM deliveries
    WHERE (${filter.topic ?? null}::text IS NULL OR topic = ${filter.topic ?? null}::text)
      AND (${filter.subjects ? [...filter.subjects] : null}::text[] IS NULL OR subject = ANY(${filter.subjects ? [...filter.subjects] : null}::text[]))
      AND (${filter.status ?? null}::text IS NULL OR status = ${filter.status ?? null}::text)
    ORDER BY id`.execute(db);
  return rows.map(fromRow);
}

export interface DeliveryCounts {
  readonly pending: number;
  readonly delivered: number;
  readonly failed: number;
}

export async function deliveryCounts(db: Db, topic?: string): Promise<DeliveryCounts> {
  const { rows } = await sql<DeliveryCounts>`
    SELECT count(*) FILTER (WHERE status = 'pending')::int AS pending,
           count(*) FILTER (WHERE status = 'delivered')::int AS delivered,
           count(*) FILTER (WHERE status = 'failed')::int AS failed
    FROM deliveries WHERE ${topic ?? null}::text IS NULL OR topic = ${topic ?? null}::text`.execute(db);
  return rows[0]!;
}

/** Outbox health for operators: counts per channel and status, and the newest failure. */
export interface DeliveryHealth {
  readonly webhook: DeliveryCounts;
  readonly email: DeliveryCounts;
  /** The newest delivery given up on (its target is left out: a URL may carry a secret). */
  readonly lastFailure: { readonly topic: string; readonly channel: DeliveryChannel; readonly subject: string; readonly error: string | null; readonly at: string | null } | null;
}

export async function deliveryHealth(db: Db): Promise<DeliveryHealth> {
  const { rows } = await sql<{ channel: DeliveryChannel; pending: number; delivered: number; failed: number }>`
    SELECT channel,
           count(*) FILTER (WHERE status = 'pending')::int AS pending,
           count(*) FILTER (WHERE status = 'delivered')::int AS delivered,
           count(*) FILTER (WHERE status = 'failed')::int AS failed
    FROM deliveries GROUP BY channel`.execute(db);
  const zero: DeliveryCounts = { pending: 0, delivered: 0, failed: 0 };
  const of = (channel: DeliveryChannel): DeliveryCounts => {
    const row = rows.find((r) => r.channel === channel);
    return row ? { pending: row.pending, delivered: row.delivered, failed: row.failed } : zero;
  };
  const { rows: failures } = await sql<{ topic: string; channel: DeliveryChannel; subject: string; last_error: string | null; last_attempt_at: Date | null }>`
    SELECT topic, channel, subject, last_error, last_attempt_at FROM deliveries
    WHERE status = 'failed' ORDER BY last_attempt_at DESC NULLS LAST, id DESC LIMIT 1`.execute(db);
  const f = failures[0];
  return {
    webhook: of('webhook'),
    email: of('email'),
    lastFailure: f ? { topic: f.topic, channel: f.channel, subject: f.subject, error: f.last_error, at: f.last_attempt_at ? new Date(f.last_attempt_at).toISOString() : null } : null,
  };
}
