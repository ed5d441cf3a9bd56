// What other processes wrote, as it commits: the `pricekeep_changes` notifications that
// schema/051_change_feed.sql sends for products and API keys. Caches that skip a database
// round trip (the /product response cache, token leases) subscribe and forget what a write
// made stale. A feed that may have missed notifications (not yet listening, connection
// lost) says so, and its subscribers then trust nothing cached until it is live again.
//
// Server mode: one dedicated connection LISTENs (never a pooled one: LISTEN is per
// session), reconnecting with backoff and pinged so that a half-open socket is noticed.
// Embedded: PGlite's single session LISTENs from the start (embedded.ts); its
// notifications arrive before the writing statement's reply, so the feed is always live.
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
  readonly onError?: (error: Error) => void;
}

const MAX_BACKOFF_MS = 30_000;
/** The listening session's application_name (pg_stat_activity shows it). */
export const FEED_APPLICATION_NAME = 'pricekeep change feed';

/** The server's feed: a dedicated LISTEN connection, opened on the first subscribe. */
export function serverChangeFeed(options: ServerFeedOptions): ChangeFeed {
  const subscribers = new Subscribers();
  const pingMs = options.pingMs ?? 15_000;
  let client: pg.Client | null = null;
  let connecting: Promise<void> | null = null;
  let closed = false;
  let backoffMs = 500;
  let retry: NodeJS.Timeout | null = null;
  let ping: NodeJS.Timeout | null = null;

  const drop = (error?: Error) => {
    if (error) options.onError?.(error);
    subscribers.setLive(false);
    if (ping) clearInterval(ping);
    ping = null;
    const old = client;
    client = null;
    old?.removeAllListeners('notification');
    void old?.end().catch(() => {});
    if (!closed && !retry && subscribers.size > 0) {
      retry = setTimeout(() => {
        retry = null;
        void connect();
      }, backoffMs);
      retry.unref();
      backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
    }
  };

  const connect = (): Promise<void> =>
    (connecting ??= (async () => {
      const next = new pg.Client({ ...options.connection, keepAlive: true, application_name: FEED_APPLICATION_NAME });
      next.on('error', (error) => {
        if (client === next) drop(error);
      });
      next.on('end', () => {
        if (client === next) drop(new Error('change feed connection ended'));
      });
      next.on('notification', (message) => {
        if (message.channel === CHANGES_CHANNEL && message.payload !== undefined) subscribers.changed(message.payload);
      });
      try {
        await next.connect();
        await next.query(`LISTEN ${CHANGES_CHANNEL}`);
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
      backoffMs = 500;
      ping = setInterval(() => {
        next.query('SELECT 1').catch((error: Error) => {
          if (client === next) drop(error);
        });
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
      // The server delivers notifications pending for this session before the reply.
      await current.query('SELECT 1').catch((error: Error) => {
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
