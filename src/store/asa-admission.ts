// Admission and settlement of ASA requests: one SQL function call each (schema/021), so
// any number of API processes on one database share each key's concurrency leases, RPS
// bucket and workspace credits. The caller passes its clock's unix ms.
import type pg from 'pg';

export type AdmitOutcome = 'admitted' | 'unauthorized' | 'revoked' | 'forbidden_region' | 'insufficient_credits' | 'concurrency' | 'rps';

export interface Admission {
  readonly outcome: AdmitOutcome;
  readonly keyId: number | null;
  readonly keyPrefix: string | null;
  readonly workspaceId: number | null;
  /** Requests of this key in flight, this one included when admitted. */
  readonly inFlight: number;
  readonly concurrency: number;
  /** Requests admitted in the current one-second window. */
  readonly rpsNow: number;
  readonly rps: number;
  /** Seconds to wait, for refusals by a rate limit. */
  readonly retryAfter: number | null;
  /** Credits left to spend after this request's reservation. */
  readonly available: number;
  /** forbidden_region: the requested marketplaces the key may not scrape, and those it may. */
  readonly denied: readonly string[];
  readonly allowed: readonly string[] | null;
}

export interface AdmitRequest {
  readonly keyHash: string;
  readonly requestId: string;
  readonly nowMs: number;
  /** Credits reserved for the request (its price if it succeeds). */
  readonly cost: number;
  /** How long the request holds its concurrency slot at most (a crashed process's slot comes back after it). */
  readonly leaseMs: number;
  /** Marketplaces (TLDs) the request would scrape, checked against the key's (schema/023). */
  readonly marketplaces?: readonly string[];
}

/** UTC calendar day of a unix-ms instant, as usage rows count it. */
export function usageDay(nowMs: number): string {
  return new Date(nowMs).toISOString().slice(0, 10);
}

export async function admitAsaRequest(pool: pg.Pool, request: AdmitRequest): Promise<Admission> {
  const { rows } = await pool.query<{ r: Record<string, unknown> }>({
    name: 'pricekeep_asa_admit',
    text: 'SELECT asa_admit($1, $2, $3, $4, $5, $6, $7::text[]) AS r',
    values: [request.keyHash, request.requestId, Math.floor(request.nowMs), request.cost, Math.ceil(request.leaseMs), usageDay(request.nowMs), [...(request.marketplaces ?? [])]],
  });
  const r = rows[0]!.r;
  const num = (v: unknown) => (typeof v === 'number' ? v : 0);
  return {
    outcome: r.outcome as AdmitOutcome,
    keyId: typeof r.key_id === 'number' ? r.key_id : null,
    keyPrefix: typeof r.key_prefix === 'string' ? r.key_prefix : null,
    workspaceId: typeof r.workspace_id === 'number' ? r.workspace_id : null,
    inFlight: num(r.in_flight),
    concurrency: num(r.concurrency),
    rpsNow: num(r.rps_now),
    rps: num(r.rps),
    retryAfter: typeof r.retry_after === 'number' ? r.retry_after : null,
    available: num(r.available),
    denied: Array.isArray(r.denied) ? (r.denied as string[]) : [],
    allowed: Array.isArray(r.marketplaces) ? (r.marketplaces as string[]) : null,
  };
}

export interface Settlement {
  /** Lease to free: the admitted request's id (or a batch item's charge id). Charges are unique per id. */
  readonly requestId: string;
  readonly keyId: number;
  /** Credits owed (0 for any non-2xx answer). */
  readonly charge: number;
  readonly ok: boolean;
  readonly nowMs: number;
  readonly note?: string;
}

/** Frees the lease, charges once per request id, counts usage. Returns the credits charged now. */
export async function settleAsaRequest(pool: pg.Pool, s: Settlement): Promise<number> {
  const { rows } = await pool.query<{ charged: number }>({
    name: 'pricekeep_asa_settle',
    text: 'SELECT asa_settle($1, $2, $3, $4, $5, $6) AS charged',
    values: [s.requestId, s.keyId, s.charge, s.ok, usageDay(s.nowMs), s.note ?? null],
  });
  return Number(rows[0]!.charged);
}

export interface UsageDay {
  readonly keyId: number;
  readonly day: string;
  readonly requests: number;
  readonly successes: number;
  readonly refused: number;
  readonly credits: number;
}

export interface AccountView {
  readonly workspace: string;
  readonly balance: number;
  /** Credits held by requests in flight. */
  readonly reserved: number;
  readonly usage: UsageDay[];
}

/** The workspace's balance and its keys' usage per day (newest first, last `days` days). */
export async function asaAccount(pool: pg.Pool, workspaceId: number, nowMs: number, days = 90): Promise<AccountView | null> {
  const ws = await pool.query<{ name: string; balance: number; reserved: number }>(
    `SELECT w.name, w.balance,
            (SELECT coalesce(sum(reserved), 0) FROM asa_leases l WHERE l.workspace_id = w.id AND l.expires_at_ms > $2) AS reserved
     FROM asa_workspaces w WHERE w.id = $1`,
    [workspaceId, Math.floor(nowMs)],
  );
  if (ws.rows.length === 0) return null;
  const usage = await pool.query<{ key_id: number; day: string; requests: number; successes: number; refused: number; credits: number }>(
    `SELECT u.key_id, to_char(u.day, 'YYYY-MM-DD') AS day, u.requests, u.successes, u.refused, u.credits
     FROM asa_usage u JOIN asa_keys k ON k.id = u.key_id
     WHERE k.workspace_id = $1 AND u.day > $2::date - $3::int
     ORDER BY u.day DESC, u.key_id`,
    [workspaceId, usageDay(nowMs), days],
  );
  return {
    workspace: ws.rows[0]!.name,
    balance: Number(ws.rows[0]!.balance),
    reserved: Number(ws.rows[0]!.reserved),
    usage: usage.rows.map((u) => ({
      keyId: u.key_id, day: u.day, requests: u.requests, successes: u.successes, refused: u.refused, credits: Number(u.credits),
    })),
  };
}
