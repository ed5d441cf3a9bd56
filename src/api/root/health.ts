// GET /health: the database answers (for load balancers and compose health checks).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

async function handleHealth(request: FastifyRequest, reply: FastifyReply) {
  const { store } = request.server.pricekeep;
  try {
    await store.pool.query('SELECT 1');
    return reply.send({ ok: true, engine: store.engine, timescaledb: store.timescaledb });
  } catch (error) {
    request.log.error({ err: error }, 'health check: database unreachable');
    return reply.code(503).send({ ok: false, engine: store.engine, timescaledb: store.timescaledb, error: 'database unreachable' });
  }
}

export async function healthRoutes(app: FastifyInstance): Promise<void> {
  app.get('/health', {
    schema: {
      summary: 'Health: the database answers',
      response: {
        200: { type: 'object', properties: { ok: { type: 'boolean' }, engine: { type: 'string' }, timescaledb: { type: 'string', nullable: true } } },
        503: { type: 'object', properties: { ok: { type: 'boolean' }, engine: { type: 'string' }, timescaledb: { type: 'string', nullable: true }, error: { type: 'string' } } },
      },
    },
    logLevel: 'warn',
    handler: handleHealth,
  });
}
