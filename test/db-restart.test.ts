// The database going away (a restart, an outage) is weather, not a fault of the request or
// a reason to exit: processes log a line and carry on, API clients get 503 with
// Retry-After (never an auth error), and nothing is lost or written twice.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { splitKeepaProduct } from '../src/keepa/product-object.js';
import { addTracking, importKeepaProduct, listTracking, openStore, type Store } from '../src/store/index.js';
import { createKey } from './helpers/api-server.js';
import { serverTestUrl } from './helpers/engines.js';
import { KEEPA_FULL, keepaFixture, SHARED_FIXTURES } from './helpers/fixtures.js';
import { PG_BIN, startPrivatePostgres, type PrivatePostgres } from './helpers/private-postgres.js';
import { scriptedServer, type ScriptedServer } from './helpers/scraper-server.js';

const PAGE_ASIN = 'B00N150YS4';
const page = readFileSync(`${SHARED_FIXTURES}amazon/com_product_${PAGE_ASIN}.html`, 'utf8');
const TRACKED = Array.from({ length: 40 }, (_, i) => `B0R${String(i).padStart(7, '0')}`);
const STORED_ASIN = 'B0D8W1YVBX';

const until = async (what: string, ok: () => boolean | Promise<boolean>, timeoutMs: number) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

interface Child {
  readonly process: ChildProcess;
  stderr: string;
}

function startCli(env: NodeJS.ProcessEnv, ...args: string[]): Child {
  const child: Child = { process: spawn(process.execPath, ['bin/pricekeep.js', ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] }), stderr: '' };
  child.process.stderr!.on('data', (chunk: Buffer) => (child.stderr += chunk.toString()));
  return child;
}

describe('a connection the server drops while a client holds it between two statements', () => {
  it.runIf(serverTestUrl())('is reported to the store’s listener instead of crashing the process', async () => {
    const dropped: string[] = [];
    const store = await openStore({ databaseUrl: serverTestUrl()!, dataDir: '' }, { migrate: false, onConnectionError: (e) => dropped.push(e.message) });
    try {
      const held = await store.pool.connect(); // checked out, no statement in flight: pg-pool no longer listens
      const { rows } = await held.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      const killer = await store.pool.connect();
      await killer.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
      killer.release();
      await until('the dropped connection to be reported', () => dropped.length > 0, 10_000);
      held.release(new Error('dropped'));
      // the pool still serves
      expect((await store.pool.query('SELECT 1 AS one')).rows[0].one).toBe(1);
    } finally {
      await store.close();
    }
  });
});

describe.runIf(PG_BIN)('serve and worker across a restart of their PostgreSQL server', () => {
  let pg: PrivatePostgres;
  let store: Store;
  let amazon: ScriptedServer;
  let key: string;
  const children: Child[] = [];

  beforeAll(async () => {
    pg = await startPrivatePostgres();
    store = await openStore({ databaseUrl: pg.url, dataDir: '' }, { poolSize: 2, onConnectionError: () => {} });
    key = await createKey(store, 'restart', 1000, Date.now());
    await importKeepaProduct(store, splitKeepaProduct(keepaFixture(KEEPA_FULL).products[0]!));
    await addTracking(store, 1, TRACKED, 60);
    // The stand-in Amazon answers each product page slowly, so the worker is mid-tick when
    // the database goes away.
    amazon = await scriptedServer([], (req, res) => {
      const asin = /\/dp\/([A-Z0-9]{10})/.exec(req.url ?? '')?.[1] ?? PAGE_ASIN;
      setTimeout(() => {
        if (res.destroyed) return;
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(page.replaceAll(PAGE_ASIN, asin));
      }, 150);
    });
  }, 120_000);

  afterAll(async () => {
    for (const child of children) child.process.kill('SIGKILL');
    await amazon?.close();
    await store?.close().catch(() => {});
    pg?.destroy();
  });

  it('both processes stay up, no request gets an auth error, nothing is lost or duplicated', async () => {
    const env = {
      ...process.env,
      DATABASE_URL: pg.url,
      PRICEKEEP_AMAZON_BASE_URL: amazon.url,
      PRICEKEEP_MAX_ATTEMPTS: '1',
      PRICEKEEP_HOST_RATE: '50',
      PRICEKEEP_HOST_CONCURRENCY: '2',
      PRICEKEEP_LOG_LEVEL: 'info',
    };
    const serve = startCli(env, 'serve', '--port', '0');
    children.push(serve);
    await until('serve to listen', () => /"url":"http:\/\/127\.0\.0\.1:\d+"/.test(serve.stderr), 60_000);
    const base = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(serve.stderr)![1]!;
    const worker = startCli(env, 'worker', '--concurrency', '2');
    children.push(worker);
    await until('the worker to scrape a few products', async () => {
      const rows = await listTracking(store);
      return rows.filter((r) => r.lastSuccessAt !== null).length >= 3;
    }, 60_000);

    // Keepa requests throughout, 4 at a time.
    const statuses: Array<{ status: number; type: string | null; retryAfter: string | null; at: 'before' | 'down' | 'after' }> = [];
    let phase: 'before' | 'down' | 'after' = 'before';
    let loading = true;
    const loader = async () => {
      while (loading) {
        const response = await fetch(`${base}/product?key=${key}&domain=1&asin=${STORED_ASIN}`).catch(() => null);
        if (!response) continue;
        const body = (await response.json().catch(() => ({}))) as { error?: { type: string } };
        statuses.push({ status: response.status, type: body.error?.type ?? null, retryAfter: response.headers.get('retry-after'), at: phase });
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    const loaders = Array.from({ length: 4 }, loader);

    await until('some answers before the restart', () => statuses.length >= 8, 30_000);
    pg.stop();
    phase = 'down';
    await until('an answer while the database is down', () => statuses.some((s) => s.at === 'down'), 30_000);
    await new Promise((r) => setTimeout(r, 1500));
    pg.start();
    phase = 'after';
    await until('a 200 after the restart', () => statuses.some((s) => s.at === 'after' && s.status === 200), 60_000);
    loading = false;
    await Promise.all(loaders);

    // Both processes are alive.
    expect(serve.process.exitCode).toBeNull();
    expect(worker.process.exitCode).toBeNull();
    // No auth error ever; while down, Keepa's envelope says the service is unavailable.
    expect(statuses.filter((s) => s.status === 400 || s.status === 401)).toEqual([]);
    const down = statuses.filter((s) => s.status !== 200);
    expect(down.length).toBeGreaterThan(0);
    for (const s of down) expect(s).toMatchObject({ status: 503, type: 'serviceUnavailable', retryAfter: '5' });
    // One log line each, no stack trace.
    for (const child of [serve, worker]) expect(child.stderr).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/);
    expect(serve.stderr).toMatch(/database (unavailable|connection lost)/);

    // The worker carries on after the restart: products it had not claimed get scraped.
    const before = (await listTracking(store)).filter((r) => r.lastSuccessAt !== null).length;
    await until('the worker to scrape again after the restart', async () => {
      const rows = await listTracking(store).catch(() => []);
      return rows.filter((r) => r.lastSuccessAt !== null).length > before;
    }, 90_000);
    expect(worker.process.exitCode).toBeNull();

    // Nothing duplicated: every scraped product holds its price once (the same page, so one
    // AMAZON point), and no (series, minute) appears twice.
    const duplicates = await sql<{ n: number }>`SELECT count(*)::int AS n FROM (SELECT series_id, t FROM points GROUP BY 1, 2 HAVING count(*) > 1) d`.execute(store.db);
    expect(duplicates.rows[0]!.n).toBe(0);
    const perProduct = await sql<{ asin: string; n: number }>`
      SELECT p.asin, count(pt.*)::int AS n FROM products p JOIN series s ON s.product_id = p.id AND s.name = 'csv:0'
      JOIN points pt ON pt.series_id = s.id WHERE p.asin LIKE 'B0R%' GROUP BY p.asin`.execute(store.db);
    expect(perProduct.rows.length).toBeGreaterThan(0);
    for (const row of perProduct.rows) expect(row, row.asin).toMatchObject({ n: 1 });
  }, 240_000);
});
