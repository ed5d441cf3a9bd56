// ASA auth and rate limits at the edge: the Bearer key, its admission (credits reserved,
// a concurrency lease, a token from the RPS bucket, all in the database so every API
// process shares them), and the settlement that frees the lease and charges a success.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { hashAsaKey, isWellFormedAsaKey } from '../../asa/key-format.js';
import { admitAsaRequest, settleAsaRequest, type Admission } from '../../store/asa-admission.js';
import { findAsaKey } from '../../store/asa-keys.js';
import { AsaApiError } from './errors.js';
import { asaState } from './state.js';

function bearerKeyHash(request: FastifyRequest): string {
  const header = request.headers.authorization;
  if (typeof header !== 'string' || header.trim() === '') {
    throw new AsaApiError('unauthorized', 'missing Authorization header: send "Authorization: Bearer asa_live_…"');
  }
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header.trim());
  if (!match) throw new AsaApiError('unauthorized', 'malformed Authorization header: expected "Bearer asa_live_…"');
  if (!isWellFormedAsaKey(match[1]!)) throw new AsaApiError('unauthorized', 'not an ASA key (keys start with asa_live_)');
  return hashAsaKey(match[1]!);
}

/** For requests refused before admission (bad parameters): a bad key still outranks them. */
export async function checkKey(request: FastifyRequest): Promise<void> {
  const key = await findAsaKey(request.server.pricekeep.store.db, bearerKeyHash(request));
  if (!key) throw new AsaApiError('unauthorized', 'unknown API key');
  if (key.revoked) throw new AsaApiError('revoked', `API key ${key.keyPrefix}… was revoked`);
}

/**
 * Authenticates and admits the request, reserving `cost` credits; throws the refusal.
 * `marketplaces`: the TLDs the request would scrape (a key may be limited to some).
 */
export async function admit(request: FastifyRequest, reply: FastifyReply, cost: number, marketplaces: readonly string[] = []): Promise<Admission> {
  const keyHash = bearerKeyHash(request);
  const state = asaState(request);
  const { store, clock, config } = request.server.pricekeep;
  const admission = await admitAsaRequest(store.pool, { keyHash, requestId: state.requestId, nowMs: clock(), cost, leaseMs: config.asa.leaseMs, marketplaces });
  if (admission.keyPrefix) {
    request.log = request.log.child({ key: `${admission.keyPrefix}…` });
    reply.log = request.log;
  }
  switch (admission.outcome) {
    case 'admitted':
      state.admission = admission;
      rateHeaders(reply, admission);
      return admission;
    case 'unauthorized':
      throw new AsaApiError('unauthorized', 'unknown API key');
    case 'revoked':
      throw new AsaApiError('revoked', `API key ${admission.keyPrefix}… was revoked`);
    case 'forbidden_region':
      throw new AsaApiError('forbidden_region',
        `key ${admission.keyPrefix}… may scrape ${admission.allowed!.join(', ')} only, not ${admission.denied.join(', ')}: ` +
          'its egress is limited to those marketplaces (ask the operator for a key that covers them, or drop them from the request)');
    case 'insufficient_credits':
      throw new AsaApiError('insufficient_credits', `this request needs ${cost} credits and the workspace has ${admission.available} available; add credits with \`pricekeep asa-keys add-credits\``);
    case 'concurrency':
      rateHeaders(reply, admission);
      throw new AsaApiError('rate_limited', `exceeded the concurrency ceiling (${admission.concurrency} in flight) for key ${admission.keyPrefix}…`, { retryAfter: admission.retryAfter });
    case 'rps':
      rateHeaders(reply, admission);
      throw new AsaApiError('rate_limited', `exceeded sustained RPS (${admission.rps}) for key ${admission.keyPrefix}…`, { retryAfter: admission.retryAfter });
  }
}

function rateHeaders(reply: FastifyReply, admission: Admission): void {
  reply.header('asa-concurrency', `${admission.inFlight}/${admission.concurrency}`);
  reply.header('asa-rps', `${admission.rpsNow}/${admission.rps}`);
}

/**
 * Ends an admitted request once: frees its concurrency lease and charges `charge` credits
 * (0 for anything but a 2xx). Returns the credits charged; 0 when there was nothing to settle.
 */
export async function settle(request: FastifyRequest, charge: number, ok: boolean): Promise<number> {
  const state = asaState(request);
  if (!state.admission || state.settled) return 0;
  state.settled = true;
  const { store, clock } = request.server.pricekeep;
  return settleAsaRequest(store.pool, {
    requestId: state.requestId, keyId: state.admission.keyId!, charge, ok, nowMs: clock(), note: `${request.method} ${request.routeOptions.url ?? ''}`,
  });
}
