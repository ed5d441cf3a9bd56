// What other processes wrote, as it commits: the `pricekeep_changes` notifications that
// schema/051_change_feed.sql sends for products and API keys. Caches that skip a database
// round trip (the /product response cache, token leases) subscribe and forget what a write
// made stale. A feed that may have missed notifications (not yet listening, connection
// lost) says so, and its subscribers then trust nothing cached until it is live again.
//
// Server mode: one dedicated connection LISTENs (never a pooled one: LISTEN is per
// session; behind a pooler in transaction mode notifications never arrive, and the feed
// then stays lost), reconnecting with backoff. Its pings are probes it notifies itself,
// under a deadline, so a socket that died silently or stopped delivering is noticed.
// Embedded: PGlite's single session LISTENs from the start (embedded.ts); its
// notifications arrive before the writing statement's reply, so the feed is always live.
import { randomUUID } from 'node:crypto';
import pg from 'pg';

export const CHANGES_CHANNEL = 'pricekeep_changes';

// The feed of each opened store by its kysely instance, for store functions that take a
// `db` and must not return before this process's caches know of their write.
const feedsByDb = new WeakMap<object, ChangeFeed>();

export function registerFeed(db: object, feed: ChangeFeed): void {
  feedsByDb.set(db, feed);
}

/** `caughtUp()` of the feed of the store `db` belongs to (a transaction: none, it has not committed). */
export async function caughtUpAfter(db: object): Promise<void> {
  await feedsByDb.get(db)?.caughtUp();
}

export interface ChangeListener {
  /** A committed write: 'p D:ASIN,…', 'p *' or 'k ID'. */
  changed(payload: string): void;
  /** From now on notifications arrive; anything cached before may be stale. */
  live(): void;
  /** From now on notifications may be missed. */
  lost(): void;
}

export interface ChangeFeed {
  /** Notifications are arriving: what a subscriber cached since it was told `live` is current. */
  readonly isLive: boolean;
  /** Starts listening on first use; the listener is told `live` when (or if already) live. */
  subscribe(listener: ChangeListener): () => void;
  /**
   * Resolves once every write this process committed before the call has been delivered
   * to the subscribers (a round trip on the listening connection), so that a caller's
   * next read sees its own write. No-op while nobody subscribes.
   */
  caughtUp(): Promise<void>;
  close(): Promise<void>;
}

class Subscribers {
  private readonly listeners = new Set<ChangeListener>();
  live = false;

  add(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    if (this.live) listener.live();
    return () => this.listeners.delete(listener);
  }
  get size(): number {
    return this.listeners.size;
  }
  changed(payload: string): void {
    for (const listener of this.listeners) listener.changed(payload);
  }
  setLive(live: boolean): void {
    if (this.live === live) return;
    this.live = live;
    for (const listener of this.listeners) (live ? listener.live() : listener.lost());
  }
}

/** The embedded engine's feed: `listen` registers on PGlite, whose one session already LISTENs. */
export function embeddedChangeFeed(listen: (onPayload: (payload: string) => void) => () => void): ChangeFeed {
  const subscribers = new Subscribers();
  subscribers.live = true;
  const stop = listen((payload) => subscribers.changed(payload));
  return {
    get isLive() {
      return subscribers.live;
    },
    subscribe: (listener) => subscribers.add(listener),
    caughtUp: async () => {},
    async close() {
      stop();
      subscribers.setLive(false);
    },
  };
}

export interface ServerFeedOptions {
  readonly connection: pg.ClientConfig;
  /** Between pings of the listening connection (default 15 s). */
  readonly pingMs?: number;
  /**
   * How long connecting (with its probe), a ping or `caughtUp` may take before the
   * connection counts as dead (default 5 s): a silently dead socket never errors.
   */
  readonly deadlineMs?: number;
  /**
   * Sends a notification from another session (the store's pool), for the probe that
   * decides a new connection is live: behind a pooler in transaction mode a probe sent on
   * the listening connection itself can come back on it while other sessions' never do.
   * Without it the probe is sent on the listening connection.
   */
  readonly notify?: (channel: string, payload: string) => Promise<unknown>;
  /** The first reconnect delay, doubled per failure up to 30 s (default 500 ms). */
  readonly firstBackoffMs?: number;
  readonly onError?: (error: Error) => void;
}

const MAX_BACKOFF_MS = 30_000;
/** The listening session's application_name (pg_stat_activity shows it). */
export const FEED_APPLICATION_NAME = 'pricekeep change feed';
/** Payloads the feed sends itself to see that notifications reach it; never a change. */
const PROBE_PREFIX = 'probe ';

/** `promise`, or an error after `ms` (the timer never keeps the process alive). */
function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`change feed: ${what} took over ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/** Closes the socket at once: `end()` on a dead connection waits as long as the dead query. */
function destroy(client: pg.Client): void {
  const stream = (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream;
  stream?.destroy();
}

/**
 * The server's feed: a dedicated LISTEN connection, opened on the first subscribe. Live
 * only once a probe notified from another session came back on it (a pooler in
 * transaction mode accepts LISTEN but delivers nothing); every ping is a probe it sends
 * itself, under a deadline, so a connection that died without an error, or stopped
 * delivering, is dropped and replaced.
 */
export function serverChangeFeed(options: ServerFeedOptions): ChangeFeed {
  const subscribers = new Subscribers();
  const pingMs = options.pingMs ?? 15_000;
  const deadlineMs = options.deadlineMs ?? 5_000;
  const firstBackoffMs = options.firstBackoffMs ?? 500;
  let client: pg.Client | null = null;
  let connecting: Promise<void> | null = null;
  let closed = false;
  let backoffMs = firstBackoffMs;
  let retry: NodeJS.Timeout | null = null;
  let ping: NodeJS.Timeout | null = null;
  let pinging = false;
  // Probes sent and not yet back, by nonce.
  const probes = new Map<string, () => void>();

  const drop = (error?: Error) => {
    if (error) options.onError?.(error);
    subscribers.setLive(false);
    if (ping) clearInterval(ping);
    ping = null;
    const old = client;
    client = null;
    if (old) {
      old.removeAllListeners('notification');
      void old.end().catch(() => {});
      destroy(old);
    }
    if (!closed && !retry && subscribers.size > 0) {
      retry = setTimeout(() => {
        retry = null;
        void connect();
      }, backoffMs);
      retry.unref();
      backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
    }
  };

  /** Sends a probe (from `via`, or another session) and waits for it to arrive on `on`. */
  const probe = async (on: pg.Client, via: 'self' | 'other'): Promise<void> => {
    const nonce = randomUUID();
    const back = new Promise<void>((resolve) => probes.set(nonce, resolve));
    const payload = PROBE_PREFIX + nonce;
    const sent =
      via === 'other' && options.notify
        ? options.notify(CHANGES_CHANNEL, payload)
        : on.query('SELECT pg_notify($1, $2)', [CHANGES_CHANNEL, payload]);
    try {
      await withDeadline(
        Promise.all([sent, back]),
        deadlineMs,
        'probe',
      );
    } finally {
      probes.delete(nonce);
    }
  };

  const connect = (): Promise<void> =>
    (connecting ??= (async () => {
      const next = new pg.Client({
        ...options.connection,
        keepAlive: true,
        keepAliveInitialDelayMillis: 10_000,
        application_name: FEED_APPLICATION_NAME,
      });
      next.on('error', (error) => {
        if (client === next) drop(error);
      });
      next.on('end', () => {
        if (client === next) drop(new Error('change feed connection ended'));
      });
      next.on('notification', (message) => {
        if (message.channel !== CHANGES_CHANNEL || message.payload === undefined) return;
        if (message.payload.startsWith(PROBE_PREFIX)) probes.get(message.payload.slice(PROBE_PREFIX.length))?.();
        else subscribers.changed(message.payload);
      });
      try {
        await withDeadline(
          (async () => {
            await next.connect();
            await next.query(`LISTEN ${CHANGES_CHANNEL}`);
          })(),
          deadlineMs,
          'connecting',
        );
        await probe(next, 'other');
      } catch (error) {
        client = next;
        drop(error as Error);
        return;
      } finally {
        connecting = null;
      }
      if (closed) {
        await next.end().catch(() => {});
        return;
      }
      client = next;
      backoffMs = firstBackoffMs;
      ping = setInterval(() => {
        if (pinging || client !== next) return; // one ping at a time
        pinging = true;
        // The heartbeat needs no pool connection (a busy pool must not lose the feed).
        probe(next, 'self')
          .catch((error: Error) => {
            if (client === next) drop(error);
          })
          .finally(() => (pinging = false));
      }, pingMs);
      ping.unref();
      subscribers.setLive(true);
    })());

  return {
    get isLive() {
      return subscribers.live;
    },
    subscribe(listener) {
      const unsubscribe = subscribers.add(listener);
      if (!client && !connecting && !retry && !closed) void connect();
      return unsubscribe;
    },
    async caughtUp() {
      const current = client;
      if (!current || !subscribers.live) return;
      // The server delivers notifications pending for this session before the reply. Past
      // the deadline (or on an error) the feed is lost, so nothing cached is trusted and
      // returning is safe: never reject, never hang.
      await withDeadline(current.query('SELECT 1'), deadlineMs, 'catching up').catch((error: Error) => {
        if (client === current) drop(error);
      });
    },
    async close() {
      closed = true;
      if (retry) clearTimeout(retry);
      await connecting;
      const last = client;
      drop();
      await last?.end().catch(() => {});
    },
  };
}
