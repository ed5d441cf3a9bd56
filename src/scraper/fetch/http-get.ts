// One HTTP GET through undici: keep-alive pools per origin (one Agent, or one ProxyAgent
// per proxy), redirects followed by hand so the final URL is known, bodies decompressed
// and decoded, and every network failure turned into ASA's code for it.
import { scrapeError, type ScrapeError } from '../errors.js';
import { Agent, ProxyAgent, errors, request, type Dispatcher } from 'undici';
import type { CookieJar } from './cookie-jar.js';
import { BodyTooLarge, readBody } from './read-body.js';

export interface HttpResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
  /** URL of the last response, after redirects. */
  readonly url: string;
}

/** A failure to get a usable response (network, timeout, oversized body), already mapped to its ASA code. */
export class HttpFailure extends Error {
  override readonly name = 'HttpFailure';
  constructor(
    readonly error: ScrapeError,
    options?: { cause?: unknown },
    /** Status of the response whose body failed, when one arrived. */
    readonly status: number | null = null,
  ) {
    super(error.message, options);
  }
}

/** Default cap on a decoded body: well above any real Amazon page (the largest saved one is 2.6 MB). */
export const DEFAULT_MAX_BODY_BYTES = 8 * 1024 * 1024;

export interface DispatcherPoolOptions {
  readonly connectionsPerOrigin: number;
  readonly connectTimeoutMs: number;
}

/** Keep-alive dispatchers: one for direct connections, one per proxy, created on first use. */
export class DispatcherPool {
  private readonly dispatchers = new Map<string, Dispatcher>();

  constructor(private readonly options: DispatcherPoolOptions) {}

  get(proxy: string | null): Dispatcher {
    const key = proxy ?? '';
    let dispatcher = this.dispatchers.get(key);
    if (!dispatcher) {
      const common = {
        connections: this.options.connectionsPerOrigin,
        keepAliveTimeout: 30_000,
        keepAliveMaxTimeout: 120_000,
        connect: { timeout: this.options.connectTimeoutMs },
      };
      dispatcher = proxy ? new ProxyAgent({ uri: proxy, ...common }) : new Agent(common);
      this.dispatchers.set(key, dispatcher);
    }
    return dispatcher;
  }

  async close(): Promise<void> {
    const all = [...this.dispatchers.values()];
    this.dispatchers.clear();
    await Promise.all(all.map((d) => d.close().catch(() => d.destroy())));
  }
}

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT', 'ETIMEDOUT']);

/** ASA's code for a thrown network error; `timedOut` tells our own attempt deadline apart. */
export function networkError(cause: unknown, timedOut: boolean, timeoutMs: number): ScrapeError {
  const code = (cause as { code?: string })?.code ?? '';
  const message = (cause as Error)?.message ?? String(cause);
  if (timedOut || TIMEOUT_CODES.has(code) || cause instanceof errors.HeadersTimeoutError || cause instanceof errors.BodyTimeoutError) {
    return scrapeError('upstream_timeout', `no complete answer within ${timeoutMs} ms (${code || message})`);
  }
  return scrapeError('target_unreachable', `network error: ${code ? `${code} ` : ''}${message}`);
}

function decodeBody(buffer: Buffer, contentType: string | undefined): string {
  const charset = /charset=["']?([\w-]+)/i.exec(contentType ?? '')?.[1]?.toLowerCase() ?? 'utf-8';
  try {
    return new TextDecoder(charset).decode(buffer);
  } catch {
    return new TextDecoder('utf-8').decode(buffer);
  }
}

export interface GetOptions {
  readonly dispatcher: Dispatcher;
  readonly headers: Record<string, string>;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
  readonly cookies?: CookieJar;
  readonly maxRedirects?: number;
  /** Decoded bytes read at most; a longer body fails as extraction_failed (default 8 MiB). */
  readonly maxBodyBytes?: number;
}

/**
 * GET `url`. Resolves with any HTTP status (classifying is the caller's job); rejects with
 * HttpFailure for network errors, timeouts and bodies over the cap, or with the caller's
 * abort reason.
 */
export async function httpGet(url: string, options: GetOptions): Promise<HttpResponse> {
  const deadline = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  let current = url;
  let status: number | null = null;
  try {
    for (let hop = 0; ; hop++) {
      const host = new URL(current).host;
      const cookie = options.cookies?.header(host);
      const res = await request(current, {
        method: 'GET',
        dispatcher: options.dispatcher,
        headers: cookie ? { ...options.headers, cookie } : options.headers,
        signal,
        headersTimeout: options.timeoutMs,
        bodyTimeout: options.timeoutMs,
      });
      options.cookies?.store(host, res.headers['set-cookie']);
      const location = res.headers.location;
      if (res.statusCode >= 300 && res.statusCode < 400 && location && hop < (options.maxRedirects ?? 5)) {
        await res.body.dump();
        current = new URL(Array.isArray(location) ? location[0] : location, current).toString();
        continue;
      }
      status = res.statusCode;
      const encoding = String(res.headers['content-encoding'] ?? '').toLowerCase().trim();
      const body = await readBody(res.body, encoding, maxBodyBytes, Number(res.headers['content-length'] ?? NaN));
      return { status: res.statusCode, headers: res.headers, body: decodeBody(body, res.headers['content-type'] as string | undefined), url: current };
    }
  } catch (error) {
    if (options.signal?.aborted) throw options.signal.reason;
    // Not a network failure: the same URL would send the same oversized body again.
    if (error instanceof BodyTooLarge) throw new HttpFailure(scrapeError('extraction_failed', error.message), { cause: error }, status);
    throw new HttpFailure(networkError(error, deadline.aborted, options.timeoutMs), { cause: error }, status);
  }
}
