import { describe, expect, it } from 'vitest';
import { runTick } from '../jobs/scheduler.js';
import type { ScrapeOutcome } from '../src/scraper/index.js';
import { addTracking, claimDue, listTracking } from '../src/store/index.js';
import { serverTestUrl, useTwoServerStores } from './helpers/engines.js';
import { scraped } from './helpers/scraped-product.js';

describe.runIf(serverTestUrl())('two workers on one PostgreSQL server', () => {
  const servers = useTwoServerStores(serverTestUrl()!);

  it('scrape 200 due products once each: none twice, none skipped', async () => {
    const asins = Array.from({ length: 200 }, (_, i) => `B0W${String(i).padStart(7, '0')}`);
    await addTracking(servers.stores[0]!, 1, asins, 60);
    const calls = new Map<string, string[]>();
    const scrapeAs = (worker: string) => async (asin: string): Promise<ScrapeOutcome> => {
      calls.set(asin, [...(calls.get(asin) ?? []), worker]);
      await new Promise((r) => setTimeout(r, 2 + Math.random() * 5)); // a network round trip
      return { ok: true, product: scraped(asin, 1000 + asin.charCodeAt(9)), attempts: [] };
    };
    const [a, b] = await Promise.all([
      runTick({ store: servers.stores[0]!, scrape: scrapeAs('A'), worker: 'A', batchSize: 10, concurrency: 4 }),
      runTick({ store: servers.stores[1]!, scrape: scrapeAs('B'), worker: 'B', batchSize: 10, concurrency: 4 }),
    ]);
    expect(calls.size).toBe(200);
    expect([...calls.values()].filter((workers) => workers.length > 1)).toEqual([]);
    expect(a.scraped + b.scraped).toBe(200);
    // both took part
    expect(a.scraped).toBeGreaterThan(0);
    expect(b.scraped).toBeGreaterThan(0);
    const rows = await listTracking(servers.stores[0]!);
    expect(rows.every((r) => r.lastSuccessAt !== null && r.nextDue.getTime() > Date.now() + 50 * 60_000)).toBe(true);
  });

  it('a crashed worker’s lease expires and its products are claimed again', async () => {
    await addTracking(servers.stores[0]!, 1, ['B0LEASE001'], 60);
    const t = Date.now() + 60_000;
    const claimed = await claimDue(servers.stores[0]!, { worker: 'crashing', limit: 10, leaseSeconds: 1, now: new Date(t) });
    expect(claimed.map((c) => c.asin)).toEqual(['B0LEASE001']);
    expect(await claimDue(servers.stores[1]!, { worker: 'other', limit: 10, leaseSeconds: 60, now: new Date(t + 900) })).toEqual([]);
    const again = await claimDue(servers.stores[1]!, { worker: 'other', limit: 10, leaseSeconds: 60, now: new Date(t + 1100) });
    expect(again.map((c) => c.asin)).toEqual(['B0LEASE001']);
  });
});
