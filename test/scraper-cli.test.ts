// The extract / scrape / search commands as a user runs them: JSON on stdout, exit 3 with
// ASA's error body when the page is not a clean result, exit 2 for bad arguments.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SHARED = fileURLToPath(new URL('../../shared/fixtures/amazon/', import.meta.url));
const OWN = fileURLToPath(new URL('../fixtures/amazon/', import.meta.url));

function run(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['bin/pricekeep.js', ...args], { cwd: ROOT, env: { ...process.env, PRICEKEEP_LOG_LEVEL: 'silent', ...env }, timeout: 30_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

describe('pricekeep extract', () => {
  it('prints the product as ASA JSON', async () => {
    const { code, stdout } = await run(['extract', `${SHARED}in_product_B0GSWFSHQ4.html`, '--domain', 'in', '--asin', 'B0GSWFSHQ4']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ asin: 'B0GSWFSHQ4', price: 759, price_minor: 75900, price_strikethrough_minor: 99900, currency: 'INR' });
  });

  it('detects a search page without --kind', async () => {
    const { code, stdout } = await run(['extract', `${SHARED}com_search_portable-charger.html`, '--domain', 'com']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout).products).toHaveLength(22);
  });

  it('prints the ASA error and exits 3 for a robot check, a dog page and a wrong ASIN', async () => {
    const captcha = await run(['extract', `${SHARED}com_captcha_validate.html`, '--domain', 'com']);
    expect([captcha.code, JSON.parse(captcha.stdout).error]).toEqual([3, 'blocked_by_amazon']);
    const dog = await run(['extract', `${OWN}com_404_dog.html`, '--domain', 'com', '--kind', 'product']);
    expect([dog.code, JSON.parse(dog.stdout).error]).toEqual([3, 'not_found']);
    const other = await run(['extract', `${SHARED}de_product_B092LGG221.html`, '--domain', 'amazon.de', '--asin', 'B092LRHT3Q']);
    expect([other.code, JSON.parse(other.stdout)]).toEqual([3, { error: 'asin_mismatch', message: 'asked for B092LRHT3Q, Amazon served B092LGG221' }]);
  });

  it('exits 2 for an unknown domain', async () => {
    const { code, stderr } = await run(['extract', `${SHARED}in_product_B0GSWFSHQ4.html`, '--domain', 'xx']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/unknown domain "xx"/);
  });
});

describe('pricekeep scrape and search', () => {
  it('scrape --backend replay prints the product', async () => {
    const { code, stdout } = await run(['scrape', 'B09PRB88ZK', '--domain', 'es', '--backend', 'replay', '--replay-dir', SHARED]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ asin: 'B09PRB88ZK', price_minor: 3999, coupon: { type: 'amount', minor: 1000 } });
  });

  it('scrape prints error and attempts and exits 3 when nothing is saved', async () => {
    const { code, stdout } = await run(['scrape', 'B000000001', '--domain', 'com'], { PRICEKEEP_SCRAPER_BACKEND: 'replay', PRICEKEEP_REPLAY_DIR: SHARED });
    expect(code).toBe(3);
    expect(JSON.parse(stdout)).toMatchObject({ error: 'not_found', attempts: [{ attempt: 1, outcome: 'not_found' }] });
  });

  it('search --backend replay prints the results page', async () => {
    const { code, stdout } = await run(['search', 'power bank', '--domain', 'in', '--backend', 'replay', '--replay-dir', SHARED]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout).products.filter((p: { is_sponsored: boolean }) => !p.is_sponsored)).toHaveLength(24);
  });
});
