// GET /status: the scheduler's queue and recent scrape health, for operators.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { statusReport } from '../../products/status-report.js';
import { isDatabaseUnavailable } from '../../store/index.js';

async function handleStatus(request: FastifyRequest, reply: FastifyReply) {
  let report;
  try {
    report = await statusReport(request.server.pricekeep.store);
  } catch (error) {
    if (!isDatabaseUnavailable(error)) throw error;
    request.log.warn({ err: { message: (error as Error).message } }, 'status: database unavailable');
    return reply.code(503).header('retry-after', '5').send({ error: 'database unavailable' });
  }
  return reply.send(report);
}

export async function statusRoutes(app: FastifyInstance): Promise<void> {
  app.get('/status', {
    schema: { summary: 'Scheduler queue depth, success rate and errors by ASA code (last 24 h)', tags: ['tracking'] },
    handler: handleStatus,
  });
}
