// Dashboard: a product of 50,000 points opened in headless Chromium (Debian's package).
// Our figure: navigation start → the chart's first frame drawn (page, scripts, JSON fetch,
// alignment, uPlot). Baseline: fetching and parsing the same JSON in the same page.
// Skipped (no row) when chromium is not installed.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { chromium } from 'playwright-core';
import { startApiServer } from '../src/api/run.js';
import { loadConfig } from '../src/config.js';
import { splitKeepaProduct } from '../src/keepa/product-object.js';
import { importKeepaProduct, openStore } from '../src/store/index.js';
import type { Benchmark, BenchRow } from './bench-types.js';

const POINTS = 50_000;
const ASIN = 'B0BENCH500';

function chromiumPath(): string | null {
  if (process.env.PRICEKEEP_CHROMIUM) return process.env.PRICEKEEP_CHROMIUM;
  try {
    return execFileSync('sh', ['-c', 'command -v chromium || command -v chromium-browser'], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export const dashboardBenchmark: Benchmark = {
  name: 'dashboard',
  async run({ log }): Promise<BenchRow[]> {
    const executablePath = chromiumPath();
    if (!executablePath) {
      log('dashboard: skipped (no chromium; apt-get install -y chromium)');
      return [];
    }
    const dataDir = mkdtempSync(join(tmpdir(), 'pricekeep-bench-web-'));
    const store = await openStore({ databaseUrl: undefined, dataDir });
    const end = 7_600_000;
    const flat: number[] = [];
    for (let i = 0; i < POINTS; i++) flat.push(end - (POINTS - i) * 15, i % 1000 === 999 ? -1 : 1000 + ((i * 37) % 500));
    await importKeepaProduct(store, splitKeepaProduct({ asin: ASIN, domainId: 1, title: 'bench', csv: [null, flat], productType: 0 }));
    const running = await startApiServer({ store, config: loadConfig({}), logger: pino({ level: 'silent' }), port: 0, host: '127.0.0.1' });
    const browser = await chromium.launch({ executablePath, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const drawn: number[] = [];
      const fetched: number[] = [];
      for (let run = 0; run < 7; run++) {
        await page.goto(`${running.url}/product/1/${ASIN}`);
        await page.waitForFunction(() => (window as any).__chart?.drawnAt > 0, null, { timeout: 60_000 });
        const ms = await page.evaluate(() => (window as any).__chart.drawnAt as number);
        const json = await page.evaluate(async (asin) => {
          const start = performance.now();
          const body = await (await fetch(`/app/api/products/1/${asin}`, { headers: { accept: 'application/json' } })).json();
          if (body.series[0].t.length === 0) throw new Error('no points');
          return performance.now() - start;
        }, ASIN);
        // The first run warms the server's and the browser's caches.
        if (run > 0) {
          drawn.push(ms);
          fetched.push(json);
        }
      }
      const ours = median(drawn);
      const base = median(fetched);
      log(`dashboard: chart drawn ${ours.toFixed(0)} ms, JSON fetched ${base.toFixed(0)} ms`);
      return [
        {
          name: `dashboard: product page, ${POINTS.toLocaleString('en-US')} points (embedded)`,
          figure: `${ours.toFixed(0)} ms to chart drawn`,
          baseline: `${base.toFixed(0)} ms to fetch + parse the same JSON`,
          ratio: ours / base,
          target: 'report',
          met: null,
          note: 'median of 6 loads in headless Chromium; includes the page, its modules, the fetch, alignment and the first uPlot frame',
        },
      ];
    } finally {
      await browser.close();
      await running.close();
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
};
