// The CLI around the API: keys create/list/revoke, `serve` answering a Keepa request and
// stopping gracefully on SIGTERM, and `export --stats --as-of` (the /product code path).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareStats, statsNowOfResponse } from './golden/stats-compare.js';
import { KEEPA_EPOCH_MINUTES } from '../src/keepa/time.js';
import { cliEnvFor, runCli } from './helpers/cli.js';
import { testEngines, type TestDatabase } from './helpers/engines.js';
import { KEEPA_FULL, keepaFixture, SHARED_FIXTURES } from './helpers/fixtures.js';

const ASIN = 'B0D8W1YVBX';

describe.each(testEngines())('API CLI on $name', (engine) => {
  let database: TestDatabase;
  let env: NodeJS.ProcessEnv;
  const scratch = mkdtempSync(join(tmpdir(), 'pricekeep-api-cli-'));
  let key: string;

  beforeAll(async () => {
    database = await engine.create();
    env = cliEnvFor(database, scratch, { PRICEKEEP_LOG_LEVEL: 'info' });
    const imported = await pricekeep('import', `${SHARED_FIXTURES}keepa/${KEEPA_FULL}`);
    expect(imported.code).toBe(0);
  });
  afterAll(async () => {
    await database?.drop();
    rmSync(scratch, { recursive: true, force: true });
  });

  const pricekeep = (...args: string[]) => runCli(env, ...args);

  it('keys create prints a new 64-character key once; list shows it without the key; revoke ends it', async () => {
    const created = await pricekeep('keys', 'create', '--name', 'dashboard', '--refill-rate', '30');
    expect(created.code).toBe(0);
    key = created.stdout.trim();
    expect(key).toMatch(/^[a-z0-9]{64}$/);
    expect(created.stderr).toMatch(/30 tokens\/minute, 1800 to start/);
    expect((await pricekeep('keys', 'create', '--name', 'dashboard')).code).toBe(1);
    const spare = (await pricekeep('keys', 'create', '--name', 'spare')).stdout.trim();
    expect(spare).not.toBe(key);

    const listed = JSON.parse((await pricekeep('keys', 'list', '--json')).stdout);
    expect(listed).toEqual([
      expect.objectContaining({ name: 'dashboard', prefix: key.slice(0, 8), refillRate: 30, tokens: 1800, revokedAt: null }),
      expect.objectContaining({ name: 'spare', refillRate: 20, tokens: 1200 }),
    ]);
    expect(JSON.stringify(listed)).not.toContain(key);

    expect((await pricekeep('keys', 'revoke', 'spare')).stdout).toMatch(/revoked key \d+ "spare"/);
    expect((await pricekeep('keys', 'revoke', 'spare')).code).toBe(1);
    expect(JSON.parse((await pricekeep('keys', 'list', '--json')).stdout).map((k: { name: string }) => k.name)).toEqual(['dashboard']);
    expect(JSON.parse((await pricekeep('keys', 'list', '--json', '--all')).stdout)).toHaveLength(2);
    expect((await pricekeep('keys', 'create', '--name', 'x', '--refill-rate', '0')).code).toBe(2);
  }, 180_000);

  it('serve answers a Keepa request and shuts down gracefully on SIGTERM', async () => {
    const child = spawn(process.execPath, ['bin/pricekeep.js', 'serve', '--port', '0'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const base = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`serve did not start: ${stderr}`)), 60_000);
        child.stderr.on('data', () => {
          const match = /"url":"(http:\/\/[^"]+)"[^\n]*"API listening"/.exec(stderr);
          if (match) {
            clearTimeout(timer);
            resolve(match[1]!);
          }
        });
      });
      const response = await fetch(`${base}/product?key=${key}&domain=1&asin=${ASIN}&stats=180&history=1`, {
        headers: { 'accept-encoding': 'gzip' },
        signal: AbortSignal.timeout(30_000),
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-encoding')).toBe('gzip');
      const body = await response.json();
      expect(body).toMatchObject({ tokensConsumed: 1, tokensLeft: 1799, refillRate: 30 });
      expect(body.products[0].csv[3]).toEqual(keepaFixture(KEEPA_FULL).products[0]!.csv[3]);
      // the key never reaches the request log
      expect(stderr).toContain('/product?key=***&domain=1');
      expect(stderr).not.toContain(key);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(stderr).toMatch(/"signal":"SIGTERM".*"shutting down"/);
    expect(stderr).toMatch(/"stopped"/);
  });

  it('export --stats N --as-of ISO computes the stats /product computed at that moment', async () => {
    const response = keepaFixture(KEEPA_FULL);
    const fixture = response.products[0]!;
    const asOf = new Date((statsNowOfResponse(response.timestamp) + KEEPA_EPOCH_MINUTES) * 60_000).toISOString();
    const result = await pricekeep('export', '--domain', '1', '--asin', ASIN, '--stats', '180', '--as-of', asOf);
    expect(result.code).toBe(0);
    const product = JSON.parse(result.stdout).products[0];
    const matches = new Map(compareStats(product.stats, fixture.stats).map((m) => [m.field, m]));
    for (const field of ['current', 'min', 'max', 'atIntervalStart', 'minInInterval', 'maxInInterval', 'avg', 'avg30', 'avg90', 'avg180', 'avg365']) {
      expect(matches.get(field)!.mismatches, field).toEqual([]);
    }
    expect(product.csv).toEqual(fixture.csv);
  });

  it('export --as-of an earlier moment leaves out every later point', async () => {
    const asOf = '2026-01-01T00:00:00Z';
    const minute = Math.floor(Date.parse(asOf) / 60_000) - KEEPA_EPOCH_MINUTES;
    const result = await pricekeep('export', '--domain', '1', '--asin', ASIN, '--as-of', asOf, '--stats', '30');
    expect(result.code).toBe(0);
    const product = JSON.parse(result.stdout).products[0];
    const fixture = keepaFixture(KEEPA_FULL).products[0]!;
    product.csv.forEach((series: number[] | null, index: number) => {
      const stride = [7, 18, 32].includes(index) || (index >= 19 && index <= 29) ? 3 : 2;
      const expected = fixture.csv[index]?.filter((_: number, i: number, all: number[]) => all[i - (i % stride)] <= minute) ?? null;
      expect(series, `csv[${index}]`).toEqual(expected?.length ? expected : null);
    });
    expect(product.stats.current[3]).toBe(product.csv[3].at(-1));
    expect((await pricekeep('export', '--domain', '1', '--asin', ASIN, '--as-of', 'yesterday')).code).toBe(2);
    expect((await pricekeep('export', '--domain', '1', '--asin', ASIN, '--stats', 'lots')).code).toBe(2);
  });
});
