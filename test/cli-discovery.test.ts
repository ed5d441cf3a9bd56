// `pricekeep find` and `pricekeep deals` as an analyst runs them, against a test database.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keepaNow, MINUTES_PER_DAY } from '../src/keepa/time.js';
import { recordObservations } from '../src/store/index.js';
import { cliEnvFor, runCli } from './helpers/cli.js';
import { testEngines, type TestDatabase } from './helpers/engines.js';

describe.each(testEngines())('pricekeep find/deals CLI on $name', { timeout: 480_000 }, (engine) => {
  let database: TestDatabase;
  let env: NodeJS.ProcessEnv;
  const scratch = mkdtempSync(join(tmpdir(), 'pricekeep-cli-'));

  beforeAll(async () => {
    database = await engine.create();
    env = cliEnvFor(database, scratch);
    const store = await database.open();
    // The CLI summarises as of the wall clock: the histories are placed relative to it.
    const now = keepaNow();
    const observe = (asin: string, at: number, price: number, title: string) => ({
      domainId: 1, asin, at, meta: { title, brand: 'Acme' }, numeric: [{ name: 'csv:0' as const, value: price }, { name: 'csv:3' as const, value: price * 10 }],
    });
    await recordObservations(store, [
      observe('B0CLIDEAL1', now - 10 * MINUTES_PER_DAY, 4000, 'Kettle, "Steel"'), observe('B0CLIDEAL1', now - 60, 2000, 'Kettle, "Steel"'),
      observe('B0CLIFLAT1', now - 10 * MINUTES_PER_DAY, 1500, 'Flat Toaster'),
    ]);
    await store.close();
  });
  afterAll(async () => {
    await database?.drop();
    rmSync(scratch, { recursive: true, force: true });
  });

  const pricekeep = (...args: string[]) => runCli(env, ...args);

  it('find prints a table, JSON or CSV of the matching products', async () => {
    const table = await pricekeep('find', '--selection', '{"current_AMAZON_lte": 2500, "sort": [["current_AMAZON", "asc"]]}');
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout.split('\n')[0]).toMatch(/^ASIN\s+AMAZON\s+NEW\s+SALESRANK\s+TITLE$/);
    expect(table.stdout).toMatch(/B0CLIFLAT1\s+1500\s+15000\s+Flat Toaster/);
    expect(table.stderr).toContain('2 of 2 matching products');
    const file = join(scratch, 'selection.json');
    writeFileSync(file, JSON.stringify({ brand: ['acme'], deltaPercent1_AMAZON_gte: 10 }));
    const json = JSON.parse((await pricekeep('find', '--selection', file, '--json')).stdout);
    expect(json).toMatchObject({ asinList: ['B0CLIDEAL1'], totalResults: 1 });
    const csv = await pricekeep('find', '--selection', file, '--csv');
    expect(csv.stdout).toBe('asin,amazon,new,salesRank,title\nB0CLIDEAL1,2000,,20000,"Kettle, ""Steel"""\n');
  });

  it('deals lists what dropped, and refuses an unknown selection field by name', async () => {
    const csv = await pricekeep('deals', '--min-percent', '20', '--csv');
    expect(csv.code, csv.stderr).toBe(0);
    const [header, row, end] = csv.stdout.split('\n');
    expect(header).toBe('asin,current,avg,delta,percent,since,title');
    expect(row).toMatch(/^B0CLIDEAL1,2000,\d+,\d+,\d+,\d+,"Kettle, ""Steel"""$/);
    expect(end).toBe('');
    const bad = await pricekeep('find', '--selection', '{"colour": "red"}');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('"colour"');
  });
});
