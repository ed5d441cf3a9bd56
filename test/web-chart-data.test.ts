import { describe, expect, it } from 'vitest';
import { alignSeries, indexAt, keepaMinuteToSeconds, rangeExtent } from '../src/api/web/assets/chart-data.js';
import { MIN_STRETCH_PX, sparklinePath } from '../src/api/web/assets/sparkline.js';
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

  it('draws a visible tick for a product of a single scrape, even one made this minute', () => {
    const now = 129_600;
    const from = now - 90 * 1440;
    // Scraped this very minute: the value holds from now on; a tick at the right edge.
    expect(sparklinePath([now], [1299], from, now, 120, 28)).toBe(`M${(120 - MIN_STRETCH_PX).toFixed(1)} 14.0H120.0`);
    // Scraped ten minutes ago: a hundredth of a pixel, widened to the tick.
    expect(sparklinePath([now - 10], [1299], from, now, 120, 28)).toBe(`M${(120 - MIN_STRETCH_PX).toFixed(1)} 14.0H120.0`);
    // Once long ago: its value held all the way, a full line.
    expect(sparklinePath([from - 5], [1299], from, now, 120, 28)).toBe('M0.0 14.0H120.0');
    // A point after the window draws nothing; so does a single out-of-stock scrape.
    expect(sparklinePath([now + 1], [1299], from, now, 120, 28)).toBe('');
    expect(sparklinePath([now], [-1], from, now, 120, 28)).toBe('');
  });

  it('widens a brief isolated stretch between gaps to the tick, but not a joined one', () => {
    // In stock for one minute in the middle of 1000: isolated, widened to MIN_STRETCH_PX.
    expect(sparklinePath([0, 500, 501], [-1, 700, -1], 0, 1000, 100, 10)).toBe(`M50.0 5.0H${(50 + MIN_STRETCH_PX).toFixed(1)}`);
    // A one-minute step joined to its neighbours stays as it is (the vertical joins show it).
    expect(sparklinePath([0, 500, 501], [100, 200, 100], 0, 1000, 100, 10)).toBe('M0.0 9.0H50.0V1.0H50.1V9.0H100.0');
  });
});
