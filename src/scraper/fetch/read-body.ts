// Reads a response body with a cap on its decoded size. A body that is small on the wire
// and huge decompressed (a gzip bomb), or just huge, must not be read into memory: the
// bytes coming out of the decompressor are counted while they stream, and the read (and
// with it the connection) is aborted as soon as the count passes the cap.
import type { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';

const DECODERS: Readonly<Record<string, (() => Transform) | undefined>> = {
  gzip: createGunzip,
  'x-gzip': createGunzip,
  deflate: createInflate,
  br: createBrotliDecompress,
};

/** The body passed the cap; the read stopped there. */
export class BodyTooLarge extends Error {
  override readonly name = 'BodyTooLarge';
  constructor(readonly maxBytes: number, what: string) {
    super(`response body over ${maxBytes} bytes ${what}; read stopped at the cap`);
  }
}

/**
 * The decoded bytes of `body` (content-encoding gzip, deflate, br or none). Rejects with
 * BodyTooLarge once more than `maxBytes` come out of the decoder (or arrive on the wire,
 * or the Content-Length announces more); other stream errors reject as they are.
 */
export async function readBody(body: Readable, encoding: string, maxBytes: number, contentLength = NaN): Promise<Buffer> {
  if (contentLength > maxBytes) {
    body.destroy();
    throw new BodyTooLarge(maxBytes, `(Content-Length ${contentLength})`);
  }
  const chunks: Buffer[] = [];
  let wire = 0;
  let decoded = 0;
  const countWire = async function* (source: AsyncIterable<Buffer>) {
    for await (const chunk of source) {
      wire += chunk.length;
      if (wire > maxBytes) throw new BodyTooLarge(maxBytes, 'on the wire');
      yield chunk;
    }
  };
  const collect = async (source: AsyncIterable<Buffer>) => {
    for await (const chunk of source) {
      decoded += chunk.length;
      if (decoded > maxBytes) throw new BodyTooLarge(maxBytes, 'decoded');
      chunks.push(chunk);
    }
  };
  const decoder = DECODERS[encoding];
  try {
    if (decoder) await pipeline(body, countWire, decoder(), collect);
    else await pipeline(body, countWire, collect);
  } catch (error) {
    // An empty body with a content-encoding header (a 204-like answer) is empty, not corrupt.
    if (decoder && wire === 0 && (error as { code?: string }).code === 'Z_BUF_ERROR') return Buffer.alloc(0);
    throw error;
  }
  return Buffer.concat(chunks, decoded);
}
