// A loopback TCP proxy in front of PostgreSQL that can fail the connections of one
// application_name (read from each startup message) the ways a network or a pooler does:
// a blackhole (every byte dropped both ways, no error, no FIN: a silent connection death),
// or a path that forwards everything but async notifications (PgBouncer in transaction mode).
import { connect, createServer, type Server, type Socket } from 'node:net';

export interface PgProxy {
  /** postgres:// URL of `upstream` with its host and port replaced by the proxy's. */
  readonly url: string;
  /** Drops every byte of the affected connections, open and new, while on. */
  blackhole(on: boolean): void;
  /** Drops the NotificationResponse messages ('A') sent to affected connections while on. */
  dropNotifications(on: boolean): void;
  close(): Promise<void>;
}

/** Splits a server-to-client stream into whole messages (type byte + int32 length). */
function messages(onMessage: (type: number, message: Buffer) => void): (chunk: Buffer) => void {
  let pending = Buffer.alloc(0);
  return (chunk) => {
    pending = Buffer.concat([pending, chunk]);
    while (pending.length >= 5) {
      const end = 1 + pending.readInt32BE(1);
      if (pending.length < end) return;
      onMessage(pending[0]!, pending.subarray(0, end));
      pending = pending.subarray(end);
    }
  };
}

/** application_name from a startup message (int32 length, int32 protocol, key\0value\0 pairs). */
function applicationName(startup: Buffer): string | null {
  const fields = startup.subarray(8).toString('utf8').split('\0');
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === 'application_name') return fields[i + 1]!;
  return null;
}

export async function startPgProxy(upstream: string, affects: (applicationName: string | null) => boolean): Promise<PgProxy> {
  const target = new URL(upstream);
  let blackholed = false;
  let notificationsDropped = false;
  const sockets = new Set<Socket>();

  const server: Server = createServer((client) => {
    const backend = connect(Number(target.port || 5432), target.hostname);
    sockets.add(client).add(backend);
    const close = () => {
      client.destroy();
      backend.destroy();
      sockets.delete(client);
      sockets.delete(backend);
    };
    client.on('error', close).on('close', close);
    backend.on('error', close).on('close', close);

    let affected: boolean | null = null; // known once the startup message is in
    let startup = Buffer.alloc(0);
    client.on('data', (chunk: Buffer) => {
      if (affected === null) {
        startup = Buffer.concat([startup, chunk]);
        if (startup.length < 4 || startup.length < startup.readInt32BE(0)) return;
        affected = affects(applicationName(startup));
        chunk = startup;
      }
      if (affected && blackholed) return;
      backend.write(chunk);
    });
    backend.on(
      'data',
      messages((type, message) => {
        if (affected && blackholed) return;
        if (affected && notificationsDropped && type === 0x41) return;
        client.write(message);
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const proxied = new URL(upstream);
  proxied.hostname = '127.0.0.1';
  proxied.port = String((server.address() as { port: number }).port);
  return {
    url: proxied.toString(),
    blackhole: (on) => void (blackholed = on),
    dropNotifications: (on) => void (notificationsDropped = on),
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
