// The web dashboard as one encapsulated fastify plugin: its pages (one HTML shell, the
// page module picked in the browser), its static files, its JSON API under /app/api/,
// its own auth and error shape (its not-found answer is in index.ts: the root routes
// unrouted requests to the protocol claiming them).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { loadAssets } from './assets.js';
import { installWebAuth } from './auth.js';
import { alertsRoutes } from './routes/alerts.js';
import { importRoutes } from './routes/import.js';
import { metaRoutes } from './routes/meta.js';
import { productRoutes } from './routes/product.js';
import { productsRoutes } from './routes/products.js';
import { statusRoutes } from './routes/status.js';
import { CONTENT_SECURITY_POLICY, shellHtml } from './shell.js';
import { WebError, webErrorBody } from './web-error.js';

/** Page paths answered with the shell; app.js renders the page. */
export const PAGE_PATHS = ['/', '/product/:domainId/:asin', '/import', '/alerts', '/system'] as const;

export function wantsHtml(request: { url: string; headers: FastifyRequest['headers'] }): boolean {
  return !request.url.startsWith('/app/api/') && (request.headers.accept ?? '').includes('text/html');
}

/** The dashboard's answer to an error: JSON for its API, a short HTML page for a browser. */
export function sendWebError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const e = error as { statusCode?: number; code?: string; message?: string; validation?: unknown };
  let web: WebError;
  if (error instanceof WebError) web = error;
  else if (e.statusCode === 413 || e.code === 'FST_ERR_CTP_BODY_TOO_LARGE') web = new WebError('payload_too_large', 'the upload is too large');
  else if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) web = new WebError('bad_request', e.message ?? 'bad request');
  else {
    request.log.error({ err: error }, 'dashboard request failed');
    web = new WebError('internal', 'internal error (see the server log)');
  }
  reply.code(web.status);
  if (wantsHtml(request)) {
    const text = web.message.replace(/[<>&]/g, (c) => `&#${c.charCodeAt(0)};`);
    return reply.type('text/html; charset=utf-8').send(`<!doctype html><title>pricekeep</title><p>${text}</p><p><a href="/">pricekeep</a></p>`);
  }
  return reply.send(webErrorBody(web.code, web.message));
}

export async function webPlugin(app: FastifyInstance): Promise<void> {
  const assets = loadAssets();
  app.setErrorHandler((error, request, reply) => sendWebError(error, request, reply));
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 16 * 1024 }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });
  app.addHook('onSend', async (_request, reply) => {
    reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'same-origin');
  });
  installWebAuth(app);

  app.get('/app/assets/*', async (request, reply) => {
    const asset = assets.get((request.params as { '*': string })['*']);
    if (!asset) throw new WebError('not_found', 'no such file');
    return reply.type(asset.type).header('cache-control', 'no-cache').send(asset.body);
  });
  app.get('/favicon.ico', async (_request, reply) => reply.code(204).send());
  for (const path of PAGE_PATHS) {
    app.get(path, async (request, reply) => reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(shellHtml(request.webAuth!.csrf)));
  }
  await app.register(metaRoutes);
  await app.register(productsRoutes);
  await app.register(productRoutes);
  await app.register(alertsRoutes);
  await app.register(importRoutes);
  await app.register(statusRoutes);
}
