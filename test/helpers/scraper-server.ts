// A scriptable local HTTP server for the scraper tests (loopback, port 0): each request is
// answered by the next step of a script — a page, a status with headers, a delay, a reset —
// and every request is recorded with its arrival time and headers.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface RecordedRequest {
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  /** performance.now() at arrival. */
  readonly at: number;
}

export type Step =
  | { readonly status?: number; readonly body?: string | Buffer; readonly headers?: Record<string, string | string[]>; readonly delayMs?: number }
  | { readonly reset: true }
  | ((req: IncomingMessage, res: ServerResponse) => void | Promise<void>);

export interface ScriptedServer {
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** Highest number of requests being answered at the same time. */
  readonly maxInFlight: () => number;
  close(): Promise<void>;
}

/** Serves `steps` in order; after the last one, `fallback` (or the last step) repeats. */
export async function scriptedServer(steps: readonly Step[], fallback?: Step): Promise<ScriptedServer> {
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  let inFlight = 0;
  let maxInFlight = 0;
  const server: Server = createServer(async (req, res) => {
    const index = requests.length;
    requests.push({ path: req.url ?? '', headers: req.headers, at: performance.now() });
    const step = steps[index] ?? fallback ?? steps[steps.length - 1];
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    res.on('close', () => inFlight--);
    if (typeof step === 'function') return step(req, res);
    if ('reset' in step) {
      req.socket.destroy();
      return;
    }
    if (step.delayMs) await new Promise((r) => setTimeout(r, step.delayMs));
    if (res.destroyed) return;
    res.writeHead(step.status ?? 200, { 'content-type': 'text/html; charset=utf-8', ...step.headers });
    res.end(step.body ?? '');
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    maxInFlight: () => maxInFlight,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
