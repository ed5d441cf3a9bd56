// A scriptable local HTTP server for the scraper tests (loopback, port 0): each request is
// answered by the next step of a script — a page, a status with headers, a delay, a reset —
// and every request is recorded with its arrival time and headers.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { listenLoopback } from './loopback-http.js';

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
  let inFlight = 0;
  let maxInFlight = 0;
  const { url, close } = await listenLoopback(async (req, res) => {
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
  return { url, requests, maxInFlight: () => maxInFlight, close };
}
