// One gzip body from parts compressed once and reused: a cached product's JSON is
// deflated the first time a client accepting gzip asks for it, and each answer splices
// those bytes between stored (uncompressed) deflate blocks holding what differs per
// request (the envelope). Each part's deflate data ends byte-aligned (a sync flush) and
// refers to nothing before it, so the concatenation is one valid deflate stream; the CRC
// is continued part by part (memoised for the part's usual position), never recomputed
// over the cached bytes.
import { constants, crc32, deflateRawSync } from 'node:zlib';

/** Bytes that appear in many bodies, with their deflate data made on first use. */
export class SplicePart {
  private deflatedBytes: Buffer | null = null;
  private crcStart = -1;
  private crcEnd = 0;

  /** `onDeflated`: told the deflated size once it is made (a cache counting its bytes). */
  constructor(
    readonly bytes: Buffer,
    private readonly onDeflated?: (part: SplicePart, bytes: number) => void,
  ) {}

  get deflated(): Buffer {
    if (this.deflatedBytes === null) {
      // Level 1, as the compress plugin (src/api/server.ts): half the CPU of 6 for 9% more bytes.
      this.deflatedBytes = deflateRawSync(this.bytes, { level: 1, finishFlush: constants.Z_SYNC_FLUSH });
      this.onDeflated?.(this, this.deflatedBytes.length);
    }
    return this.deflatedBytes;
  }

  /** Bytes held: the JSON, and its deflate data once made. */
  get size(): number {
    return this.bytes.length + (this.deflatedBytes?.length ?? 0);
  }

  /** CRC-32 of everything before this part (`start`) continued over it. */
  crcAfter(start: number): number {
    if (start !== this.crcStart) {
      this.crcEnd = crc32(this.bytes, start);
      this.crcStart = start;
    }
    return this.crcEnd;
  }
}

const GZIP_HEADER = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);
const STORED_MAX = 0xffff;

/** `bytes` as stored deflate blocks starting on a byte boundary (the last one final if `final`). */
function stored(bytes: Buffer, final: boolean): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0; at < bytes.length || out.length === 0; at += STORED_MAX) {
    const piece = bytes.subarray(at, at + STORED_MAX);
    const last = at + STORED_MAX >= bytes.length;
    const header = Buffer.alloc(5);
    header[0] = final && last ? 1 : 0;
    header.writeUInt16LE(piece.length, 1);
    header.writeUInt16LE(~piece.length & 0xffff, 3);
    out.push(header, piece);
  }
  return out;
}

/** The gzip member of `parts` (compressed once each) then `tail` (stored as is; small), as chunks to write in order. */
export function spliceGzip(parts: readonly SplicePart[], tail: Buffer): Buffer[] {
  let crc = 0;
  let size = 0;
  const chunks: Buffer[] = [GZIP_HEADER];
  for (const part of parts) {
    crc = part.crcAfter(crc);
    size += part.bytes.length;
    chunks.push(part.deflated);
  }
  crc = crc32(tail, crc);
  size += tail.length;
  chunks.push(...stored(tail, true));
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc >>> 0, 0);
  trailer.writeUInt32LE(size >>> 0, 4);
  chunks.push(trailer);
  return chunks;
}
