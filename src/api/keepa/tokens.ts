// Key authentication and token charging for Keepa-style routes. Reusable by any route:
// call `chargeTokens(request, cost)` once the request is validated (or use the
// `tokenGate(cost)` preHandler for a fixed cost), then answer with `sendKeepa`.
// Policy: validate first, then charge atomically at submission (Keepa's rule: the request
// runs while the balance is positive); extras that depend on the data are added with
// `chargeMore`; an error after the charge is refunded by the error handler, so no error
// ever costs tokens.
import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { retryAfterMs } from '../../keepa/envelope.js';
import { effectiveRefillRate } from '../../alerts/token-flow.js';
import { tokenLeasesOf } from './token-leases.js';
import { RecentValues } from '../recent-values.js';
import { hashApiKey, isWellFormedApiKey } from '../../auth/api-key.js';
import { keepaState } from './state.js';
import { ApiError, invalidKey } from './errors.js';

// SHA-256 of a key costs ~20 µs, a fifth of a cached /product answer.
const keyHashes = new RecentValues<string>();

function keyHashOf(request: FastifyRequest): string | null {
  const state = keepaState(request);
  if (state.keyHash) return state.keyHash;
  const key = (request.query as Record<string, unknown> | undefined)?.key;
  if (!isWellFormedApiKey(key)) return null;
  state.keyHash = keyHashes.get(key, () => hashApiKey(key));
  return state.keyHash;
}

/**
 * Authenticates `?key=` and charges `cost`: in one atomic statement, or from this
 * process's lease of the key's tokens when it holds enough (token-leases.ts). Throws 400 invalidKey
 * for a missing, malformed, unknown or revoked key and 429 when the balance is not
 * positive (nothing is charged then).
 */
export async function chargeTokens(request: FastifyRequest, cost: number): Promise<void> {
  const keyHash = keyHashOf(request);
  if (!keyHash) throw invalidKey();
  const context = request.server.pricekeep;
  const now = context.clock();
  const admission = await tokenLeasesOf(context, request.server.log).admit(keyHash, cost);
  if (!admission) throw invalidKey();
  const state = keepaState(request);
  state.bucket = admission.bucket;
  const row = admission.bucket;
  if (!admission.admitted) {
    const waitMs = retryAfterMs(row.tokensLeft, effectiveRefillRate(row.refillRate, row.flowReduction), row.refilledAt, now);
    throw new ApiError('not_enough_tokens', 'Not enough tokens.', waitMs === null
      ? `Tokens left: ${row.tokensLeft}. The key's trackings take its whole refill rate (tokenFlowReduction ${row.flowReduction.toFixed(2)} of ${row.refillRate}/min): remove trackings or raise the rate.`
      : `Tokens left: ${row.tokensLeft}. Retry in ${waitMs} ms.`);
  }
  state.consumed += cost;
}

/** Charges `delta` more (or refunds, when negative) to an admitted request. */
export async function chargeMore(request: FastifyRequest, delta: number): Promise<void> {
  const state = keepaState(request);
  const bucket = state.bucket;
  if (delta === 0 || !bucket) return;
  const row = await tokenLeasesOf(request.server.pricekeep, request.server.log).adjust(bucket.keyId, delta);
  if (!row) return;
  state.bucket = { ...bucket, tokensLeft: row.tokensLeft, refilledAt: row.refilledAt };
  state.consumed += delta;
}

/** Gives back everything this request was charged (it ended in an error). */
export async function refundTokens(request: FastifyRequest): Promise<void> {
  const consumed = keepaState(request).consumed;
  if (consumed > 0) await chargeMore(request, -consumed);
}

/**
 * For an error answered before any charge: the key's bucket for the envelope, read with
 * refill applied and nothing charged. False when the key is not a valid one.
 */
export async function loadBucket(request: FastifyRequest): Promise<boolean> {
  if (keepaState(request).bucket) return true;
  const keyHash = keyHashOf(request);
  if (!keyHash) return false;
  try {
    await chargeTokens(request, 0);
  } catch (error) {
    if (error instanceof ApiError && error.code === 'not_enough_tokens') return true;
    if (error instanceof ApiError && error.code === 'invalid_key') return false;
    throw error;
  }
  return true;
}

/** preHandler charging a fixed cost, for routes whose cost does not depend on their answer. */
export function tokenGate(cost: number): preHandlerAsyncHookHandler {
  return async (request: FastifyRequest, _reply: FastifyReply) => {
    await chargeTokens(request, cost);
  };
}
