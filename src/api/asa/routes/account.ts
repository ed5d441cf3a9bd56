// GET /api/v1/account: the key's workspace, its credit balance (and what requests in
// flight hold), its keys and their usage per UTC day. Costs no credits.
import type { FastifyInstance } from 'fastify';
import { asaAccount } from '../../../store/asa-admission.js';
import { listAsaKeys } from '../../../store/asa-keys.js';
import { admit, settle } from '../admission.js';
import { AsaApiError } from '../errors.js';
import { asaState } from '../state.js';

export async function accountRoutes(app: FastifyInstance): Promise<void> {
  app.get('/api/v1/account', async (request, reply) => {
    const admission = await admit(request, reply, 0);
    const { store, clock } = request.server.pricekeep;
    const account = await asaAccount(store.pool, admission.workspaceId!, clock());
    if (!account) throw new AsaApiError('internal_error', 'the key has no workspace');
    const keys = await listAsaKeys(store.db, { includeRevoked: true, workspaceId: admission.workspaceId! });
    const prefixOf = new Map(keys.map((k) => [k.id, k.keyPrefix]));
    await settle(request, 0, true);
    reply.header('asa-cost', '0');
    return {
      workspace: account.workspace,
      balance: account.balance,
      reserved: account.reserved,
      available: account.balance - account.reserved,
      keys: keys.map((k) => ({
        id: k.id, name: k.name, prefix: k.keyPrefix, plan: k.plan, concurrency: k.limits.concurrency, rps: k.limits.rps,
        burst: k.limits.burst, created_at: k.createdAt.toISOString(), revoked_at: k.revokedAt?.toISOString() ?? null,
      })),
      usage: account.usage.map((u) => ({
        key_id: u.keyId, key_prefix: prefixOf.get(u.keyId) ?? null, day: u.day, requests: u.requests,
        successes: u.successes, refused: u.refused, credits: u.credits,
      })),
      request_id: asaState(request).requestId,
    };
  });
}
