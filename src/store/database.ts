// Opens the database: the embedded TimescaleDB when no DATABASE_URL is set, otherwise the
// server it names. Callers get a kysely instance plus what engine they are talking to.
import { Kysely, PostgresDialect, type LogEvent } from 'kysely';
import pg from 'pg';
import type { StoreConfig } from '../config.js';
import type { Database } from './db-types.js';
import { startEmbedded, type EmbeddedServer } from './embedded.js';
import { migrate, type MigrationReport } from './migrate.js';
import { StoreError } from './store-error.js';
import { releaseLeases } from './tracking.js';
import { embeddedChangeFeed, registerFeed, serverChangeFeed, type ChangeFeed, type ServerFeedOptions } from './change-feed.js';

// int8 (counts, sizes) as JS numbers: every bigint we read is far below 2^53.
pg.types.setTypeParser(20, (value) => Number(value));

export type EngineKind = 'embedded' | 'server';

export interface Store {
  readonly db: Kysely<Database>;
  readonly pool: pg.Pool;
  readonly engine: EngineKind;
  /** TimescaleDB version, or null on plain PostgreSQL. */
  readonly timescaledb: string | null;
  readonly migrations: MigrationReport;
  /** Where the embedded data lives (null in server mode). */
  readonly dataDir: string | null;
  /** Committed writes of any process, for caches (change-feed.ts). */
  readonly changes: ChangeFeed;
  /**
   * Runs `task` on close, after the change feed closed (its subscribers were told `lost`)
   * and before the connections end: a process's token leases go back to their buckets.
   */
  beforeClose(task: () => Promise<void>): void;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** Run pending migrations on open (default true). */
  readonly migrate?: boolean;
  /** Pool size in server mode (embedded is always 1). */
  readonly poolSize?: number;
  /**
   * Told of every connection the database dropped (a restart, an outage): the pool
   * replaces the connection and the next statement reconnects; callers log a line.
   */
  readonly onConnectionError?: (error: Error) => void;
  /** The server feed's ping interval, deadline and backoff (tests shorten them). */
  readonly feed?: Pick<ServerFeedOptions, 'pingMs' | 'deadlineMs' | 'firstBackoffMs'>;
}

/** How long a statement waits for a connection before failing (a database that is down). */
const CONNECT_TIMEOUT_MS = 10_000;

export async function openStore(config: StoreConfig, options: OpenOptions = {}): Promise<Store> {
  let embedded: EmbeddedServer | null = null;
  let poolConfig: pg.PoolConfig;
  if (config.databaseUrl) {
    poolConfig = { connectionString: config.databaseUrl, max: options.poolSize ?? 10, connectionTimeoutMillis: CONNECT_TIMEOUT_MS };
  } else {
    embedded = await startEmbedded(config.dataDir);
    poolConfig = { host: embedded.host, port: embedded.port, user: 'postgres', database: 'postgres', max: 1 };
  }
  const pool = new pg.Pool({ ...poolConfig, idleTimeoutMillis: 0 });
  // A dropped connection must never crash the process. pg-pool listens for 'error' only
  // while a client is idle in the pool; a client checked out between two statements (inside
  // a transaction, say) emits 'error' with no listener when the server goes away, and an
  // unhandled 'error' event exits the process. So every client gets a listener of its own
  // for its whole life; the statement in flight (if any) rejects on its own.
  const onConnectionError = options.onConnectionError ?? (() => {});
  pool.on('error', () => {}); // the client's own listener below has already reported it
  pool.on('connect', (client) => {
    client.on('error', (error) => onConnectionError(error));
  });
  try {
    const probe = await pool.query('SELECT 1');
    void probe;
  } catch (error) {
    await pool.end().catch(() => {});
    await embedded?.stop();
    const where = config.databaseUrl ? redact(config.databaseUrl) : `embedded database in ${config.dataDir}`;
    throw new StoreError('connection_failed', `cannot connect to ${where}: ${(error as Error).message}`, { cause: error });
  }
  let migrations: MigrationReport;
  try {
    migrations =
      options.migrate === false
        ? { applied: [], skipped: [], timescaledb: await timescaleVersion(pool) }
        : await migrate(pool);
  } catch (error) {
    await pool.end().catch(() => {});
    await embedded?.stop();
    throw error;
  }
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool }),
    // PRICEKEEP_LOG_SQL=1 prints every statement to stderr (debugging aid).
    ...(process.env.PRICEKEEP_LOG_SQL === '1' && {
      log: (event: LogEvent) => {
        process.stderr.write(`sql ${event.query.sql.replace(/\s+/g, ' ').slice(0, 160)}\n`);
      },
    }),
  });
  let closed = false;
  const closing: (() => Promise<void>)[] = [];
  const changes = embedded
    ? embeddedChangeFeed((onPayload) => embedded!.onChange(onPayload))
    : serverChangeFeed({
        ...options.feed,
        connection: { connectionString: config.databaseUrl, connectionTimeoutMillis: CONNECT_TIMEOUT_MS },
        notify: (channel, payload) => pool.query('SELECT pg_notify($1, $2)', [channel, payload]),
        onError: onConnectionError,
      });
  registerFeed(db, changes);
  const store: Store = {
    db,
    pool,
    engine: embedded ? 'embedded' : 'server',
    timescaledb: migrations.timescaledb,
    migrations,
    dataDir: embedded ? config.dataDir : null,
    changes,
    beforeClose(task) {
      closing.push(task);
    },
    async close() {
      if (closed) return;
      closed = true;
      await changes.close();
      await Promise.allSettled(closing.map((task) => task()));
      await db.destroy();
      // kysely ends the pool only if it ever used it; a store used through `pool` alone
      // (token buckets, health checks) would otherwise keep the process alive.
      if (!pool.ended && !pool.ending) await pool.end().catch(() => {});
      await embedded?.stop();
    },
  };
  // Only one process opens an embedded data directory (the lock file), so every lease
  // found in it belongs to a process that was killed: its claims, started or not, are due
  // again now instead of when the lease would end.
  if (embedded && options.migrate !== false) {
    try {
      await releaseLeases(store);
    } catch (error) {
      await store.close();
      throw error;
    }
  }
  return store;
}

async function timescaleVersion(pool: pg.Pool): Promise<string | null> {
  const { rows } = await pool.query<{ extversion: string }>(
    `SELECT extversion FROM pg_extension WHERE extname = 'timescaledb'`,
  );
  return rows[0]?.extversion ?? null;
}

/** The URL without its password, for messages. */
export function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '<invalid DATABASE_URL>';
  }
}
