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

/** A simple-query message (`Q`) of `text`. */
function simpleQuery(text: string): Buffer {
  const body = Buffer.from(`${text}\0`, 'utf8');
  const header = Buffer.alloc(5);
  header[0] = 0x51;
  header.writeInt32BE(4 + body.length, 1);
  return Buffer.concat([header, body]);
}

/** The COPY statement of a simple-query `COPY … FROM STDIN`, else null. */
function copyInStatement(message: Buffer): string | null {
  if (message[0] !== 0x51 /* 'Q' */) return null;
  const text = message.toString('utf8', 5, message.length - 1);
  return COPY_FROM_STDIN.test(text) ? text : null;
}

// CopyInResponse: text format, column count 0 (clients send whole lines; PGlite checks them).
const COPY_IN_RESPONSE = Buffer.from([0x47, 0, 0, 0, 7, 0, 0, 0]);

/** A SQL string literal. */
function literal(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

export interface WireServer {
  readonly host: string;
  readonly port: number;
  close(): Promise<void>;
}

/**
 * Splits a byte stream into complete protocol messages. Chunks of an unfinished message
 * are kept in a list and joined once it is whole: joining on every chunk would copy a
 * large message (a COPY's data, a bulk INSERT) once per 64 KB received.
 */
class MessageFramer {
  private pieces: Buffer[] = [];
  private pending = 0;
  private startupDone = false;

  /** Appends bytes; returns the complete messages now available (possibly none). */
  push(chunk: Buffer): Buffer[] {
    this.pieces.push(chunk);
    this.pending += chunk.length;
    const messages: Buffer[] = [];
    for (;;) {
      // Startup-phase messages have no type byte: Int32 length, then payload.
      const header = this.startupDone ? 5 : 4;
      if (this.pending < header) break;
      if (this.pieces[0]!.length < header) this.join();
      const first = this.pieces[0]!;
      const length = this.startupDone ? 1 + first.readInt32BE(1) : first.readInt32BE(0);
      if (this.pending < length) break;
      if (first.length < length) this.join();
      const buffer = this.pieces[0]!;
      const message = buffer.subarray(0, length);
      if (buffer.length === length) this.pieces.shift();
      else this.pieces[0] = buffer.subarray(length);
      this.pending -= length;
      if (!this.startupDone) {
        const code = message.length >= 8 ? message.readInt32BE(4) : 0;
        // SSL/GSS negotiation stays in the startup phase; the real startup message ends it.
        if (code !== SSL_REQUEST_CODE && code !== GSSENC_REQUEST_CODE) this.startupDone = true;
      }
      messages.push(message);
    }
    return messages;
  }

  private join(): void {
    this.pieces = [Buffer.concat(this.pieces, this.pending)];
  }
}

export async function serveWire(db: PGlite, host = '127.0.0.1'): Promise<WireServer> {
  const waiting: Socket[] = [];
  let active: Socket | null = null;

  const attach = (socket: Socket) => {
    active = socket;
    const framer = new MessageFramer();
    let chain = Promise.resolve();
    // PGlite has no COPY-in sub-protocol (CopyData reaching it aborts the WASM engine), but
    // it reads COPY … FROM '/dev/blob' from a buffer handed to it first. The wire server
    // speaks the sub-protocol itself: it answers CopyInResponse, collects the CopyData of
    // one statement (the importer sends ~100k rows, a few MB, per COPY), and on CopyDone
    // runs the statement on that buffer; CommandComplete or the error goes back as usual.
    let copy: { statement: string; data: Buffer[] } | null = null;
    const continueCopy = async (message: Buffer) => {
      const type = message[0];
      if (type === 0x64 /* 'd' CopyData */) {
        copy!.data.push(message.subarray(5));
        return;
      }
      if (type === 0x48 /* 'H' Flush */ || type === 0x53 /* 'S' Sync */) return; // ignored during COPY, as PostgreSQL does
      const { statement, data } = copy!;
      copy = null;
      let query: Buffer;
      if (type === 0x63 /* 'c' CopyDone */) {
        await db._handleBlob(new Blob(data as unknown as BlobPart[]));
        query = simpleQuery(statement.replace(/\bfrom\s+stdin\b/i, "FROM '/dev/blob'"));
      } else {
        const reason = type === 0x66 /* 'f' CopyFail */ ? message.toString('utf8', 5, message.length - 1) : 'unexpected message during COPY';
        query = simpleQuery(`DO $fail$ BEGIN RAISE EXCEPTION 'COPY from client failed: %', ${literal(reason.replaceAll('$', ''))} USING ERRCODE = 'query_canceled'; END $fail$`);
      }
      try {
        const { data: reply } = await db.execProtocol(new Uint8Array(query.buffer, query.byteOffset, query.length), { throwOnError: false });
        if (reply.length > 0 && !socket.destroyed) socket.write(reply);
      } finally {
        await db._cleanupBlob();
      }
    };
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
        if (copy) {
          await continueCopy(message);
          return;
        }
        const copyStatement = copyInStatement(message);
        if (copyStatement) {
          copy = { statement: copyStatement, data: [] };
          socket.write(COPY_IN_RESPONSE);
          return;
        }
        // execProtocol, not execProtocolRaw: PGlite 0.3 parses every reply into a list of
        // messages that only execProtocol empties; through execProtocolRaw that list grew
        // by every row ever returned (~3 MB of heap per 16k-row read, never freed).
        const { data: reply } = await db.execProtocol(new Uint8Array(message.buffer, message.byteOffset, message.length), { throwOnError: false });
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
