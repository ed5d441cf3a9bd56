// The CLI next to a running server: `start` holds an embedded data directory (a child
// process), and a second process's keys, asa-keys, track, alerts, import, export, db, find,
// deals and status go through the server's admin API, with their effect visible in the
// running server at once.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readServerFile } from '../src/cli/server-file.js';
import { runCli } from './helpers/cli.js';
import { KEEPA_FULL, keepaFixture, SHARED_FIXTURES } from './helpers/fixtures.js';

const IMPORTED = 'B0D8W1YVBX';
const SCRAPED = 'B00N150YS4'; // a saved amazon.com page, served by the replay backend

/** Polls `check` (bounded, every 50 ms) until it returns a value other than undefined. */
async function until<T>(what: string, timeoutMs: number, check: () => Promise<T | undefined> | T | undefined): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('the CLI next to `start` on an embedded data directory', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'pricekeep-via-server-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: '',
    PRICEKEEP_DATA_DIR: dataDir,
    PORT: '0',
    PRICEKEEP_LOG_LEVEL: 'info',
    PRICEKEEP_SCRAPER_BACKEND: 'replay',
    PRICEKEEP_REPLAY_DIR: `${SHARED_FIXTURES}amazon`,
  };
  const pricekeep = (...args: string[]) => runCli(env, ...args);
  let server: ChildProcess;
  let exited: Promise<number | null>;
  let serverLog = '';
  let base: string;
  let key: string;

  beforeAll(async () => {
    server = spawn(process.execPath, ['bin/pricekeep.js', 'start'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    server.stderr!.on('data', (chunk) => (serverLog += chunk));
    exited = new Promise((resolve) => server.on('exit', (code) => resolve(code)));
    const published = await until('the server to publish itself', 120_000, () => {
      if (server.exitCode !== null) throw new Error(`start exited: ${serverLog}`);
      return readServerFile(dataDir) ?? undefined;
    });
    base = published.url;
  }, 150_000);
  afterAll(async () => {
    if (server && server.exitCode === null) {
      server.kill('SIGKILL');
      await exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  const keepa = async (path: string) => (await fetch(`${base}${path}`, { signal: AbortSignal.timeout(30_000) })).json();

  it('publishes its loopback address and a secret only its owner can read', () => {
    const file = readServerFile(dataDir)!;
    expect(file.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(file.secret).toMatch(/^[0-9a-f]{64}$/);
    expect(file.pid).toBe(server.pid);
    expect(statSync(join(dataDir, 'server.json')).mode & 0o777).toBe(0o600);
  });

  it('keys create from a second process makes a key the server accepts', async () => {
    const created = await pricekeep('keys', 'create', '--name', 'second-process', '--refill-rate', '30');
    expect(created.stderr).toMatch(/30 tokens\/minute, 1800 to start/);
    expect(created.code).toBe(0);
    key = created.stdout.trim();
    expect(key).toMatch(/^[a-z0-9]{64}$/);
    expect(await keepa(`/token?key=${key}`)).toMatchObject({ tokensLeft: 1800, refillRate: 30 });
    const listed = JSON.parse((await pricekeep('keys', 'list', '--json')).stdout);
    expect(listed).toEqual([expect.objectContaining({ name: 'second-process', prefix: key.slice(0, 8) })]);
  }, 60_000);

  it('import, export and db go through the server', async () => {
    const imported = await pricekeep('import', `${SHARED_FIXTURES}keepa/${KEEPA_FULL}`);
    expect(imported.code).toBe(0);
    expect(imported.stdout).toMatch(/1 product\(s\) \[B0D8W1YVBX\], \d+ new points/);
    const fixture = keepaFixture(KEEPA_FULL).products[0]!;
    const served = await keepa(`/product?key=${key}&domain=1&asin=${IMPORTED}`);
    expect(served.products[0].csv[3]).toEqual(fixture.csv[3]);
    const exported = await pricekeep('export', '--domain', '1', '--asin', IMPORTED);
    expect(exported.code).toBe(0);
    expect(JSON.parse(exported.stdout).products[0].csv).toEqual(fixture.csv);
    const db = await pricekeep('db', '--json');
    expect(db.code).toBe(0);
    expect(JSON.parse(db.stdout)).toMatchObject({ engine: expect.stringMatching(/embedded/), products: 1 });
  }, 120_000);

  it('asa-keys, alerts, notifications, webhook, find and deals go through the server too', async () => {
    const created = await pricekeep('asa-keys', 'create', '--name', 'via-server', '--credits', '50');
    expect(created.code).toBe(0);
    const asaKey = created.stdout.trim();
    expect(asaKey).toMatch(/^asa_live_[A-Za-z0-9]{32}$/);
    const account = await (await fetch(`${base}/api/v1/account`, { headers: { authorization: `Bearer ${asaKey}` } })).json();
    expect(account).toMatchObject({ balance: 50 });

    const alerts = await pricekeep('alerts', 'list', '--key', 'second-process');
    expect(alerts.code).toBe(0);
    expect(alerts.stdout).toMatch(/^feed: http:\/\/\S+\/feed\/\S+\.xml$/m);
    expect((await pricekeep('notifications', '--key', 'second-process')).stdout).toMatch(/^0 notification\(s\)/m);
    expect(await pricekeep('webhook', 'test', '--key', 'second-process')).toMatchObject({ code: 2, stderr: 'pricekeep: no webhook set (pricekeep webhook set URL)\n' });
    expect(await pricekeep('track', 'resume')).toMatchObject({ code: 0, stdout: 'scraping was not halted\n' });

    // a selection file relative to the caller's directory, not the server's
    const callerDir = mkdtempSync(join(tmpdir(), 'pricekeep-via-server-cwd-'));
    writeFileSync(join(callerDir, 'selection.json'), '{"current_SALES_lte":5000000}');
    const found = await new Promise<string>((done, fail) =>
      execFile(process.execPath, [resolve('bin/pricekeep.js'), 'find', '--selection', 'selection.json', '--json'], { env, cwd: callerDir }, (error, out) => (error ? fail(error) : done(out))),
    );
    rmSync(callerDir, { recursive: true, force: true });
    expect(JSON.parse(found)).toMatchObject({ asinList: [IMPORTED], totalResults: 1 });
    const deals = await pricekeep('deals', '--json');
    expect(deals.code).toBe(0);
    expect(JSON.parse(deals.stdout)).toHaveProperty('rows');
  }, 120_000);

  it('track add is scraped by the running scheduler at once; list and remove show it', async () => {
    const added = await pricekeep('track', 'add', '--domain', 'com', SCRAPED, '--every', '1h');
    expect(added).toMatchObject({ code: 0, stdout: 'tracking 1 product(s) on amazon.com every 60 min\n' });
    // the command woke the scheduler: the product is scraped without waiting for a minute tick
    const row = await until('the scheduler to scrape the added product', 60_000, async () => {
      const [tracked] = JSON.parse((await pricekeep('track', 'list', '--json')).stdout);
      return tracked?.lastSuccessAt ? tracked : undefined;
    });
    expect(row).toMatchObject({ asin: SCRAPED, failures: 0, leaseOwner: null });
    const served = await keepa(`/product?key=${key}&domain=1&asin=${SCRAPED}`);
    expect(served.products[0].csv[0]).toEqual([expect.any(Number), 1248]);
    const listed = await pricekeep('track', 'list');
    expect(listed.stdout).toMatch(new RegExp(`${SCRAPED}\\s+com\\s+60m`));
    // a CLI tracking is the scheduler's (Keepa's /tracking?type=list shows a key's own trackings)
    expect((await keepa('/status')).queue.tracked).toBe(1);

    expect((await pricekeep('track', 'remove', '--domain', 'com', SCRAPED)).stdout).toBe('removed 1 product(s)\n');
    expect((await keepa('/status')).queue.tracked).toBe(0);
  }, 120_000);

  it('status shows what /status shows', async () => {
    const [cli, http] = [JSON.parse((await pricekeep('status', '--json')).stdout), await keepa('/status')];
    expect(cli).toEqual(http);
    // the product was removed (its attempts with it): an empty queue
    expect(cli.queue).toEqual({ tracked: 0, active: 0, inactive: 0, due: 0, leased: 0 });
    expect((await pricekeep('status')).stdout).toMatch(/^tracked:\s+0 \(0 active, 0 inactive\)$/m);
  }, 60_000);

  it('a revoked key is refused by the server within a second', async () => {
    const revoked = await pricekeep('keys', 'revoke', 'second-process');
    expect(revoked.stdout).toMatch(/revoked key \d+ "second-process"/);
    const deadline = Date.now() + 1000;
    let body: { error?: { type: string } } = {};
    while (Date.now() < deadline) {
      body = await keepa(`/token?key=${key}`);
      if (body.error) break;
    }
    expect(body.error?.type).toBe('invalidKey');
  }, 60_000);

  it('errors come back as a local run prints them, with the same exit codes', async () => {
    expect(await pricekeep('keys', 'revoke', 'no-such-key')).toMatchObject({ code: 1, stderr: 'pricekeep: no live key with id or name "no-such-key"\n' });
    expect((await pricekeep('track', 'add', '--domain', 'xx', SCRAPED)).code).toBe(2);
    expect((await pricekeep('import', 'no-such-file.json')).stderr).toMatch(/no-such-file\.json: cannot read: ENOENT/);
  }, 60_000);

  it('stops on SIGTERM, unpublishes itself, and the CLI opens the directory itself again', async () => {
    server.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(existsSync(join(dataDir, 'server.json'))).toBe(false);
    const keys = JSON.parse((await pricekeep('keys', 'list', '--all', '--json')).stdout);
    expect(keys).toEqual([expect.objectContaining({ name: 'second-process', revokedAt: expect.any(String) })]);
    expect(serverLog).toMatch(/"admin: running CLI command"/);
  }, 120_000);
});
