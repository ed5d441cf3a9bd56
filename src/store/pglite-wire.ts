// Serves a PGlite instance over PostgreSQL's wire protocol on loopback, so the ordinary
// `pg` driver (and kysely on top of it) can use the embedded engine.
//
// Why not @electric-sql/pglite-socket (0.0.19, the last release compatible with the
// TimescaleDB PGlite build): it hands each TCP chunk to PGlite as is, so any message
// larger than one chunk (~64 KB: a bulk insert of a few thousand points) reaches the
// WASM engine cut in half and aborts the whole process ("RuntimeError: unreachable").
// This server reassembles whole protocol messages before passing them on, runs them
// strictly in order, and serves one connection at a time (PGlite has one session);
// later connections wait their turn.
import { createServer, type Server, type Socket } from 'node:net';
import type { PGlite } from '@electric-sql/pglite';

const SSL_REQUEST_CODE = 80877103;
const GSSENC_REQUEST_CODE = 80877104;

const COPY_FROM_STDIN = /^\s*copy\b[\s\S]*\bfrom\s+stdin\b/i;

/**
 * PGlite has no COPY-in sub-protocol: CopyData reaching it aborts the WASM engine. A
 * simple-query `COPY … FROM STDIN` is swapped for a statement that fails with a clear
 * error (SQLSTATE 0A000), so the client gets an error and the engine keeps running.
 */
function refuseCopyIn(message: Buffer): Buffer {
  if (message[0] !== 0x51 /* 'Q' */) return message;
  const text = message.toString('utf8', 5, message.length - 1);
  if (!COPY_FROM_STDIN.test(text)) return message;
  const replacement =
    "DO $$ BEGIN RAISE EXCEPTION 'COPY FROM STDIN is not supported by the embedded engine; use INSERT' " +
    "USING ERRCODE = 'feature_not_supported'; END $$";
  const body = Buffer.from(`${replacement}\0`, 'utf8');
  const header = Buffer.alloc(5);
  header[0] = 0x51;
  header.writeInt32BE(4 + body.length, 1);
  return Buffer.concat([header, body]);
}

export interface WireServer {
  readonly host: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Splits a byte stream into complete protocol messages. */
class MessageFramer {
  private buffer: Buffer = Buffer.alloc(0);
  private startupDone = false;

  /** Appends bytes; returns the complete messages now available (possibly none). */
  push(chunk: Buffer): Buffer[] {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const messages: Buffer[] = [];
    for (;;) {
      // Startup-phase messages have no type byte: Int32 length, then payload.
      const header = this.startupDone ? 5 : 4;
      if (this.buffer.length < header) break;
      const length = this.startupDone ? 1 + this.buffer.readInt32BE(1) : this.buffer.readInt32BE(0);
      if (this.buffer.length < length) break;
      const message = this.buffer.subarray(0, length);
      this.buffer = this.buffer.subarray(length);
      if (!this.startupDone) {
        const code = message.length >= 8 ? message.readInt32BE(4) : 0;
        // SSL/GSS negotiation stays in the startup phase; the real startup message ends it.
        if (code !== SSL_REQUEST_CODE && code !== GSSENC_REQUEST_CODE) this.startupDone = true;
      }
      messages.push(message);
    }
    return messages;
  }
}

export async function serveWire(db: PGlite, host = '127.0.0.1'): Promise<WireServer> {
  const waiting: Socket[] = [];
  let active: Socket | null = null;

  const attach = (socket: Socket) => {
    active = socket;
    const framer = new MessageFramer();
    let chain = Promise.resolve();
    const run = (message: Buffer) => {
      chain = chain.then(async () => {
        if (socket.destroyed) return;
        const code = message.length === 8 && message[0] === 0 ? message.readInt32BE(4) : 0;
        if (code === SSL_REQUEST_CODE || code === GSSENC_REQUEST_CODE) {
          socket.write('N'); // no TLS on loopback
          return;
        }
        if (message[0] === 0x58 /* 'X' Terminate */) {
          socket.end();
          return;
        }
        const safe = refuseCopyIn(message);
        // execProtocol, not execProtocolRaw: PGlite 0.3 parses every reply into a list of
        // messages that only execProtocol empties; through execProtocolRaw that list grew
        // by every row ever returned (~3 MB of heap per 16k-row read, never freed).
        const { data: reply } = await db.execProtocol(new Uint8Array(safe.buffer, safe.byteOffset, safe.length), { throwOnError: false });
        if (reply.length > 0 && !socket.destroyed) socket.write(reply);
      });
    };
    socket.on('data', (chunk) => framer.push(chunk).forEach(run));
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      void chain
        // A client that vanished mid-transaction must not leave the session in it.
        .then(() => db.query('ROLLBACK').catch(() => {}))
        .finally(() => {
          active = null;
          const next = waiting.shift();
          if (next) {
            attach(next);
            next.resume();
          }
        });
    });
  };

  const server: Server = createServer((socket) => {
    socket.setNoDelay(true);
    if (active) {
      socket.pause();
      waiting.push(socket);
      socket.on('close', () => waiting.splice(waiting.indexOf(socket) >>> 0, 1));
    } else {
      attach(socket);
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, resolve);
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('wire server has no TCP port');
  return {
    host,
    port: address.port,
    async close() {
      for (const socket of [...waiting, ...(active ? [active] : [])]) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
