// The scheduler keeps its promises, on a simulated clock: an interval of N minutes is a
// scrape every N minutes, a scrape outliving its lease keeps it, claims stay within what
// the lanes can start before the lease ends, and a killed process's claims come back.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Scheduler } from '../jobs/scheduler.js';
import { nextDueAfterSuccess } from '../jobs/next-due.js';
import type { ScrapeOutcome } from '../src/scraper/index.js';
import { addTracking, claimDue, listTracking, renewLeases, type Store } from '../src/store/index.js';
import { testEngines, type TestDatabase } from './helpers/engines.js';
import { scraped, seededRandom } from './helpers/scraped-product.js';
import { runUntil, SimulatedClock, stopOn } from './helpers/simulated-clock.js';

const MINUTE = 60_000;
const T0 = Date.parse('2030-01-07T08:00:00Z');
const asinsOf = (n: number, prefix = 'B0S') => Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(10 - prefix.length, '0')}`);

describe('next due time', () => {
  it('counts from when the product was due, not when the scrape ended', () => {
    const due = T0;
    const finished = T0 + 40_000; // a 40-second scrape
    const none = () => 0.5; // no jitter
    expect(nextDueAfterSuccess(due, 1, finished, none)).toBe(T0 + MINUTE);
    expect(nextDueAfterSuccess(due, 60, finished, none)).toBe(T0 + 60 * MINUTE);
  });

  it('jitters by at most ±10% of the interval', () => {
    expect(nextDueAfterSuccess(T0, 60, T0, () => 0)).toBe(T0 + 54 * MINUTE);
    expect(nextDueAfterSuccess(T0, 60, T0, () => 0.999999)).toBeLessThanOrEqual(T0 + 66 * MINUTE);
  });

  it('skips the slots a late product missed instead of catching up on them', () => {
    // due at 8:00 every 15 min, scraped at 8:47 (the process was down): next at 9:00
    expect(nextDueAfterSuccess(T0, 15, T0 + 47 * MINUTE, () => 0.5)).toBe(T0 + 60 * MINUTE);
    // never in the past
    expect(nextDueAfterSuccess(T0, 15, T0 + 59.9 * MINUTE, () => 0)).toBe(T0 + 59.9 * MINUTE);
  });
});

describe.each(testEngines())('scheduler on a simulated clock ($name)', (engine) => {
  let database: TestDatabase;
  let store: Store;
  let clock: SimulatedClock;
  let scrapes: { asin: string; at: number; worker: string }[];
  let running: Scheduler[];

  beforeEach(async () => {
    database = await engine.create();
    store = await database.open();
    clock = new SimulatedClock(T0);
    scrapes = [];
    running = [];
  });
  afterEach(async () => {
    for (const scheduler of running) await stopOn(clock, scheduler);
    await store?.close();
    await database?.drop();
  });

  /** A scheduler whose scrapes take `scrapeMs` of simulated time each. */
  const scheduler = (options: { worker?: string; scrapeMs: number; lanes?: number; leaseSeconds?: number; on?: Store }) => {
    const worker = options.worker ?? 'w1';
    const s = new Scheduler({
      store: options.on ?? store,
      worker,
      concurrency: options.lanes ?? 4,
      leaseSeconds: options.leaseSeconds ?? 600,
      clock,
      random: seededRandom(18),
      scrape: async (asin): Promise<ScrapeOutcome> => {
        scrapes.push({ asin, at: clock.now(), worker });
        await clock.sleep(options.scrapeMs);
        return { ok: true, product: scraped(asin, 1000), attempts: [] };
      },
    });
    running.push(s);
    s.start();
    return s;
  };
  const countPer = (asins: readonly string[], from: number, to: number) =>
    asins.map((asin) => scrapes.filter((s) => s.asin === asin && s.at >= from && s.at < to).length);

  it('a 1-minute interval is scraped 60 ± 3 times in an hour, even when each scrape takes 20 s', async () => {
    await addTracking(store, 1, ['B0MINUTE01'], 1, new Date(T0));
    const s = scheduler({ scrapeMs: 20_000 });
    await runUntil(clock, s, T0 + 60 * MINUTE);
    const [count] = countPer(['B0MINUTE01'], T0, T0 + 60 * MINUTE);
    expect(count).toBeGreaterThanOrEqual(57);
    expect(count).toBeLessThanOrEqual(63);
  }, 120_000);

  it('a 15-minute interval is scraped 4 times in an hour', async () => {
    const asins = asinsOf(8, 'B0Q');
    await addTracking(store, 1, asins, 15, new Date(T0));
    const s = scheduler({ scrapeMs: 5_000, lanes: 2 });
    await runUntil(clock, s, T0 + 75 * MINUTE);
    // an hour that does not start on the products' grid (the jitter may move a scrape
    // across a boundary that sits exactly on it)
    expect(countPer(asins, T0 + 7.5 * MINUTE, T0 + 67.5 * MINUTE)).toEqual(asins.map(() => 4));
  }, 120_000);

  it('a scrape that outlives its lease keeps it', async () => {
    await addTracking(store, 1, ['B0SLOW0001'], 60, new Date(T0));
    const s = scheduler({ scrapeMs: 150_000, leaseSeconds: 60 });
    await runUntil(clock, s, T0 + 100_000);
    // 100 s into a 150-s scrape with a 60-s lease: still this worker's
    expect(await claimDue(store, { worker: 'w2', limit: 10, leaseSeconds: 60, now: new Date(clock.now()) })).toEqual([]);
    const [row] = await listTracking(store, { asins: ['B0SLOW0001'] });
    expect(row!.leaseOwner).toBe('w1');
    await runUntil(clock, s, T0 + 200_000);
    expect(scrapes).toHaveLength(1);
    const [done] = await listTracking(store, { asins: ['B0SLOW0001'] });
    expect(done!.leaseOwner).toBeNull();
    expect(done!.lastSuccessAt!.getTime()).toBe(T0 + 150_000);
    expect(done!.nextDue.getTime()).toBeGreaterThanOrEqual(T0 + 54 * MINUTE);
  }, 120_000);

  it('claims no more than its lanes can start before the lease ends', async () => {
    const asins = asinsOf(40, 'B0L');
    await addTracking(store, 1, asins, 60, new Date(T0));
    // 2 lanes, 20-s scrapes, 60-s lease: 6 claims at most could start in time.
    const s = scheduler({ scrapeMs: 20_000, lanes: 2, leaseSeconds: 60 });
    let most = 0;
    for (let t = T0; t <= T0 + 5 * MINUTE; t += 10_000) {
      await runUntil(clock, s, t);
      const held = (await listTracking(store)).filter((r) => r.leaseOwner === 'w1').length;
      most = Math.max(most, held);
    }
    expect(most).toBeGreaterThan(0);
    expect(most).toBeLessThanOrEqual(6);
    // and it kept scraping at its lanes' pace: 2 lanes × 30 scrapes of 20 s in 5 minutes
    expect(scrapes.length).toBeGreaterThanOrEqual(28);
  }, 120_000);

  it('25 claimed, 3 in flight, killed: the 22 unstarted are scraped again ' + (engine.name === 'embedded' ? 'within a minute of restart' : 'when the lease ends'), async () => {
    const asins = asinsOf(25, 'B0K');
    await addTracking(store, 1, asins, 60, new Date(T0));
    const claimed = await claimDue(store, { worker: 'killed', limit: 25, leaseSeconds: 600, now: new Date(T0) });
    expect(claimed).toHaveLength(25);
    // 3 scrapes started (their lease taken afresh), then the process dies: nothing released.
    await renewLeases(store, { worker: 'killed', ids: claimed.slice(0, 3).map((c) => c.id), leaseSeconds: 600, now: new Date(T0) });
    await store.close();
    clock.advanceTo(T0 + 10_000);
    store = await database.open(); // the restart
    const s = scheduler({ scrapeMs: 3_000, worker: 'restarted' });
    const unstarted = claimed.slice(3).map((c) => c.asin);
    await runUntil(clock, s, T0 + 10_000 + MINUTE);
    const scrapedAgain = new Set(scrapes.map((x) => x.asin));
    if (engine.name === 'embedded') {
      // one process per data directory: the leases found on open were the killed process's
      expect(unstarted.filter((a) => !scrapedAgain.has(a))).toEqual([]);
      expect(scrapedAgain.size).toBe(25);
    } else {
      // other workers may be alive on a server database: the claims wait for their lease
      expect(scrapedAgain.size).toBe(0);
      await runUntil(clock, s, T0 + 600_000 + MINUTE);
      expect([...new Set(scrapes.map((x) => x.asin))].sort()).toEqual([...asins].sort());
      expect(Math.min(...scrapes.map((x) => x.at))).toBeGreaterThanOrEqual(T0 + 600_000);
    }
  }, 120_000);
});
