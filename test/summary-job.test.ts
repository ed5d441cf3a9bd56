import { describe, expect, it } from 'vitest';
import { runSummaryTick } from '../jobs/summaries.js';
import { KEEPA_EPOCH_MINUTES, MINUTES_PER_DAY } from '../src/keepa/time.js';
import { recordObservations, staleSummaryCount } from '../src/store/index.js';
import { readProductSummary } from '../src/store/summary-read.js';
import { testEngines, useTestStore } from './helpers/engines.js';

const T0 = 8_000_000;
const msOf = (minute: number) => (minute + KEEPA_EPOCH_MINUTES) * 60_000;

describe.each(testEngines())('summary job on $name', (engine) => {
  const db = useTestStore(engine);

  it('summarises what was written, then ages the averages of a product nothing writes', async () => {
    const at = (minute: number, price: number) => ({ domainId: 1, asin: 'B000JOB001', at: minute, numeric: [{ name: 'csv:0' as const, value: price }] });
    await recordObservations(db.store, [at(T0 - 10 * MINUTES_PER_DAY, 1000), at(T0 - MINUTES_PER_DAY / 2, 500)]);
    expect(await staleSummaryCount(db.store)).toBe(1);

    let clock = msOf(T0);
    expect(await runSummaryTick({ store: db.store, clock: () => clock })).toEqual({ stale: 1, aged: 0 });
    let amazon = (await readProductSummary(db.store, 1, 'B000JOB001'))!.types.find((t) => t.csvType === 0)!;
    expect([amazon.current, amazon.avg[1], amazon.delta[1], amazon.deltaPercent[1], amazon.deltaLast]).toEqual([500, 750, 250, 33, 500]);

    // 30 minutes on: younger than maxAge, left alone.
    clock = msOf(T0 + 30);
    expect(await runSummaryTick({ store: db.store, clock: () => clock, maxAgeMinutes: 60 })).toEqual({ stale: 0, aged: 0 });

    // Two days on, no write: the drop has left the one-day window.
    clock = msOf(T0 + 2 * MINUTES_PER_DAY);
    expect(await runSummaryTick({ store: db.store, clock: () => clock, maxAgeMinutes: 60 })).toEqual({ stale: 0, aged: 1 });
    amazon = (await readProductSummary(db.store, 1, 'B000JOB001'))!.types.find((t) => t.csvType === 0)!;
    expect([amazon.current, amazon.avg[1], amazon.delta[1], amazon.deltaPercent[1]]).toEqual([500, 500, 0, 0]);
    expect(amazon.avg[7]).toBeGreaterThan(500);
  });
});
