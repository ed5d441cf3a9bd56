// The per-request Keepa state (key, bucket, tokens consumed) that the envelope is built from.
import { performance } from 'node:perf_hooks';
import type { TokenSnapshot } from '../../keepa/envelope.js';

export interface KeyBucket extends TokenSnapshot {
  readonly keyId: number;
  readonly keyName: string;
}

export interface KeepaRequestState {
  /** performance.now() at arrival, for processingTimeInMs (real time even under a test clock). */
  readonly startedAt: number;
  /** SHA-256 of a well-formed `key`, once read. */
  keyHash: string | null;
  /** The key's bucket as last seen in the database (null: no valid key yet). */
  bucket: KeyBucket | null;
  /** Tokens charged to this request so far (refunded if it ends in an error). */
  consumed: number;
}

/** The request's Keepa state, created on first use (also for requests failing before hooks). */
export function keepaState(request: { keepa?: KeepaRequestState | null }): KeepaRequestState {
  request.keepa ??= { startedAt: performance.now(), keyHash: null, bucket: null, consumed: 0 };
  return request.keepa;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Use keepaState(request): unset until the first use. */
    keepa?: KeepaRequestState | null;
  }
}
