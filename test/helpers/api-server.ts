// An API server over a fresh database of a test engine, with a simulated clock and keys
// created through the same store functions as `pricekeep keys create`.
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { apiKeyPrefix, generateApiKey, hashApiKey } from '../../src/auth/api-key.js';
import type { RefreshProducts } from '../../src/api/context.js';
import { buildServer } from '../../src/api/server.js';
import { loadConfig } from '../../src/config.js';
import { newBucket } from '../../src/keepa/envelope.js';
import { KEEPA_EPOCH_MINUTES } from '../../src/keepa/time.js';
import { insertApiKey } from '../../src/store/api-keys.js';
import type { Store } from '../../src/store/index.js';
import type { TestDatabase, TestEngine } from './engines.js';

/** A clock tests move by hand (unix ms). */
export class SimClock {
  constructor(public ms: number) {}
  readonly now = (): number => this.ms;
  advance(ms: number): void {
    this.ms += ms;
  }
  /** Jumps to the start of a Keepa minute. */
  static atKeepaMinute(minute: number): SimClock {
    return new SimClock((minute + KEEPA_EPOCH_MINUTES) * 60_000);
  }
}

export const silentLogger = pino({ level: 'silent' });

export async function createKey(store: Store, name: string, refillRate: number, nowMs: number): Promise<string> {
  const key = generateApiKey();
  const bucket = newBucket(refillRate, nowMs);
  const result = await insertApiKey(store.db, {
    name,
    keyHash: hashApiKey(key),
    keyPrefix: apiKeyPrefix(key),
    refillRate,
    tokens: bucket.tokens,
    refilledAt: bucket.refilledAt,
  });
  if (!result.created) throw new Error(`key ${name} not created`);
  return key;
}

export interface ApiHarness {
  readonly database: TestDatabase;
  readonly store: Store;
  readonly clock: SimClock;
  server(options?: { refresh?: RefreshProducts | null; store?: Store }): Promise<FastifyInstance>;
  close(): Promise<void>;
}

/** A fresh database and a clock; servers built on it are closed with the harness. */
export async function apiHarness(engine: TestEngine, clock = new SimClock(Date.UTC(2026, 4, 10, 4, 0, 0))): Promise<ApiHarness> {
  const database = await engine.create();
  const store = await database.open();
  const servers: FastifyInstance[] = [];
  return {
    database,
    store,
    clock,
    async server(options = {}) {
      const app = await buildServer({
        store: options.store ?? store,
        config: loadConfig({}),
        clock: clock.now,
        refresh: options.refresh ?? null,
        logger: silentLogger,
      });
      servers.push(app);
      return app;
    },
    async close() {
      for (const app of servers) await app.close();
      await store.close();
      await database.drop();
    },
  };
}

/** `/path?a=b&…` with every value URL-encoded. */
export function url(path: string, params: Record<string, string | number>): string {
  const query = new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)]));
  return `${path}?${query}`;
}
