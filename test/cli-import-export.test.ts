import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnvFor, runCli } from './helpers/cli.js';
import { testEngines, type TestDatabase } from './helpers/engines.js';
import { KEEPA_FULL, KEEPA_LATER, keepaFixture, SHARED_FIXTURES, storedFieldsOf } from './helpers/fixtures.js';

// Each command starts its own process (and, embedded, its own WASM database): slow on a busy machine.
describe.each(testEngines())('pricekeep import/export CLI on $name', { timeout: 240_000 }, (engine) => {
  let database: TestDatabase;
  let env: NodeJS.ProcessEnv;
  const scratch = mkdtempSync(join(tmpdir(), 'pricekeep-cli-'));

  beforeAll(async () => {
    database = await engine.create();
    env = cliEnvFor(database, scratch);
  });
  afterAll(async () => {
    await database?.drop();
    rmSync(scratch, { recursive: true, force: true });
  });

  const pricekeep = (...args: string[]) => runCli(env, ...args);

  async function counts() {
    const { stdout } = await pricekeep('db', '--json');
    const info = JSON.parse(stdout);
    return [info.products, info.series, info.points, info.textPoints];
  }

  it('imports one file and exports it back identical', async () => {
    const file = `${SHARED_FIXTURES}keepa/${KEEPA_FULL}`;
    const imported = await pricekeep('import', file);
    expect(imported.code).toBe(0);
    expect(imported.stdout).toMatch(/1 product\(s\) \[B0D8W1YVBX\], 15779 new points/);
    const { stdout } = await pricekeep('export', '--domain', '1', '--asin', 'B0D8W1YVBX');
    const exported = JSON.parse(stdout);
    expect(exported.products).toHaveLength(1);
    expect(exported.products[0]).toEqual(storedFieldsOf(keepaFixture(KEEPA_FULL).products[0]!));
  });

  it('imports the whole fixture folder, skipping the files that are not products, twice without a change', async () => {
    const files = readdirSync(`${SHARED_FIXTURES}keepa`).map((f) => `${SHARED_FIXTURES}keepa/${f}`);
    const first = await pricekeep('import', ...files);
    // sidecars and the tracking notification are reported, not imported
    expect(first.code).not.toBe(0);
    expect(first.stderr).toMatch(/tracking notification, not a \/product response/);
    expect(first.stderr).toMatch(/sidecar\.json: not a Keepa \/product response/);
    const before = await counts();
    const second = await pricekeep('import', ...files);
    expect(second.stdout).toMatch(/0 new points, 0 changed/);
    expect(await counts()).toEqual(before);
    expect(before[0]).toBe(1);
    const later = keepaFixture(KEEPA_LATER).products[0]!;
    const full = keepaFixture(KEEPA_FULL).products[0]!;
    const { stdout } = await pricekeep('export', '--domain', 'com', '--asin', 'B0D8W1YVBX');
    const csv = JSON.parse(stdout).products[0].csv;
    csv.forEach((series: number[] | null, i: number) => expect(series, `csv[${i}]`).toEqual(later.csv[i] ?? full.csv[i]));
  });

  it('rejects bad JSON and non-Keepa files with a clear error, writing nothing', async () => {
    const before = await counts();
    const badJson = join(scratch, 'bad.json');
    writeFileSync(badJson, '{"products": [');
    const truncated = join(scratch, 'truncated.json');
    writeFileSync(truncated, JSON.stringify({ products: [{ asin: 'B0D8W1YVBX', domainId: 1, csv: [[8000000, 1999, 8000060]] }] }));
    const result = await pricekeep('import', badJson, truncated);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/bad\.json: not valid JSON/);
    expect(result.stderr).toMatch(/truncated\.json: products\[0\]: csv:0: length 3 is not a multiple of 2/);
    expect(await counts()).toEqual(before);
  });

  it('exports unknown ASINs as Keepa does for products without data, and rejects bad arguments', async () => {
    const { stdout, stderr } = await pricekeep('export', '--domain', '1', '--asin', 'B000000000');
    expect(JSON.parse(stdout).products[0]).toMatchObject({ asin: 'B000000000', productType: 4, title: null });
    expect(stderr).toMatch(/not stored/);
    expect((await pricekeep('export', '--domain', '7', '--asin', 'B000000000')).code).toBe(2);
    expect((await pricekeep('export', '--domain', '1', '--asin', 'nope')).code).toBe(2);
  });
});
