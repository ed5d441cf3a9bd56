// The cold-history blob (issue 16): every archived numeric point of one product in one
// brotli-compressed byte string. TimescaleDB's integer codec (delta-delta + simple-8b, no
// entropy coding) spends 3.2–3.6 bytes a point on its column data alone; this spends
// ~1.6 on the same histories (npm run bench -- --only storage), for three reasons:
//   - columns, not rows: a product's time gaps, then its value changes, then its seconds,
//     each as varints, so that like bytes sit next to like;
//   - brotli over the whole product, whose window reaches across its series (the rank and
//     the price of a product often move at the same minutes);
//   - a shared timeline when that is smaller: the product's distinct minutes once, and per
//     series only which of them it has (small gaps in an index, mostly 0).
//
// Layout (all integers varints; signed ones zigzagged):
//   byte 0 FORMAT, byte 1 LAYOUT, then brotli of:
//   series count; per series: id gap (from the previous id), point count, seconds kind
//   (0 none, 1 every point, 2 some: a presence bitmap follows the values);
//   COLUMNS:  per series its first minute (signed) and the gaps to each next one;
//   TIMELINE: the distinct minutes (count, first signed, gaps), then per series the gap in
//             that list's index from its previous point (first: from -1) minus one;
//   then per series the value changes (signed, from 0), then per series with seconds its
//   presence bitmap (kind 2) and the second's changes over the points that have one.
import { brotliCompressSync, brotliDecompressSync, constants } from 'node:zlib';
import type { NumericPoint } from '../keepa/history-series.js';

const FORMAT = 1;
const COLUMNS = 0;
const TIMELINE = 1;

/**
 * fast: what an import writes (brotli 3, ~40M points/s of compression); best: what the
 * daily archive run leaves (the smaller layout at brotli 11, ~0.1M points/s). On the import
 * bench's 2.1M real-shaped points brotli 3 took 54 ms against 141 ms at 5, for 2.06 against
 * 1.98 bytes a point, which the next archive run takes back.
 */
export type ArchiveEffort = 'fast' | 'best';
const FAST_QUALITY = 3;

export class PointCodecError extends Error {
  override readonly name = 'PointCodecError';
}

class ByteWriter {
  private buf = Buffer.allocUnsafe(1 << 12);
  length = 0;
  private room(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.length + n));
    this.buf.copy(next, 0, 0, this.length);
    this.buf = next;
  }
  byte(b: number): void {
    this.room(1);
    this.buf[this.length++] = b;
  }
  /** Unsigned up to 2^53. */
  uint(x: number): void {
    this.room(8);
    if (x < 0x80000000) {
      // int31: bit operations (encoding the import bench's blobs: 122 → 116 ms)
      while (x >= 128) {
        this.buf[this.length++] = (x & 127) | 128;
        x >>>= 7;
      }
      this.buf[this.length++] = x;
      return;
    }
    while (x >= 128) {
      this.buf[this.length++] = (x % 128) | 128;
      x = Math.floor(x / 128);
    }
    this.buf[this.length++] = x;
  }
  int(x: number): void {
    this.uint(x >= 0 ? x * 2 : -x * 2 - 1);
  }
  bytes(): Buffer {
    return this.buf.subarray(0, this.length);
  }
}

class ByteReader {
  private at = 0;
  constructor(private readonly buf: Uint8Array) {}
  byte(): number {
    if (this.at >= this.buf.length) throw new PointCodecError('archive blob ends early');
    return this.buf[this.at++]!;
  }
  uint(): number {
    let x = 0;
    let scale = 1;
    for (;;) {
      const b = this.byte();
      x += (b & 127) * scale;
      if (b < 128) return x;
      scale *= 128;
      if (scale > 2 ** 56) throw new PointCodecError('archive blob holds an oversized number');
    }
  }
  int(): number {
    const z = this.uint();
    return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
  }
  get done(): boolean {
    return this.at === this.buf.length;
  }
}

/** Archived series of a product: series id → points in time order, one per minute. */
export type ArchivedSeries = ReadonlyMap<number, readonly NumericPoint[]>;

function secondsKind(points: readonly NumericPoint[]): 0 | 1 | 2 {
  let some = 0;
  for (const p of points) if (p.second !== null) some++;
  return some === 0 ? 0 : some === points.length ? 1 : 2;
}

function payload(series: ReadonlyArray<[number, readonly NumericPoint[]]>, layout: number): Buffer {
  const w = new ByteWriter();
  w.uint(series.length);
  const kinds = series.map(([, points]) => secondsKind(points));
  let previousId = 0;
  series.forEach(([id, points], i) => {
    w.uint(id - previousId);
    previousId = id;
    w.uint(points.length);
    w.byte(kinds[i]!);
  });
  if (layout === COLUMNS) {
    for (const [, points] of series) {
      if (points.length === 0) continue;
      w.int(points[0]!.t);
      for (let i = 1; i < points.length; i++) w.uint(points[i]!.t - points[i - 1]!.t - 1);
    }
  } else {
    const minutes = [...new Set(series.flatMap(([, points]) => points.map((p) => p.t)))].sort((a, b) => a - b);
    const index = new Map(minutes.map((t, i) => [t, i]));
    w.uint(minutes.length);
    if (minutes.length > 0) w.int(minutes[0]!);
    for (let i = 1; i < minutes.length; i++) w.uint(minutes[i]! - minutes[i - 1]! - 1);
    for (const [, points] of series) {
      let previous = -1;
      for (const p of points) {
        const k = index.get(p.t)!;
        w.uint(k - previous - 1);
        previous = k;
      }
    }
  }
  for (const [, points] of series) {
    let previous = 0;
    for (const p of points) {
      w.int(p.value - previous);
      previous = p.value;
    }
  }
  series.forEach(([, points], i) => {
    const kind = kinds[i]!;
    if (kind === 0) return;
    if (kind === 2) {
      for (let j = 0; j < points.length; j += 8) {
        let bits = 0;
        for (let k = 0; k < 8 && j + k < points.length; k++) if (points[j + k]!.second !== null) bits |= 1 << k;
        w.byte(bits);
      }
    }
    let previous = 0;
    for (const p of points) {
      if (p.second === null) continue;
      w.int(p.second - previous);
      previous = p.second;
    }
  });
  return w.bytes();
}

function brotli(bytes: Buffer, quality: number): Buffer {
  return brotliCompressSync(bytes, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: quality,
      [constants.BROTLI_PARAM_LGWIN]: 22,
      [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
    },
  });
}

function framed(layout: number, compressed: Buffer): Buffer {
  const out = Buffer.allocUnsafe(compressed.length + 2);
  out[0] = FORMAT;
  out[1] = layout;
  compressed.copy(out, 2);
  return out;
}

const isInt32 = (x: number) => (x | 0) === x;

/** Checks what the decoder relies on: int32 fields, minutes strictly ascending. */
function checked(series: ArchivedSeries): Array<[number, readonly NumericPoint[]]> {
  const sorted = [...series].sort((a, b) => a[0] - b[0]);
  for (const [id, points] of sorted) {
    if (!Number.isInteger(id) || id < 0) throw new PointCodecError(`series id ${id} is not a non-negative integer`);
    for (let i = 0; i < points.length; i++) {
      const p = points[i]!;
      if (!isInt32(p.t) || !isInt32(p.value) || (p.second !== null && !isInt32(p.second))) {
        throw new PointCodecError(`series ${id}: point ${i} is not int32 (t ${p.t}, value ${p.value}, second ${p.second})`);
      }
      if (i > 0 && p.t <= points[i - 1]!.t) throw new PointCodecError(`series ${id}: minutes not strictly ascending at point ${i}`);
    }
  }
  return sorted;
}

/** The blob of `series` (empty series are kept as such). */
export function encodeArchive(series: ArchivedSeries, effort: ArchiveEffort): Buffer {
  const sorted = checked(series);
  const columns = payload(sorted, COLUMNS);
  if (effort === 'fast') return framed(COLUMNS, brotli(columns, FAST_QUALITY));
  // Choose the layout on a quick pass, then spend the effort on the winner only.
  const timeline = payload(sorted, TIMELINE);
  const useTimeline = brotli(timeline, 5).length < brotli(columns, 5).length;
  return framed(useTimeline ? TIMELINE : COLUMNS, brotli(useTimeline ? timeline : columns, 11));
}

/** The series a blob holds; a blob this code did not write throws PointCodecError. */
export function decodeArchive(blob: Uint8Array): Map<number, NumericPoint[]> {
  if (blob.length < 2 || blob[0] !== FORMAT || (blob[1] !== COLUMNS && blob[1] !== TIMELINE)) {
    throw new PointCodecError(`not an archive blob of format ${FORMAT}`);
  }
  let bytes: Buffer;
  try {
    bytes = brotliDecompressSync(blob.subarray(2));
  } catch (error) {
    throw new PointCodecError('archive blob is not valid brotli', { cause: error });
  }
  const r = new ByteReader(bytes);
  const count = r.uint();
  const ids: number[] = [];
  const lengths: number[] = [];
  const kinds: number[] = [];
  let id = 0;
  for (let i = 0; i < count; i++) {
    id += r.uint();
    ids.push(id);
    lengths.push(r.uint());
    const kind = r.byte();
    if (kind > 2) throw new PointCodecError(`unknown seconds kind ${kind}`);
    kinds.push(kind);
  }
  const times: number[][] = [];
  if (blob[1] === COLUMNS) {
    for (const n of lengths) {
      const ts = new Array<number>(n);
      if (n > 0) ts[0] = r.int();
      for (let i = 1; i < n; i++) ts[i] = ts[i - 1]! + r.uint() + 1;
      times.push(ts);
    }
  } else {
    const m = r.uint();
    const minutes = new Array<number>(m);
    if (m > 0) minutes[0] = r.int();
    for (let i = 1; i < m; i++) minutes[i] = minutes[i - 1]! + r.uint() + 1;
    for (const n of lengths) {
      const ts = new Array<number>(n);
      let k = -1;
      for (let i = 0; i < n; i++) {
        k += r.uint() + 1;
        if (k >= m) throw new PointCodecError('archive blob indexes past its timeline');
        ts[i] = minutes[k]!;
      }
      times.push(ts);
    }
  }
  const values = lengths.map((n) => {
    const vs = new Array<number>(n);
    let previous = 0;
    for (let i = 0; i < n; i++) vs[i] = previous += r.int();
    return vs;
  });
  const result = new Map<number, NumericPoint[]>();
  ids.forEach((seriesId, s) => {
    const n = lengths[s]!;
    const seconds = new Array<number | null>(n).fill(null);
    if (kinds[s] !== 0) {
      const present: boolean[] = new Array<boolean>(n).fill(true);
      if (kinds[s] === 2) {
        for (let j = 0; j < n; j += 8) {
          const bits = r.byte();
          for (let k = 0; k < 8 && j + k < n; k++) present[j + k] = (bits & (1 << k)) !== 0;
        }
      }
      let previous = 0;
      for (let i = 0; i < n; i++) if (present[i]) seconds[i] = previous += r.int();
    }
    const ts = times[s]!;
    const vs = values[s]!;
    const points: NumericPoint[] = new Array(n);
    for (let i = 0; i < n; i++) points[i] = { t: ts[i]!, value: vs[i]!, second: seconds[i]! };
    result.set(seriesId, points);
  });
  if (!r.done) throw new PointCodecError('archive blob has bytes after its last series');
  return result;
}
