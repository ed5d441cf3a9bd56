// Who may use the admin API: only a peer on the loopback interface (the CLI on this
// machine; a proxy in front of the server never makes a remote peer look local because
// the socket's own address is checked, not a forwarded header), and only with the bearer
// secret the server published in its data directory (readable by its owner alone).
import { timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendAdminError } from './reply.js';

export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return v4.startsWith('127.') || address === '::1';
}

function secretMatches(header: string | undefined, secret: string): boolean {
  const match = /^Bearer ([0-9a-f]{64})$/.exec(header ?? '');
  if (!match) return false;
  return timingSafeEqual(Buffer.from(match[1]!), Buffer.from(secret));
}

export async function adminGuard(request: FastifyRequest, reply: FastifyReply): Promise<unknown> {
  const admin = request.server.pricekeep.admin;
  if (!admin) return sendAdminError(reply, 404, 'not_enabled', 'the admin API runs only in a server holding an embedded data directory');
  if (!isLoopback(request.socket.remoteAddress)) {
    request.log.warn({ peer: request.socket.remoteAddress }, 'admin API: non-loopback peer refused');
    return sendAdminError(reply, 403, 'not_loopback', 'the admin API answers only on the loopback interface');
  }
  if (!secretMatches(request.headers.authorization, admin.secret)) {
    return sendAdminError(reply, 401, 'unauthorized', 'missing or wrong admin secret (see server.json in the data directory)');
  }
  return undefined;
}
