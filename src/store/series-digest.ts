// Re-import without rewriting: a series whose stored points between the first and the last
// minute of an incoming history are exactly that history (same minutes, values, seconds)
// would be left as it is by the merge, so its points need not be sent again. Both sides
// hash the same bytes, each point in time order as t, value (int32, big-endian) and the
// second as 0x00 (NULL) or 0x01 + int32: node from the parsed history, the database from
// `points` by one index range scan per series (int4send: text digits cost the database
// half as much again). Any difference (a changed value, a scraped point in between,
// duplicates, an unsorted history) changes the digest and the series takes the merge path,
// so the answer is exact up to an md5 collision between two histories of one series.
import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { NumericPoint } from '../keepa/history-series.js';

export interface SeriesDigest {
  readonly seriesId: number;
  readonly from: number;
  readonly to: number;
  readonly md5: string;
}

let scratch = Buffer.allocUnsafe(1 << 16);

/** The digest of `points` (non-empty) as series `seriesId`'s rows. */
export function seriesDigest(seriesId: number, points: readonly NumericPoint[]): SeriesDigest {
  if (scratch.length < points.length * 13) scratch = Buffer.allocUnsafe(points.length * 13 * 2);
  let offset = 0;
  let from = Infinity;
  let to = -Infinity;
  for (const p of points) {
    offset = scratch.writeInt32BE(p.t, offset);
    offset = scratch.writeInt32BE(p.value, offset);
    if (p.second === null) scratch[offset++] = 0;
    else {
      scratch[offset++] = 1;
      offset = scratch.writeInt32BE(p.second, offset);
    }
    if (p.t < from) from = p.t;
    if (p.t > to) to = p.t;
  }
  return { seriesId, from, to, md5: createHash('md5').update(scratch.subarray(0, offset)).digest('hex') };
}

/** The series among `digests` whose stored points in their range hash the same. */
export async function unchangedSeries(client: pg.PoolClient, digests: readonly SeriesDigest[]): Promise<Set<number>> {
  if (digests.length === 0) return new Set();
  const { rows } = await client.query<{ id: number }>(`
    SELECT d.id FROM unnest($1::int[], $2::int[], $3::int[], $4::text[]) AS d(id, lo, hi, md5)
    WHERE d.md5 = (
      SELECT md5(string_agg(int4send(p.t) || int4send(p.value) || coalesce('\\x01'::bytea || int4send(p.second), '\\x00'::bytea), ''::bytea ORDER BY p.t))
      FROM points p WHERE p.series_id = d.id AND p.t BETWEEN d.lo AND d.hi)`,
    [digests.map((d) => d.seriesId), digests.map((d) => d.from), digests.map((d) => d.to), digests.map((d) => d.md5)]);
  return new Set(rows.map((r) => r.id));
}
