// GET /token: the envelope alone (the key's bucket, refill applied, nothing charged).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { invalidKey } from '../errors.js';
import { sendKeepa } from '../reply.js';
import { rejectUnknown } from '../query.js';
import { loadBucket } from '../tokens.js';
import { keepaResponseSchema, keyParameter, noValidation } from './schemas.js';

const TOKEN_PARAMETERS: ReadonlySet<string> = new Set(['key']);

async function handleToken(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  if (!(await loadBucket(request))) throw invalidKey();
  rejectUnknown(request.query as Record<string, unknown>, TOKEN_PARAMETERS);
  return sendKeepa(request, reply);
}

export async function tokenRoutes(app: FastifyInstance): Promise<void> {
  app.get('/token', {
    schema: {
      summary: 'Token bucket status (Keepa token request); free',
      querystring: { type: 'object', required: ['key'], properties: keyParameter },
      response: keepaResponseSchema(),
    },
    validatorCompiler: noValidation,
    handler: handleToken,
  });
}
