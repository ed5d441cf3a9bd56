// GET /status: the scheduler's queue and recent scrape health, for operators.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isDatabaseUnavailable, trackingStatus } from '../../store/index.js';

async function handleStatus(request: FastifyRequest, reply: FastifyReply) {
  let status;
  try {
    status = await trackingStatus(request.server.pricekeep.store);
  } catch (error) {
    if (!isDatabaseUnavailable(error)) throw error;
    request.log.warn({ err: { message: (error as Error).message } }, 'status: database unavailable');
    return reply.code(503).header('retry-after', '5').send({ error: 'database unavailable' });
  }
  return reply.send({ queue: { tracked: status.tracked, active: status.active, inactive: status.inactive, due: status.due, leased: status.leased },
    lastHour: status.lastHour, lastDay: status.lastDay, errorsByCode: status.errorsByCode });
}

export async function statusRoutes(app: FastifyInstance): Promise<void> {
  app.get('/status', {
    schema: { summary: 'Scheduler queue depth, success rate and errors by ASA code (last 24 h)', tags: ['tracking'] },
    handler: handleStatus,
  });
}
