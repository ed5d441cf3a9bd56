// An API server with the ASA protocol over a fresh test database: the real scraper
// pointed at a stand-in Amazon, a simulated clock, and keys made through the same store
// functions as `pricekeep asa-keys create`.
import type { FastifyInstance } from 'fastify';
import { createAsaScrape } from '../../jobs/asa-scrape.js';
import { asaKeyShortPrefix, generateAsaKey, hashAsaKey } from '../../src/asa/key-format.js';
import { ASA_PLANS, type AsaPlanName, type RateLimits } from '../../src/asa/plans.js';
import { buildServer } from '../../src/api/server.js';
import { loadConfig, type Config } from '../../src/config.js';
import { createScraper, type Scraper } from '../../src/scraper/index.js';
import { createAsaKey } from '../../src/store/asa-keys.js';
import type { Store } from '../../src/store/index.js';
import { SimClock, silentLogger } from './api-server.js';
import type { TestDatabase, TestEngine } from './engines.js';
import { standInAmazon, type StandInAmazon } from './stand-in-amazon.js';

/** Scraper settings that make failures quick: 2 attempts, 10 ms backoff, 3 s timeout (generous: CI machines are loaded). */
export function fastScraperEnv(amazonUrl: string): Record<string, string> {
  return {
    PRICEKEEP_AMAZON_BASE_URL: amazonUrl,
    PRICEKEEP_FETCH_TIMEOUT_MS: '3000',
    PRICEKEEP_MAX_ATTEMPTS: '2',
    PRICEKEEP_RETRY_BASE_MS: '10',
    PRICEKEEP_RETRY_MAX_MS: '20',
    PRICEKEEP_HOST_CONCURRENCY: '64',
    PRICEKEEP_HOST_RATE: '10000',
  };
}

export interface NewKey {
  readonly key: string;
  readonly id: number;
  readonly workspaceId: number;
}

export async function createTestAsaKey(
  store: Store,
  options: { workspace: string; name?: string; credits: number; plan?: AsaPlanName; limits?: RateLimits; nowMs?: number; marketplaces?: string[] },
): Promise<NewKey> {
  const key = generateAsaKey();
  const plan = options.plan ?? 'free';
  const result = await createAsaKey(store.db, {
    workspace: options.workspace, name: options.name ?? 'test', keyHash: hashAsaKey(key), keyPrefix: asaKeyShortPrefix(key),
    plan, limits: options.limits ?? ASA_PLANS[plan], credits: options.credits, nowMs: options.nowMs ?? Date.now(),
    marketplaces: options.marketplaces ?? null,
  });
  if (!result.created) throw new Error(`key not created: ${result.reason}`);
  return { key, id: result.id, workspaceId: result.workspaceId };
}

export async function balanceOf(store: Store, workspaceId: number): Promise<number> {
  const { rows } = await store.pool.query<{ balance: number }>('SELECT balance FROM asa_workspaces WHERE id = $1', [workspaceId]);
  return Number(rows[0]!.balance);
}

export interface AsaHarness {
  readonly database: TestDatabase;
  readonly store: Store;
  readonly clock: SimClock;
  readonly amazon: StandInAmazon;
  readonly config: Config;
  readonly scraper: Scraper;
  readonly app: FastifyInstance;
  close(): Promise<void>;
}

export async function asaHarness(engine: TestEngine, env: Record<string, string> = {}): Promise<AsaHarness> {
  const amazon = await standInAmazon();
  const database = await engine.create();
  const store = await database.open();
  const clock = new SimClock(Date.UTC(2026, 11, 1, 12, 0, 0));
  const config = loadConfig({ ...fastScraperEnv(amazon.url), ...env });
  const scraper: Scraper = createScraper(config.scraper, { random: () => 0.5 });
  const app = await buildServer({ store, config, clock: clock.now, logger: silentLogger, asaScrape: createAsaScrape(store, scraper, { clock: clock.now }) });
  return {
    database, store, clock, amazon, config, app, scraper,
    async close() {
      await app.close();
      await scraper.close();
      await amazon.close();
      await store.close();
      await database.drop();
    },
  };
}
