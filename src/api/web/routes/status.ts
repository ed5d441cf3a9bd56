// GET /app/api/status: the scrape queue, success rates, errors by code, database engine and size.
import type { FastifyInstance } from 'fastify';
import { dbInfo, trackingStatus } from '../../../store/index.js';

export async function statusRoutes(app: FastifyInstance): Promise<void> {
  const { store } = app.pricekeep;
  app.get('/app/api/status', async () => {
    const [tracking, db] = await Promise.all([trackingStatus(store), dbInfo(store)]);
    return { tracking, db };
  });
}
