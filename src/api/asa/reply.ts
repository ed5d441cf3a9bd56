// ASA's error body on every failure: {"error","message","docs_url","request_id"} (plus
// `params` for 501), with Asa-Cost: 0 and Retry-After where ASA sends one. An admitted
// request that fails is settled here: its lease is freed and nothing is charged.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { settle } from './admission.js';
import { asAsaError } from './errors.js';
import { asaState } from './state.js';

/** The docs_url of an error: its row in the README's ASA error table (an `asa-error-<code>` anchor). */
export function docsUrl(base: string, code: string): string {
  return `${base}#asa-error-${code}`;
}

export async function sendAsaError(request: FastifyRequest, reply: FastifyReply, cause: unknown): Promise<FastifyReply> {
  const state = asaState(request, reply);
  const error = asAsaError(cause);
  if (error.code === 'internal_error') request.log.error({ err: cause }, 'request failed');
  else if (error.code === 'capacity') request.log.warn({ err: { message: (cause as Error)?.message } }, 'ASA request refused: capacity');
  await settle(request, 0, false).catch((settleError: unknown) => request.log.error({ err: settleError }, 'settling a failed request failed'));
  const body: Record<string, unknown> = {
    error: error.code,
    message: error.message,
    docs_url: docsUrl(request.server.pricekeep.config.asa.docsUrl, error.code),
    request_id: state.requestId,
  };
  if (error.extra.params) body.params = error.extra.params;
  if (error.extra.retryAfter) reply.header('retry-after', String(error.extra.retryAfter));
  reply.header('asa-cost', '0');
  return reply.code(error.status).type('application/json; charset=utf-8').send(JSON.stringify(body));
}
