// Runs a suite against every storage engine: the embedded TimescaleDB always, and the
// PostgreSQL server named by TEST_DATABASE_URL when set (CI sets it). Each suite gets a
// database of its own (a temp data dir, or a fresh database created on the server), so
// test files never see each other's rows.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { openStore, type Store } from '../../src/store/index.js';
import type { StoreConfig } from '../../src/config.js';

export interface TestEngine {
  readonly name: 'embedded' | 'server';
  /** A fresh, empty database's config (each call makes a new one). */
  create(): Promise<TestDatabase>;
}

export interface TestDatabase {
  readonly config: StoreConfig;
  open(): Promise<Store>;
  drop(): Promise<void>;
}

function embeddedEngine(): TestEngine {
  return {
    name: 'embedded',
    async create() {
      const dataDir = mkdtempSync(join(tmpdir(), 'pricekeep-test-'));
      const config: StoreConfig = { databaseUrl: undefined, dataDir };
      return {
        config,
        open: () => openStore(config),
        async drop() {
          rmSync(dataDir, { recursive: true, force: true });
        },
      };
    },
  };
}

function serverEngine(baseUrl: string): TestEngine {
  return {
    name: 'server',
    async create() {
      const name = `pricekeep_t_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
      const admin = new pg.Client({ connectionString: baseUrl });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${name}`);
      await admin.end();
      const url = new URL(baseUrl);
      url.pathname = `/${name}`;
      const config: StoreConfig = { databaseUrl: url.toString(), dataDir: '' };
      return {
        config,
        open: () => openStore(config, { poolSize: 4 }),
        async drop() {
          const client = new pg.Client({ connectionString: baseUrl });
          await client.connect();
          await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
          await client.end();
        },
      };
    },
  };
}

export function testEngines(): TestEngine[] {
  const engines = [embeddedEngine()];
  const url = process.env.TEST_DATABASE_URL;
  if (url) engines.push(serverEngine(url));
  return engines;
}

export function serverTestUrl(): string | undefined {
  return process.env.TEST_DATABASE_URL;
}

export const serverEngineFor = serverEngine;

export interface OpenTestStore {
  readonly store: Store;
  readonly database: TestDatabase;
}

/**
 * Empties every table but the migration record (identities restarted), so each test starts
 * from the freshly migrated database whatever the tests before it wrote.
 */
export async function resetStore(store: Store): Promise<void> {
  const { rows } = await store.pool.query<{ name: string }>(
    `SELECT quote_ident(tablename) AS name FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'schema_migrations'`,
  );
  if (rows.length > 0) await store.pool.query(`TRUNCATE ${rows.map((r) => r.name).join(', ')} RESTART IDENTITY CASCADE`);
}

/**
 * A fresh database of `engine`, opened before the enclosing suite's tests, emptied before
 * each test, and closed and dropped after them. Read `.store` inside tests (it is set by
 * beforeAll).
 */
export function useTestStore(engine: TestEngine): OpenTestStore {
  const handle = {} as { store: Store; database: TestDatabase };
  beforeAll(async () => {
    handle.database = await engine.create();
    handle.store = await handle.database.open();
  });
  beforeEach(async () => {
    await resetStore(handle.store);
  });
  afterAll(async () => {
    await handle.store?.close();
    await handle.database?.drop();
  });
  return handle;
}

/**
 * Two stores with pools of their own on one fresh database of the server at `url` (two
 * workers or writers racing each other), opened before the suite and closed and dropped
 * after it. Read `.stores` inside tests.
 */
export function useTwoServerStores(url: string): { readonly stores: Store[] } {
  const handle = { stores: [] as Store[], database: undefined as TestDatabase | undefined };
  beforeAll(async () => {
    handle.database = await serverEngine(url).create();
    handle.stores = [await handle.database.open(), await openStore(handle.database.config, { poolSize: 4 })];
  });
  beforeEach(async () => {
    await resetStore(handle.stores[0]!);
  });
  afterAll(async () => {
    for (const store of handle.stores) await store.close();
    await handle.database?.drop();
  });
  return handle;
}
