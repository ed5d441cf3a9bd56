// An HTTP server on loopback (port 0) for tests: its URL, and a close that ends every
// connection, idle keep-alive sockets and requests that will never be answered alike, so
// that no test waits on a socket it left open.
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LoopbackHttp {
  readonly server: Server;
  /** http://127.0.0.1:PORT, no trailing slash. */
  readonly url: string;
  close(): Promise<void>;
}

export async function listenLoopback(handler: RequestListener): Promise<LoopbackHttp> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    server,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve()); // stop accepting first, then end what is open
        server.closeAllConnections();
      }),
  };
}
