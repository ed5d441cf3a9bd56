// COPY … FROM STDIN of rows already encoded as COPY text, on both engines: the server
// speaks it natively; the embedded wire server (pglite-wire.ts) collects the data and
// hands it to PGlite's /dev/blob COPY.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

/** Runs `COPY table (columns) FROM STDIN` with `data` (tab-separated lines, \N for NULL). */
export async function copyText(client: pg.PoolClient, table: string, columns: string, data: string | Buffer): Promise<void> {
  if (data.length === 0) return;
  await pipeline(Readable.from([data]), client.query(copyFrom(`COPY ${table} (${columns}) FROM STDIN`)));
}

/** One COPY text line of a point. */
export function pointLine(seriesId: number, t: number, value: number, second: number | null): string {
  return `${seriesId}\t${t}\t${value}\t${second === null ? '\\N' : second}\n`;
}

/**
 * COPY text of points written straight into bytes: building it as strings took ~10× as
 * long as the COPY itself on 100k-point batches.
 */
export class PointCopyBuffer {
  private buffer = Buffer.allocUnsafe(1 << 16);
  private offset = 0;
  rows = 0;

  add(seriesId: number, t: number, value: number, second: number | null): void {
    if (this.buffer.length - this.offset < 64) this.grow();
    this.int(seriesId);
    this.buffer[this.offset++] = 0x09;
    this.int(t);
    this.buffer[this.offset++] = 0x09;
    this.int(value);
    this.buffer[this.offset++] = 0x09;
    if (second === null) {
      this.buffer[this.offset++] = 0x5c; // \N
      this.buffer[this.offset++] = 0x4e;
    } else this.int(second);
    this.buffer[this.offset++] = 0x0a;
    this.rows++;
  }

  /** Empties the buffer, keeping its memory. */
  clear(): void {
    this.offset = 0;
    this.rows = 0;
  }

  /** The COPY text so far (a view, valid until the next add). */
  bytes(): Buffer {
    return this.buffer.subarray(0, this.offset);
  }

  /** Decimal digits of an int32, written from the last one back (no reversal pass). */
  private int(value: number): void {
    const buffer = this.buffer;
    let v = value;
    if (v < 0) {
      buffer[this.offset++] = 0x2d;
      v = -v; // int32 only: -2^31 negates exactly in a double
    }
    const digits = v < 10 ? 1 : v < 100 ? 2 : v < 1e3 ? 3 : v < 1e4 ? 4 : v < 1e5 ? 5 : v < 1e6 ? 6 : v < 1e7 ? 7 : v < 1e8 ? 8 : v < 1e9 ? 9 : 10;
    let at = this.offset + digits;
    this.offset = at;
    do {
      const next = Math.floor(v / 10);
      buffer[--at] = 0x30 + (v - next * 10);
      v = next;
    } while (v > 0);
  }

  private grow(): void {
    const bigger = Buffer.allocUnsafe(this.buffer.length * 2);
    this.buffer.copy(bigger, 0, 0, this.offset);
    this.buffer = bigger;
  }
}

/** A text[] as a COPY text field: an array literal with every element quoted. */
function textArrayField(values: readonly string[]): string {
  const literal = `{${values.map((v) => `"${v.replace(/[\\"]/g, '\\$&')}"`).join(',')}}`;
  // COPY's own escapes on top (a backslash of the literal is doubled again).
  return literal.replace(/[\\\n\r\t]/g, (c) => (c === '\\' ? '\\\\' : c === '\n' ? '\\n' : c === '\r' ? '\\r' : '\\t'));
}

/** One COPY text line of a text point (series_id, t, vals). */
export function textPointLine(seriesId: number, t: number, values: readonly string[]): string {
  return `${seriesId}\t${t}\t${textArrayField(values)}\n`;
}
