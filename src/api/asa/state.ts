// Per-request state of the ASA protocol: the request id every body and log line carries,
// the key's admission (its lease must be settled exactly once) and whether it was.
import { randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Admission } from '../../store/asa-admission.js';

export interface AsaRequestState {
  readonly requestId: string;
  admission: Admission | null;
  settled: boolean;
}

export function newRequestId(): string {
  return `req_${randomBytes(8).toString('hex')}`;
}

/**
 * The request's ASA state, created on first use: in the plugin's onRequest hook, or by the
 * root's not-found and error paths for requests that never reached a route. The request's
 * logger (and the reply's, which writes "request completed") gets the request_id.
 */
export function asaState(request: FastifyRequest, reply?: FastifyReply): AsaRequestState {
  if (!request.asa) {
    request.asa = { requestId: newRequestId(), admission: null, settled: false };
    request.log = request.log.child({ request_id: request.asa.requestId });
    if (reply) reply.log = request.log;
  }
  return request.asa;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Use asaState(request): unset until the first use. */
    asa?: AsaRequestState;
  }
}
