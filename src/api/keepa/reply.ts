// Answers in Keepa's envelope: successes via `sendKeepa`, every error (ours, fastify's,
// unknown routes, the database being down) via `sendKeepaError`.
import { performance } from 'node:perf_hooks';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { keepaEnvelope, retryAfterMs, type KeepaError } from '../../keepa/envelope.js';
import { effectiveRefillRate, FLOW_REFRESH_MS } from '../../alerts/token-flow.js';
import { isDatabaseUnavailable } from '../../store/index.js';
import { keepaState } from './state.js';
import { ApiError, invalidKey, unavailable, UNAVAILABLE_RETRY_AFTER_S } from './errors.js';
import { loadBucket, refundTokens } from './tokens.js';
import { SplicePart, spliceGzip } from '../../products/gzip-splice.js';
import { acceptsGzip } from '../accept-encoding.js';

const JSON_TYPE = 'application/json; charset=utf-8';

function envelopeOf(request: FastifyRequest, error?: KeepaError) {
  const { bucket, consumed, startedAt } = keepaState(request);
  return keepaEnvelope(bucket, consumed, request.server.pricekeep.clock(), performance.now() - startedAt, error);
}

/** Sends `body` inside the envelope, serialised once. */
export function sendKeepa(request: FastifyRequest, reply: FastifyReply, body: Record<string, unknown> = {}, status = 200): FastifyReply {
  const payload = JSON.stringify({ ...envelopeOf(request), ...body });
  return reply.code(status).type(JSON_TYPE).send(payload);
}

const PRODUCTS_OPEN = new SplicePart(Buffer.from('{"products":['));
const COMMA = new SplicePart(Buffer.from(','));

/**
 * Sends the cached product JSON inside a fresh envelope without serialising it again: the
 * products come first and the per-request envelope after them, so that a client accepting
 * gzip gets the products' cached deflate bytes spliced with the envelope (gzip-splice.ts).
 */
export function sendKeepaProducts(request: FastifyRequest, reply: FastifyReply, products: readonly SplicePart[]): FastifyReply {
  const envelope = JSON.stringify(envelopeOf(request));
  const tail = Buffer.from(`],${envelope.slice(1)}`);
  const parts: SplicePart[] = [PRODUCTS_OPEN];
  products.forEach((product, i) => parts.push(...(i > 0 ? [COMMA, product] : [product])));
  reply.code(200).type(JSON_TYPE);
  // The compress plugin would gzip the whole body again; x-no-compression is its opt-out.
  if (acceptsGzip(request.headers['accept-encoding']) && request.headers['x-no-compression'] === undefined) {
    reply.header('content-encoding', 'gzip').header('vary', 'accept-encoding');
    return sendChunks(request, reply, spliceGzip(parts, tail));
  }
  // Only where no compress plugin would act (no gzip asked for, or its opt-out): a client
  // asking for deflate alone gets the whole body through the plugin.
  if (request.headers['accept-encoding'] !== undefined && request.headers['x-no-compression'] === undefined) {
    return reply.send(Buffer.concat([...parts.map((part) => part.bytes), tail]));
  }
  return sendChunks(request, reply, [...parts.map((part) => part.bytes), tail]);
}

/**
 * Writes `chunks` as the body in one writev, without joining them: a cached product's
 * bytes are sent from the cache itself (a copy of ~70 kB per answer cost more than the
 * rest of a cached answer). fastify's onSend hooks do not run for it: callers apply what
 * they would (content encoding) first; its onResponse hooks and logging still do.
 */
function sendChunks(request: FastifyRequest, reply: FastifyReply, chunks: Buffer[]): FastifyReply {
  if (request.method !== 'GET') return reply.send(Buffer.concat(chunks)); // HEAD: fastify leaves the body out
  let length = 0;
  for (const chunk of chunks) length += chunk.length;
  reply.header('content-length', length);
  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(reply.statusCode, reply.getHeaders() as Record<string, string | number | string[]>);
  raw.cork();
  for (let i = 0; i < chunks.length - 1; i++) raw.write(chunks[i]);
  raw.end(chunks[chunks.length - 1]);
  raw.uncork();
  return reply;
}

/** fastify's own rejections and the database's failures, as catalogue errors. */
export function asApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (isDatabaseUnavailable(error)) return unavailable();
  const fastifyError = error as FastifyError;
  const status = fastifyError.statusCode;
  if (status === 414) return new ApiError('uri_too_long', (error as Error).message);
  if (status === 413 || fastifyError.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return new ApiError('payload_too_large', 'Request body too large.', (error as Error).message);
  }
  if (typeof status === 'number' && status >= 400 && status < 500) {
    // Bad URL encoding, unsupported media type, malformed JSON body…: a malformed request.
    return new ApiError('invalid_parameter', (error as Error).message);
  }
  return new ApiError('internal', 'Internal server error.', null);
}

export async function sendKeepaError(request: FastifyRequest, reply: FastifyReply, cause: unknown): Promise<FastifyReply> {
  let error = asApiError(cause);
  if (error.code === 'internal') request.log.error({ err: cause }, 'request failed');
  if (error.code === 'unavailable') request.log.warn({ err: { message: (cause as Error)?.message } }, 'database unavailable');
  // Nothing is charged for an answer that is an error.
  if (error.code !== 'not_enough_tokens') {
    await refundTokens(request).catch((refundError) => request.log.error({ err: refundError }, 'token refund failed'));
  }
  if (error.code === 'invalid_key') {
    keepaState(request).bucket = null;
  } else if (error.code !== 'not_found' && error.code !== 'unavailable') {
    // The envelope reports the key's bucket; a bad key outranks any other complaint. An
    // unknown route says so whatever the key (and costs no database round trip); when the
    // database cannot be asked the key is not judged at all.
    const valid = await loadBucket(request).catch((lookupError: unknown) => {
      if (isDatabaseUnavailable(lookupError)) error = unavailable();
      return true;
    });
    if (!valid) {
      error = invalidKey();
      keepaState(request).bucket = null;
    }
  }
  const { bucket } = keepaState(request);
  if (error.code === 'not_enough_tokens' && bucket) {
    const rate = effectiveRefillRate(bucket.refillRate, bucket.flowReduction);
    // With no refill left, the earliest change is the next token-flow refresh.
    const waitMs = retryAfterMs(bucket.tokensLeft, rate, bucket.refilledAt, request.server.pricekeep.clock()) ?? FLOW_REFRESH_MS;
    reply.header('retry-after', String(Math.ceil(waitMs / 1000)));
  }
  if (error.code === 'unavailable') reply.header('retry-after', String(UNAVAILABLE_RETRY_AFTER_S));
  const payload = JSON.stringify(envelopeOf(request, error.toKeepa()));
  return reply.code(error.status).type(JSON_TYPE).send(payload);
}

/** The envelope for an error answered on a bare socket (no request object, no key). */
export function rawKeepaError(code: 'invalid_parameter' | 'uri_too_long', message: string, nowMs: number): string {
  return JSON.stringify(keepaEnvelope(null, 0, nowMs, 0, new ApiError(code, message).toKeepa()));
}
