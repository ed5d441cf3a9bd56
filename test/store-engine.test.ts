import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { assembleKeepaProduct, splitKeepaProduct } from '../src/keepa/product-object.js';
import {
  compressAllChunks, dbInfo, importKeepaProduct, listMigrations, migrate, openStore, readProducts, recordObservations, StoreError,
} from '../src/store/index.js';
import { EMBEDDED_SHARED_BUFFERS, patchSharedBuffers } from '../src/store/pglite-module.js';
import { serverEngineFor, serverTestUrl } from './helpers/engines.js';
import { KEEPA_FULL, keepaFixture } from './helpers/fixtures.js';

/** Imported history kept as rows of `points` (no archive blob): what TimescaleDB compression works on. */
const AS_ROWS = { archiveBefore: -2147483648 };

describe('embedded TimescaleDB', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'pricekeep-test-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
  const product = keepaFixture(KEEPA_FULL).products[0]!;

  it('persists in its data directory: a second run reopens the same data', async () => {
    const first = await openStore({ databaseUrl: undefined, dataDir });
    expect(first.engine).toBe('embedded');
    expect(first.timescaledb).toMatch(/^2\./);
    await importKeepaProduct(first, splitKeepaProduct(product));
    const points = (await dbInfo(first)).points;
    await first.close();

    const second = await openStore({ databaseUrl: undefined, dataDir });
    try {
      expect(second.migrations.applied).toEqual([]);
      expect((await dbInfo(second)).points).toBe(points);
      const again = (await readProducts(second, 1, [product.asin])).get(product.asin)!;
      expect(assembleKeepaProduct(again).csv).toEqual(product.csv);
    } finally {
      await second.close();
    }
  });

  it('runs PostgreSQL with an 8MB buffer pool instead of the 128MB built into PGlite', async () => {
    const store = await openStore({ databaseUrl: undefined, dataDir });
    try {
      const { rows } = await store.pool.query<{ shared_buffers: string }>('SHOW shared_buffers');
      expect(rows[0]!.shared_buffers).toBe(EMBEDDED_SHARED_BUFFERS);
    } finally {
      await store.close();
    }
  });

  it('refuses a second process-wide open of the same data directory with a clear error', async () => {
    const store = await openStore({ databaseUrl: undefined, dataDir });
    try {
      // simulate another live process holding the lock
      const { writeFileSync } = await import('node:fs');
      writeFileSync(join(dataDir, 'pricekeep.lock'), String(process.ppid));
      await expect(openStore({ databaseUrl: undefined, dataDir })).rejects.toMatchObject({ code: 'embedded_in_use' });
      writeFileSync(join(dataDir, 'pricekeep.lock'), String(process.pid));
    } finally {
      await store.close();
    }
  });

  it('compresses point chunks, reads the same arrays back and merges late scrapes into them', async () => {
    // a data directory of its own: the product as rows only (no archive blob from the tests above)
    const own = mkdtempSync(join(tmpdir(), 'pricekeep-test-'));
    const store = await openStore({ databaseUrl: undefined, dataDir: own });
    try {
      await importKeepaProduct(store, splitKeepaProduct(product), AS_ROWS);
      const info = await dbInfo(store);
      expect(info.compression?.enabled).toBe(true);
      expect(await compressAllChunks(store)).toBeGreaterThan(0);
      const after = await dbInfo(store);
      expect(after.compression!.compressedChunks).toBe(after.compression!.chunks);
      expect(after.compression!.bytesAfter!).toBeLessThan(after.compression!.bytesBefore!);
      const read = (await readProducts(store, 1, [product.asin])).get(product.asin)!;
      expect(assembleKeepaProduct(read).csv).toEqual(product.csv);
      // compressed chunks still take idempotent re-imports and new points
      const again = await importKeepaProduct(store, splitKeepaProduct(product), AS_ROWS);
      expect(again.inserted + again.updated).toBe(0);
    } finally {
      await store.close();
    }
    // compressed chunks survive a restart (the TSL module must load on reopen)
    const reopened = await openStore({ databaseUrl: undefined, dataDir: own });
    try {
      const read = (await readProducts(reopened, 1, [product.asin])).get(product.asin)!;
      expect(assembleKeepaProduct(read).csv).toEqual(product.csv);
      // a late scrape inside a compressed chunk: compared with the compressed point in
      // force then, written only when it differs
      const newPrices = product.csv[1]!;
      const [t, price] = [newPrices[2]!, newPrices[3]!];
      const late = (minute: number, value: number) =>
        recordObservations(reopened, [{ domainId: 1, asin: product.asin, at: minute, numeric: [{ name: 'csv:1', value }] }]);
      expect((await late(t + 1, price)).pointsWritten).toBe(0);
      expect((await late(t + 1, price + 1)).pointsWritten).toBe(1);
      const stored = assembleKeepaProduct((await readProducts(reopened, 1, [product.asin])).get(product.asin)!).csv[1]!;
      expect(stored.slice(0, 6)).toEqual([...newPrices.slice(0, 4), t + 1, price + 1]);
      expect(stored.length).toBe(newPrices.length + 2);
    } finally {
      await reopened.close();
      rmSync(own, { recursive: true, force: true });
    }
  });
});

describe('the buffer pool setting written into the PGlite module', () => {
  const module = (text: string) => new Uint8Array(Buffer.from(text, 'latin1'));

  it('replaces the built-in argument in a copy, NUL-padded to the same length', () => {
    const wasm = module('\0temp_buffers=8MB\0shared_buffers=128MB\0wal_buffers=4MB\0');
    const patched = patchSharedBuffers(wasm, '16MB')!;
    expect(Buffer.from(patched).toString('latin1')).toBe('\0temp_buffers=8MB\0shared_buffers=16MB\0\0wal_buffers=4MB\0');
    expect(Buffer.from(wasm).toString('latin1')).toContain('shared_buffers=128MB');
  });

  it('leaves a build without exactly one such argument alone', () => {
    expect(patchSharedBuffers(module('shared_buffers=64MB\0'), '16MB')).toBeNull();
    expect(patchSharedBuffers(module('shared_buffers=128MB\0shared_buffers=128MB\0'), '16MB')).toBeNull();
  });

  it('refuses a size longer than the argument it overwrites', () => {
    expect(() => patchSharedBuffers(module('shared_buffers=128MB\0'), '1024MB')).toThrow(/at most 5 characters/);
  });
});

describe('embedded engine over the loopback wire', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'pricekeep-test-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('keeps no reply in memory once it is sent (a long-running server does not grow)', async () => {
    // A full collection before each reading, so only what is still referenced counts.
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const heapAfterGc = () => {
      gc();
      return process.memoryUsage().heapUsed;
    };
    const store = await openStore({ databaseUrl: undefined, dataDir });
    try {
      const read = `SELECT g AS t, g * 7 AS value, g % 500 AS second FROM generate_series(1, 16000) g`;
      await store.pool.query(read);
      const before = heapAfterGc();
      for (let i = 0; i < 30; i++) expect((await store.pool.query(read)).rowCount).toBe(16_000);
      // PGlite's execProtocolRaw kept every parsed reply: ~3 MB per read, ~90 MB here.
      expect(heapAfterGc() - before).toBeLessThan(30_000_000);
    } finally {
      await store.close();
    }
  });
});

describe.runIf(serverTestUrl())('migrations on the PostgreSQL server', () => {
  it('run once with two processes starting at once, skipping TimescaleDB-only steps on plain PostgreSQL', async () => {
    const database = await serverEngineFor(serverTestUrl()!).create();
    const pools = [0, 1].map(() => new pg.Pool({ connectionString: database.config.databaseUrl, max: 2 }));
    try {
      const reports = await Promise.all(pools.map((pool) => migrate(pool)));
      const all = listMigrations().map((m) => m.name);
      const applied = reports.flatMap((r) => [...r.applied, ...r.skipped]).sort();
      expect(applied).toEqual([...all].sort());
      const { rows } = await pools[0]!.query('SELECT name, status FROM schema_migrations ORDER BY name');
      expect(rows.map((r) => r.name)).toEqual(all);
      const timescaleOnly = rows.filter((r) => r.name.endsWith('.timescaledb.sql'));
      const expected = reports[0]!.timescaledb ? 'applied' : 'skipped';
      for (const row of timescaleOnly) expect(row.status).toBe(expected);
      // and a third run does nothing
      const third = await migrate(pools[0]!);
      expect([...third.applied, ...third.skipped]).toEqual([]);
    } finally {
      for (const pool of pools) await pool.end();
      await database.drop();
    }
  });

  it('reports an unreachable server as a clear connection error', async () => {
    await expect(openStore({ databaseUrl: 'postgres://postgres@127.0.0.1:1/none', dataDir: '' })).rejects.toThrow(StoreError);
    await expect(openStore({ databaseUrl: 'postgres://postgres@127.0.0.1:1/none', dataDir: '' })).rejects.toThrow(/cannot connect/);
  });
});
