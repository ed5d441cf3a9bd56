// GET /api/docs: the README this server ships with, where every ASA error's docs_url
// points (its `asa-error-<code>` anchors), readable without a key.
import { readFile } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import { packagePath } from '../../../package-root.js';

const README = packagePath('README.md');

export async function docsRoutes(app: FastifyInstance): Promise<void> {
  app.get('/api/docs', async (_request, reply) => reply.type('text/markdown; charset=utf-8').send(await readFile(README, 'utf8')));
}
