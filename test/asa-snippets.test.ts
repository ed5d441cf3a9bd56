// The ASA docs' own code snippets, run as published (only the base URL and the key
// changed) against a real `pricekeep serve` on loopback whose scraper fetches from a
// stand-in Amazon: the cURL line with curl, the Node fetch example with node, and the
// Python requests example with python3 (skipped, saying so, when python3 or requests is
// missing; .ci/run installs python3-requests). The key comes from `pricekeep asa-keys create`.
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fastScraperEnv } from './helpers/asa-api.js';
import { cliEnvFor, runCli } from './helpers/cli.js';
import { serverEngineFor, serverTestUrl, testEngines, type TestDatabase } from './helpers/engines.js';
import { startServe, type RunningProcess } from './helpers/processes.js';
import { standInAmazon, type StandInAmazon } from './helpers/stand-in-amazon.js';

const run = promisify(execFile);
const TITLE = 'Modern LED Wall Sconce Lighting Fixture Lamps 7W Warm White 2700K Up and Down Indoor Plaster Wall Lamps for Living Room Bedroom Hallway Conservatory Home Room Decor(with G9 Bulbs Not Dimmable)';

function pythonWithRequests(): string | null {
  try {
    execFileSync('python3', ['-c', 'import requests'], { stdio: 'ignore' });
    return null;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'python3 is not installed' : 'python3 has no requests module (apt-get install -y python3-requests)';
  }
}
const pythonMissing = pythonWithRequests();
if (pythonMissing) console.warn(`asa-snippets: skipping the Python requests snippet: ${pythonMissing}`);

// One engine is enough here (the protocol is tested on both elsewhere): the server when CI provides it.
const engine = serverTestUrl() ? serverEngineFor(serverTestUrl()!) : testEngines()[0]!;

describe(`the ASA docs' snippets against pricekeep serve (${engine.name})`, () => {
  let database: TestDatabase;
  let amazon: StandInAmazon;
  let serve: RunningProcess & { url: string };
  let key: string;
  const scratch = mkdtempSync(join(tmpdir(), 'pricekeep-asa-snippets-'));

  beforeAll(async () => {
    amazon = await standInAmazon();
    database = await engine.create();
    const env = cliEnvFor(database, scratch, { ...fastScraperEnv(amazon.url), PRICEKEEP_LOG_LEVEL: 'info' });
    const created = await runCli(env, 'asa-keys', 'create', '--name', 'local-dev', '--credits', '500');
    expect(created.code, created.stderr).toBe(0);
    key = created.stdout.trim();
    serve = await startServe(env);
  }, 300_000);
  afterAll(async () => {
    await serve?.stop();
    await amazon?.close();
    await database?.drop();
    rmSync(scratch, { recursive: true, force: true });
  }, 120_000);

  const publish = (snippet: string) => snippet.replaceAll('https://api.amazonscraperapi.com', serve.url).replaceAll('asa_live_YOUR_KEY', key);

  it('the cURL line', async () => {
    const line = publish(`curl "https://api.amazonscraperapi.com/api/v1/amazon/product?query=B09HN3Q81F&domain=com" \\\n -H "Authorization: Bearer asa_live_YOUR_KEY"`);
    const { stdout } = await run('bash', ['-c', `${line} --silent --show-error`], { timeout: 60_000 });
    expect(JSON.parse(stdout)).toMatchObject({ asin: 'B09HN3Q81F', title: TITLE, price: 29.99, currency: 'USD', rating: 4.4, reviews_count: 82 });
  }, 120_000);

  it('the Node fetch example', async () => {
    const file = join(scratch, 'snippet.mjs');
    writeFileSync(file, publish(
      'const res = await fetch( "https://api.amazonscraperapi.com/api/v1/amazon/product?query=B09HN3Q81F&domain=com", { headers: { Authorization: "Bearer asa_live_YOUR_KEY" } } ); const product = await res.json(); console.log(product.title, "-", product.price, product.currency);',
    ));
    const { stdout } = await run(process.execPath, [file], { timeout: 60_000 });
    expect(stdout).toBe(`${TITLE} - 29.99 USD\n`);
  }, 120_000);

  it.skipIf(pythonMissing !== null)('the Python requests example', async () => {
    // The docs print it on one line; Python needs its line breaks back.
    const file = join(scratch, 'snippet.py');
    writeFileSync(file, publish([
      'import requests',
      'r = requests.get(',
      '    "https://api.amazonscraperapi.com/api/v1/amazon/product",',
      '    headers={"Authorization": "Bearer asa_live_YOUR_KEY"},',
      '    params={"query": "B09HN3Q81F", "domain": "com"},',
      ')',
      'r.raise_for_status()',
      'product = r.json()',
      'print(product["title"], "-", product["price"], product["currency"])',
      '',
    ].join('\n')));
    const { stdout } = await run('python3', [file], { timeout: 60_000 });
    expect(stdout).toBe(`${TITLE} - 29.99 USD\n`);
  }, 120_000);

  it('the search request of the search endpoint page', async () => {
    const { stdout } = await run('curl', ['--silent', '--show-error', '-H', `Authorization: Bearer ${key}`,
      `${serve.url}/api/v1/amazon/search?query=wireless+headphones&domain=com&sort_by=best_match`], { timeout: 60_000 });
    const body = JSON.parse(stdout);
    expect(body.page).toBe(1);
    expect(body.products.length).toBeGreaterThan(10);
    expect(body.products[0]).toMatchObject({ asin: expect.stringMatching(/^[A-Z0-9]{10}$/), currency: 'USD' });
    expect(amazon.hits.get('search:wireless headphones')).toBe(1);
  }, 120_000);

  it('each success cost 5 credits, on the account and in the request log with its request_id', async () => {
    const res = await fetch(`${serve.url}/api/v1/account`, { headers: { authorization: `Bearer ${key}` } });
    const account = await res.json();
    const successes = pythonMissing ? 3 : 4;
    expect(account).toMatchObject({ workspace: 'default', balance: 500 - 5 * successes });
    expect(account.usage).toEqual([expect.objectContaining({ requests: successes, successes, credits: 5 * successes })]);
    // "request completed" is logged just after the answer is sent: wait for it (bounded).
    for (let i = 0; i < 200 && !serve.stderr().includes(`"request_id":"${account.request_id}"`); i++) await new Promise((r) => setTimeout(r, 50));
    expect(serve.stderr()).toContain(`"request_id":"${account.request_id}"`);
    expect(serve.stderr()).not.toContain(key);
  }, 120_000);
});
