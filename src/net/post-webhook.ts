// One outbound webhook POST, guarded against SSRF at connection time: the URL is checked
// again (scheme, literal address), and a host name is resolved by our own lookup, which
// refuses the connection when any answer is refused and otherwise hands exactly the
// checked addresses to the socket. No second resolution happens between check and
// connect, so a DNS answer that changes (rebinding) cannot slip a private address in.
// Redirects are not followed (a 3xx is a failed delivery), the response is read up to
// 64 kB, connecting may take 5 s and the whole exchange 10 s.
import type { LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { Agent, request } from 'undici';
import { checkAddresses, hostOf, parseWebhookUrl, resolveChecked, type Resolver, type WebhookUrlFailure } from './webhook-url.js';

export const CONNECT_TIMEOUT_MS = 5_000;
export const TOTAL_TIMEOUT_MS = 10_000;
export const MAX_RESPONSE_BYTES = 64 * 1024;
const USER_AGENT = 'pricekeep-webhook/1';

export interface PostWebhookOptions {
  readonly allowPrivate: boolean;
  /** Host name resolution (tests inject answers); default the system resolver. */
  readonly resolve?: Resolver;
  /** Overrides for tests of the timeouts themselves. */
  readonly connectTimeoutMs?: number;
  readonly totalTimeoutMs?: number;
}

export type WebhookFailureCode = WebhookUrlFailure | 'connect_timeout' | 'timeout' | 'connection_failed' | 'redirect' | 'http_status';

export type WebhookOutcome =
  | { readonly ok: true; readonly status: number; readonly body: string; readonly durationMs: number }
  | {
      readonly ok: false;
      readonly code: WebhookFailureCode;
      readonly message: string;
      readonly status: number | null;
      readonly body: string | null;
      /** false for refusals of the URL itself: the same URL would be refused again. */
      readonly retryable: boolean;
      readonly durationMs: number;
    };

class RefusedTarget extends Error {
  constructor(
    readonly code: WebhookUrlFailure,
    message: string,
  ) {
    super(message);
  }
}

function guardedLookup(options: PostWebhookOptions): LookupFunction {
  return ((hostname: string, lookupOptions: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    resolveChecked(hostname, options).then(
      (result) => {
        if (!result.ok) return callback(new RefusedTarget(result.code, result.message));
        const addresses: LookupAddress[] = result.addresses.map((a) => ({ address: a.address, family: a.family }));
        if (lookupOptions.all) callback(null, addresses);
        else callback(null, addresses[0]!.address, addresses[0]!.family);
      },
      (error: unknown) => callback(error),
    );
  }) as unknown as LookupFunction;
}

const agents = new Map<string, Agent>();

function agentFor(options: PostWebhookOptions): Agent {
  // One pool per policy; a test resolver gets a pool of its own (never shared with real DNS).
  const id = `${options.allowPrivate}|${options.connectTimeoutMs ?? CONNECT_TIMEOUT_MS}`;
  if (options.resolve) return newAgent(options);
  let agent = agents.get(id);
  if (!agent) agents.set(id, (agent = newAgent(options)));
  return agent;
}

function newAgent(options: PostWebhookOptions): Agent {
  return new Agent({
    connect: { timeout: options.connectTimeoutMs ?? CONNECT_TIMEOUT_MS, lookup: guardedLookup(options) },
    keepAliveTimeout: 4_000,
    connections: 16,
  });
}

async function readCapped(body: AsyncIterable<Buffer> & { destroy(): void }): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const room = MAX_RESPONSE_BYTES - size;
    chunks.push(chunk.length > room ? chunk.subarray(0, room) : chunk);
    size += Math.min(chunk.length, room);
    if (size >= MAX_RESPONSE_BYTES) {
      body.destroy();
      break;
    }
  }
  return Buffer.concat(chunks).toString('utf8');
}

function failureOf(error: unknown): { code: WebhookFailureCode; message: string; retryable: boolean } {
  let cause: unknown = error;
  for (let depth = 0; cause && depth < 4; depth++) {
    if (cause instanceof RefusedTarget) return { code: cause.code, message: cause.message, retryable: cause.code === 'dns_failed' };
    cause = (cause as { cause?: unknown }).cause;
  }
  const e = error as { code?: string; name?: string; message?: string };
  if (e.code === 'UND_ERR_CONNECT_TIMEOUT') return { code: 'connect_timeout', message: 'connect timed out', retryable: true };
  if (e.name === 'TimeoutError' || e.name === 'AbortError' || e.code === 'UND_ERR_HEADERS_TIMEOUT' || e.code === 'UND_ERR_BODY_TIMEOUT') {
    return { code: 'timeout', message: 'no complete answer in time', retryable: true };
  }
  return { code: 'connection_failed', message: `${e.code ?? e.name ?? 'error'}: ${e.message ?? String(error)}`, retryable: true };
}

/** POSTs `body` to `rawUrl`; 2xx is delivered, anything else a typed failure. Never throws. */
export async function postWebhook(
  rawUrl: string,
  body: string,
  headers: Readonly<Record<string, string>>,
  options: PostWebhookOptions,
): Promise<WebhookOutcome> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const parsed = parseWebhookUrl(rawUrl);
  if (!parsed.ok) return { ok: false, code: parsed.code, message: parsed.message, status: null, body: null, retryable: false, durationMs: elapsed() };
  // An IP literal never reaches the lookup hook: check it here.
  const host = hostOf(parsed.url);
  if (isIP(host) !== 0) {
    const literal = checkAddresses(host, [{ address: host, family: isIP(host) === 6 ? 6 : 4 }], options.allowPrivate);
    if (!literal.ok) return { ok: false, code: literal.code, message: literal.message, status: null, body: null, retryable: false, durationMs: elapsed() };
  }
  const totalTimeoutMs = options.totalTimeoutMs ?? TOTAL_TIMEOUT_MS;
  const agent = agentFor(options);
  try {
    const response = await request(parsed.url, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', 'user-agent': USER_AGENT, ...headers },
      dispatcher: agent,
      signal: AbortSignal.timeout(totalTimeoutMs),
      headersTimeout: totalTimeoutMs,
      bodyTimeout: totalTimeoutMs,
    });
    const text = await readCapped(response.body);
    const status = response.statusCode;
    if (status >= 200 && status < 300) return { ok: true, status, body: text, durationMs: elapsed() };
    if (status >= 300 && status < 400) {
      const location = String(response.headers.location ?? '');
      return { ok: false, code: 'redirect', message: `answered ${status}${location ? ` to ${location.slice(0, 200)}` : ''}; redirects are not followed`, status, body: text, retryable: true, durationMs: elapsed() };
    }
    return { ok: false, code: 'http_status', message: `answered ${status}`, status, body: text, retryable: true, durationMs: elapsed() };
  } catch (error) {
    return { ok: false, ...failureOf(error), status: null, body: null, durationMs: elapsed() };
  } finally {
    if (options.resolve) void agent.close().catch(() => {});
  }
}
