// The cold-history blob (point-codec.ts): exact round trips of what Keepa histories hold,
// both layouts, and a clear error for a blob it did not write.
import { describe, expect, it } from 'vitest';
import type { NumericPoint } from '../src/keepa/history-series.js';
import { decodeArchive, encodeArchive, PointCodecError } from '../src/store/point-codec.js';
import { mulberry32 } from '../bench/prng.js';

function randomSeries(seed: number, n: number, seconds: 'none' | 'all' | 'some'): NumericPoint[] {
  const random = mulberry32(seed);
  const points: NumericPoint[] = [];
  let t = 2_000_000 + Math.floor(random() * 1000);
  let value = 1999;
  for (let i = 0; i < n; i++) {
    t += 1 + Math.floor(random() * (random() < 0.1 ? 100_000 : 1500));
    if (random() < 0.3) value = random() < 0.05 ? -1 : Math.floor(random() * 2 ** 31) * (random() < 0.5 ? -1 : 1);
    const second = seconds === 'none' || (seconds === 'some' && random() < 0.5) ? null : Math.floor(random() * 2000) - 1;
    points.push({ t, value, second });
  }
  return points;
}

describe('archive blob', () => {
  for (const effort of ['fast', 'best'] as const) {
    it(`round-trips series exactly (${effort})`, () => {
      const series = new Map<number, NumericPoint[]>([
        [7, randomSeries(1, 500, 'none')],
        [3, randomSeries(2, 300, 'all')],
        [12, randomSeries(3, 200, 'some')],
        [40, []],
        [41, [{ t: -2147483648, value: 2147483647, second: -2147483648 }, { t: 2147483647, value: -2147483648, second: null }]],
      ]);
      const decoded = decodeArchive(encodeArchive(series, effort));
      expect([...decoded.keys()]).toEqual([3, 7, 12, 40, 41]);
      for (const [id, points] of series) expect(decoded.get(id)).toEqual(points);
    });
  }

  it('chooses the shared timeline when series move at the same minutes, and still round-trips', () => {
    const base = randomSeries(9, 2000, 'none');
    const series = new Map<number, NumericPoint[]>([
      [1, base],
      [2, base.filter((_, i) => i % 3 !== 0).map((p) => ({ ...p, value: p.value % 1000 }))],
      [3, base.filter((_, i) => i % 2 === 0).map((p) => ({ ...p, value: 5, second: 0 }))],
    ]);
    const best = encodeArchive(series, 'best');
    expect(best[1]).toBe(1); // TIMELINE
    expect(best.length).toBeLessThan(encodeArchive(series, 'fast').length);
    const decoded = decodeArchive(best);
    for (const [id, points] of series) expect(decoded.get(id)).toEqual(points);
  });

  it('refuses unordered or non-int32 points, and blobs it did not write', () => {
    const p = (t: number, value = 1): NumericPoint => ({ t, value, second: null });
    expect(() => encodeArchive(new Map([[1, [p(5), p(5)]]]), 'fast')).toThrow(PointCodecError);
    expect(() => encodeArchive(new Map([[1, [p(5), p(4)]]]), 'fast')).toThrow(/ascending/);
    expect(() => encodeArchive(new Map([[1, [p(5, 2 ** 31)]]]), 'fast')).toThrow(/int32/);
    expect(() => decodeArchive(Buffer.from([9, 0, 1]))).toThrow(PointCodecError);
    expect(() => decodeArchive(Buffer.from([1, 0, 1, 2, 3]))).toThrow(/brotli/);
    const good = encodeArchive(new Map([[1, [p(5), p(9)]]]), 'fast');
    expect(() => decodeArchive(good.subarray(0, good.length - 1))).toThrow(PointCodecError);
  });
});
