// Answers in Keepa's envelope: successes via `sendKeepa`, every error (ours, fastify's,
// unknown routes) via the error handler installed by `installKeepaErrors`.
import { performance } from 'node:perf_hooks';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { keepaEnvelope, retryAfterMs, type KeepaError } from '../keepa/envelope.js';
import { keepaState } from './context.js';
import { ApiError, invalidKey } from './errors.js';
import { loadBucket, refundTokens } from './tokens.js';

function envelopeOf(request: FastifyRequest, error?: KeepaError) {
  const { bucket, consumed, startedAt } = keepaState(request);
  return keepaEnvelope(bucket, consumed, request.server.pricekeep.clock(), performance.now() - startedAt, error);
}

/** Sends `body` inside the envelope, serialised once. */
export function sendKeepa(request: FastifyRequest, reply: FastifyReply, body: Record<string, unknown> = {}, status = 200): FastifyReply {
  const payload = JSON.stringify({ ...envelopeOf(request), ...body });
  return reply.code(status).type('application/json; charset=utf-8').send(payload);
}

function asApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  const status = (error as FastifyError).statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    // fastify's own rejections (bad URL encoding, unsupported media type…): malformed.
    return new ApiError('invalid_parameter', (error as Error).message);
  }
  return new ApiError('internal', 'Internal server error.', null);
}

export async function sendKeepaError(request: FastifyRequest, reply: FastifyReply, cause: unknown): Promise<FastifyReply> {
  let error = asApiError(cause);
  if (error.code === 'internal') request.log.error({ err: cause }, 'request failed');
  // Nothing is charged for an answer that is an error.
  if (error.code !== 'not_enough_tokens') {
    await refundTokens(request).catch((refundError) => request.log.error({ err: refundError }, 'token refund failed'));
  }
  if (error.code === 'invalid_key') {
    keepaState(request).bucket = null;
  } else {
    // The envelope reports the key's bucket; a bad key outranks any other complaint
    // (except an unknown route, which says so whatever the key).
    const valid = await loadBucket(request).catch(() => false);
    if (!valid && error.code !== 'not_found') {
      error = invalidKey();
      keepaState(request).bucket = null;
    }
  }
  const { bucket } = keepaState(request);
  if (error.code === 'not_enough_tokens' && bucket) {
    const waitMs = retryAfterMs(bucket.tokensLeft, bucket.refillRate, bucket.refilledAt, request.server.pricekeep.clock());
    reply.header('retry-after', String(Math.ceil(waitMs / 1000)));
  }
  const payload = JSON.stringify(envelopeOf(request, error.toKeepa()));
  return reply.code(error.status).type('application/json; charset=utf-8').send(payload);
}

/** Routes every error and every unknown route to a Keepa error answer. */
export function installKeepaErrors(app: FastifyInstance): void {
  app.setErrorHandler(async (error, request, reply) => sendKeepaError(request, reply, error));
  app.setNotFoundHandler(async (request, reply) =>
    sendKeepaError(request, reply, new ApiError('not_found', `No such endpoint: ${request.method} ${request.url.split('?')[0]}.`)),
  );
}
