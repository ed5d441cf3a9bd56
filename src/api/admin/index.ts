// The admin protocol: the loopback-only API a second `pricekeep` process uses while this
// server holds the embedded data directory (keys, track, import, export, db, run-once,
// status… any command marked viaServer in src/cli). Encapsulated: its guard (loopback peer
// + bearer secret) and error shape apply only to its own routes under /admin/.
import type { FastifyInstance } from 'fastify';
import { pathOf, type ApiProtocol, type ClaimableRequest } from '../protocol.js';
import { adminGuard } from './guard.js';
import { adminErrorBody, sendAdminError } from './reply.js';
import { cliRoutes } from './routes/cli.js';

/** Every route of the admin protocol. */
export const ADMIN_ROUTES = [cliRoutes];

function claims(request: ClaimableRequest): boolean {
  return /^\/admin(\/|$)/.test(pathOf(request.url));
}

async function adminPlugin(app: FastifyInstance): Promise<void> {
  app.addHook('onRequest', adminGuard);
  app.setErrorHandler(async (error: { statusCode?: number; message: string; validation?: unknown }, request, reply) => {
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) request.log.error({ err: error }, 'admin API error');
    return sendAdminError(reply, status, error.validation ? 'invalid_body' : status === 500 ? 'internal_error' : 'bad_request',
      status === 500 ? 'internal error' : error.message);
  });
  for (const routes of ADMIN_ROUTES) await app.register(routes);
}

export const adminProtocol: ApiProtocol = {
  name: 'admin',
  plugin: adminPlugin,
  claims,
  notFound: async (request, reply) => sendAdminError(reply, 404, 'not_found', `No such admin endpoint: ${request.method} ${pathOf(request.url)}.`),
  rootError: async (error, _request, reply) => {
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 400;
    return sendAdminError(reply, status, 'bad_request', error.message);
  },
  rawError: (_status, message) => ({ contentType: 'application/json; charset=utf-8', body: adminErrorBody('bad_request', message) }),
};
