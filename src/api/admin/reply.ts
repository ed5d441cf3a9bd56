// The admin API's error body: {"error": code, "message": …}, JSON, with the HTTP status.
import type { FastifyReply } from 'fastify';

export function adminErrorBody(code: string, message: string): string {
  return JSON.stringify({ error: code, message });
}

export function sendAdminError(reply: FastifyReply, status: number, code: string, message: string): FastifyReply {
  return reply.code(status).type('application/json; charset=utf-8').send(adminErrorBody(code, message));
}
