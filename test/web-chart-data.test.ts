import { describe, expect, it } from 'vitest';
import { alignSeries, indexAt, keepaMinuteToSeconds, rangeExtent } from '../src/api/web/assets/chart-data.js';
import { sparklinePath } from '../src/api/web/assets/sparkline.js';
import { keepaMinuteToUnixMs } from '../src/keepa/time.js';

describe('chart data', () => {
  it('carries each step history onto the union of times, with gaps where out of stock', () => {
    const [x, amazon, rank] = alignSeries(
      [
        { t: [10, 30, 50], v: [1299, -1, 1199] },
        { t: [20, 50], v: [5000, 4000] },
      ],
      60,
    );
    expect(x).toEqual([10, 20, 30, 50, 60].map(keepaMinuteToSeconds));
    expect(amazon).toEqual([1299, 1299, null, 1199, 1199]);
    expect(rank).toEqual([null, 5000, 5000, 4000, 4000]);
  });

  it('converts Keepa minutes to unix seconds exactly', () => {
    expect(keepaMinuteToSeconds(7_555_536) * 1000).toBe(keepaMinuteToUnixMs(7_555_536));
  });

  it('finds the step in force and the extent of a range', () => {
    expect(indexAt([10, 20, 30], 25)).toBe(1);
    expect(indexAt([10, 20, 30], 5)).toBe(-1);
    expect(indexAt([10, 20, 30], 30)).toBe(2);
    expect(rangeExtent(7, 0, 30 * 86_400)).toEqual({ min: 23 * 86_400, max: 30 * 86_400 });
    expect(rangeExtent(null, 100, 200)).toEqual({ min: 100, max: 200 });
  });

  it('draws a sparkline with gaps', () => {
    expect(sparklinePath([0, 50, 100], [100, -1, 200], 0, 200, 100, 10)).toBe('M0.0 9.0H25.0M50.0 1.0H100.0');
    expect(sparklinePath([0], [-1], 0, 10, 10, 10)).toBe('');
  });
});
