// Re-import without rewriting: a series whose stored points between the first and the last
// minute of an incoming history are exactly that history (same minutes, values, seconds)
// would be left as it is by the merge, so its points need not be sent again. Both sides
// hash the same bytes, the series' points as COPY text lines in time order: node from the
// parsed history, the database from `points` by one index range scan per series. Any
// difference (a changed value, a scraped point in between, duplicates, an unsorted history)
// changes the digest and the series takes the merge path, so the answer is exact up to an
// md5 collision between two histories of one series.
import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { NumericPoint } from '../keepa/history-series.js';
import { PointCopyBuffer } from './copy-rows.js';

export interface SeriesDigest {
  readonly seriesId: number;
  readonly from: number;
  readonly to: number;
  readonly md5: string;
}

const scratch = new PointCopyBuffer();

/** The digest of `points` (non-empty) as series `seriesId`'s rows. */
export function seriesDigest(seriesId: number, points: readonly NumericPoint[]): SeriesDigest {
  scratch.clear();
  let from = Infinity;
  let to = -Infinity;
  for (const p of points) {
    scratch.add(seriesId, p.t, p.value, p.second);
    if (p.t < from) from = p.t;
    if (p.t > to) to = p.t;
  }
  return { seriesId, from, to, md5: createHash('md5').update(scratch.bytes()).digest('hex') };
}

/** The series among `digests` whose stored points in their range hash the same. */
export async function unchangedSeries(client: pg.PoolClient, digests: readonly SeriesDigest[]): Promise<Set<number>> {
  if (digests.length === 0) return new Set();
  const { rows } = await client.query<{ id: number }>(`
    SELECT d.id FROM unnest($1::int[], $2::int[], $3::int[], $4::text[]) AS d(id, lo, hi, md5)
    WHERE d.md5 = (
      SELECT md5(string_agg(p.series_id || E'\\t' || p.t || E'\\t' || p.value || E'\\t' || coalesce(p.second::text, '\\N') || E'\\n', '' ORDER BY p.t))
      FROM points p WHERE p.series_id = d.id AND p.t BETWEEN d.lo AND d.hi)`,
    [digests.map((d) => d.seriesId), digests.map((d) => d.from), digests.map((d) => d.to), digests.map((d) => d.md5)]);
  return new Set(rows.map((r) => r.id));
}
