// Storage: bytes per stored point on TimescaleDB after compression (embedded engine; the
// local PostgreSQL has no TimescaleDB). Points are generated in SQL with realistic shapes
// (irregular gaps, long runs of the same price, -1 out-of-stock spells, drifting ranks).
// Baseline: 8 bytes (int32 time + int32 value). Target: ≤ 2 bytes/point (ratio ≤ 0.25).
import { sql } from 'kysely';
import { compressAllChunks, dbInfo } from '../src/store/index.js';
import type { Benchmark, BenchRow } from './bench-types.js';
import { embeddedDatabase } from './bench-db.js';

export const storageBenchmark: Benchmark = {
  name: 'storage',
  async run({ scale, log }): Promise<BenchRow[]> {
    // Default (scale 1) is the 10M points: 20,000 series × 500 points.
    const series = Math.max(100, Math.round(20_000 * scale));
    const perSeries = 500;
    const database = await embeddedDatabase();
    const { store } = database;
    try {
      log(`storage: generating ${series} series × ${perSeries} points`);
      const start = performance.now();
      // Keepa minutes ascending with gaps of 1 min to ~1 day; values: a price that changes
      // every few points, -1 for ~5% of points, ranks for every 4th series.
      for (let first = 1; first <= series; first += 2000) {
        const last = Math.min(series, first + 1999);
        await sql`
          INSERT INTO points (series_id, t, value, second)
          SELECT s, 7_500_000 + (n * 731 + (hashint4(s * 1000 + n) & 511))::int,
                 CASE WHEN (hashint4(s * 7 + n / 20) & 31) = 0 THEN -1
                      WHEN s % 4 = 0 THEN 1000 + (abs(hashint4(s + n / 3)) % 90000)
                      ELSE 999 + 100 * (abs(hashint4(s * 13 + n / 8)) % 40) END,
                 CASE WHEN s % 10 = 0 THEN 0 END
          FROM generate_series(${first}::int, ${last}::int) s, generate_series(0, ${perSeries - 1}) n`.execute(store.db);
        log(`storage: ${last}/${series} series`);
      }
      log(`storage: compressing (${((performance.now() - start) / 1000).toFixed(0)} s so far)`);
      await compressAllChunks(store);
      const info = await dbInfo(store);
      const after = info.compression?.bytesAfter ?? NaN;
      const points = info.points;
      const perPoint = after / points;
      return [{
        name: `storage (${(points / 1e6).toFixed(1)}M points, compressed)`,
        figure: `${perPoint.toFixed(2)} bytes/point`,
        baseline: '8 bytes/point (int32 t + int32 value)',
        ratio: perPoint / 8,
        target: '≤ 0.25× (≤ 2 bytes/point)',
        met: perPoint <= 2,
        note: `after_compression_total_bytes ${(after / 1e6).toFixed(1)} MB for ${points.toLocaleString('en-US')} points in ${info.compression?.chunks} chunks (before: ${((info.compression?.bytesBefore ?? 0) / points).toFixed(1)} bytes/point with the primary-key index); segmentby series_id, orderby t`,
      }];
    } finally {
      await database.dispose();
    }
  },
};
