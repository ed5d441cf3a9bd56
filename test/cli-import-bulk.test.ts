import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../src/store/index.js';
import { cliEnvFor, runCli } from './helpers/cli.js';
import { testEngines, type TestDatabase } from './helpers/engines.js';
import { KEEPA_FULL, keepaFixture } from './helpers/fixtures.js';

const PRODUCTS = 24;
const BAD = 11;
const DIRTY = 16;
const base = keepaFixture(KEEPA_FULL).products[0]!;
const asinOf = (i: number) => `B0TEST${String(i).padStart(4, '0')}`;

/** Stored points (numeric + text) of every product, by ASIN. */
async function pointsByAsin(store: Store): Promise<Map<string, number>> {
  const { rows } = await store.pool.query<{ asin: string; n: number }>(`
    SELECT p.asin, (SELECT count(*) FROM points x JOIN series s ON s.id = x.series_id WHERE s.product_id = p.id)
                 + (SELECT count(*) FROM text_points x JOIN series s ON s.id = x.series_id WHERE s.product_id = p.id)
                 + coalesce((SELECT points FROM point_archive a WHERE a.product_id = p.id), 0) AS n
    FROM products p`);
  return new Map(rows.map((r) => [r.asin, Number(r.n)]));
}

/** Runs the CLI and kills it (SIGKILL) as soon as it logs its first committed batch. */
function importKilledAfterFirstBatch(env: NodeJS.ProcessEnv, file: string): Promise<{ killed: boolean; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/pricekeep.js', 'import', file], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    let killed = false;
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
      if (!killed && stderr.includes('import progress')) {
        killed = child.kill('SIGKILL');
      }
    });
    child.on('error', reject);
    child.on('exit', () => resolve({ killed, stderr }));
  });
}

// Each command is a process of its own (and, embedded, a WASM database): slow on a busy machine.
describe.each(testEngines())('pricekeep import of a large file on $name', { timeout: 300_000 }, (engine) => {
  const scratch = mkdtempSync(join(tmpdir(), 'pricekeep-bulk-'));
  const file = join(scratch, 'products.json');
  let expected: Map<string, number>;
  const databases: TestDatabase[] = [];

  beforeAll(() => {
    // The real product under new ASINs; one of them malformed mid-file, one with text
    // PostgreSQL cannot store (issue 17: NUL, lone surrogate).
    const products = Array.from({ length: PRODUCTS }, (_, i) => {
      const product: Record<string, any> = { ...base, asin: asinOf(i) };
      if (i === BAD) product.csv = [[8000000, 1999, 8000060]];
      if (i === DIRTY) Object.assign(product, { title: 'Nul\u0000title', brand: 'lone \ud800 surrogate' });
      return product;
    });
    writeFileSync(file, JSON.stringify({ timestamp: 1, products }));
    expected = new Map();
  });
  afterAll(async () => {
    for (const database of databases) await database.drop();
    rmSync(scratch, { recursive: true, force: true });
  });

  async function freshDatabase() {
    const database = await engine.create();
    databases.push(database);
    return { database, env: cliEnvFor(database, scratch, { PRICEKEEP_IMPORT_BATCH_POINTS: '20000' }) };
  }

  it('reports the malformed product with its index, cleans what PostgreSQL cannot store, imports the rest; a second run changes nothing', async () => {
    const { database, env } = await freshDatabase();
    const first = await runCli(env, 'import', file);
    expect(first.code).toBe(1);
    expect(first.stderr).toMatch(/products\[11\]: csv:0: length 3 is not a multiple of 2 \(skipped\)/);
    expect(first.stderr).toMatch(/products\[16\] B0TEST0016: 2 text value\(s\) held characters PostgreSQL cannot store/);
    expect(first.stderr).toMatch(/1 product\(s\) were skipped/);
    expect(first.stdout).toMatch(/23 product\(s\) \[B0TEST0000,.*\], \d+ new points, 0 changed, 0 already stored, 1 product\(s\) skipped/);

    const exported = await runCli(env, 'export', '--domain', '1', '--asin', asinOf(DIRTY));
    expect(JSON.parse(exported.stdout).products[0]).toMatchObject({ title: 'Nul\ufffdtitle', brand: 'lone \ufffd surrogate', csv: base.csv });

    const store = await database.open();
    try {
      expected = await pointsByAsin(store);
    } finally {
      await store.close();
    }
    expect(expected.size).toBe(PRODUCTS - 1);
    expect(expected.has(asinOf(BAD))).toBe(false);
    const perProduct = expected.get(asinOf(0))!;
    expect(perProduct).toBeGreaterThan(15_000);
    for (const n of expected.values()) expect(n).toBe(perProduct);

    const second = await runCli(env, 'import', file);
    expect(second.stdout).toMatch(/23 product\(s\) .*, 0 new points, 0 changed, \d+ already stored/);
    const again = await database.open();
    try {
      expect(await pointsByAsin(again)).toEqual(expected);
    } finally {
      await again.close();
    }
  });

  it('leaves every product whole or absent when killed mid-import, and a rerun completes it', async () => {
    const { database, env } = await freshDatabase();
    const { killed } = await importKilledAfterFirstBatch(env, file);
    expect(killed).toBe(true);
    const store = await database.open();
    let stored: Map<string, number>;
    try {
      stored = await pointsByAsin(store);
    } finally {
      await store.close();
    }
    // the first batch committed, the kill came long before the last one
    expect(stored.size).toBeGreaterThan(0);
    expect(stored.size).toBeLessThan(PRODUCTS - 1);
    for (const [asin, n] of stored) expect(n, asin).toBe(expected.get(asin));

    const rerun = await runCli(env, 'import', file);
    expect(rerun.code).toBe(1); // the malformed product again
    const after = await database.open();
    try {
      expect(await pointsByAsin(after)).toEqual(expected);
    } finally {
      await after.close();
    }
  });
});
