// The notification feeds: `/feed/<feed-token>.xml` (RSS 2.0) or `.atom` (Atom) with a
// key's notifications, and `/feed/<feed-token>/<domain>/<ASIN>.xml|.atom` with one
// product's. Not a Keepa endpoint (feed readers know no envelope, and the key is not in
// the URL: the feed token is a separate secret), so it is a protocol of its own: it
// claims /feed/ and answers its errors as plain text.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { renderAtom, renderRss } from '../../alerts/feed.js';
import { parseDomain } from '../../keepa/domains.js';
import { isAsin } from '../../asins.js';
import { keyForFeedToken } from '../../store/alert-settings.js';
import { feedNotifications } from '../../store/notifications.js';
import { isDatabaseUnavailable } from '../../store/index.js';
import { pathOf, type ApiProtocol } from '../protocol.js';

/** Items per feed: readers poll, so the newest 50 are enough to show each change once. */
export const FEED_ITEMS = 50;

const FILE = /^([A-Za-z0-9_-]{16,64})\.(xml|atom)$/;

class FeedError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function sendError(reply: FastifyReply, status: number, message: string) {
  return reply.code(status).type('text/plain; charset=utf-8').send(`${message}\n`);
}

async function serve(request: FastifyRequest, reply: FastifyReply, file: string, product?: { domain: string; asin: string }) {
  const match = FILE.exec(file);
  if (!match) throw new FeedError(404, 'No such feed.');
  const [, token, format] = match as unknown as [string, string, 'xml' | 'atom'];
  let target: { domainId: number; asin: string } | undefined;
  if (product) {
    const domain = parseDomain(product.domain);
    const asin = product.asin.toUpperCase();
    if (!domain || !isAsin(asin)) throw new FeedError(404, 'No such feed: the path needs a Keepa domain id or TLD and an ASIN.');
    target = { domainId: domain.id, asin };
  }
  const { store, config, clock } = request.server.pricekeep;
  const keyId = await keyForFeedToken(store.db, token);
  if (keyId === null) throw new FeedError(404, 'No such feed.');
  const items = await feedNotifications(store.db, keyId, { ...target, limit: FEED_ITEMS });
  const selfUrl = `${config.alerts.publicUrl}${pathOf(request.url)}`;
  const title = target ? `pricekeep: ${items[0]?.title ?? target.asin} (${target.asin})` : 'pricekeep notifications';
  const input = { title, selfUrl, items, emptyUpdated: clock() };
  return reply
    .type(format === 'atom' ? 'application/atom+xml; charset=utf-8' : 'application/rss+xml; charset=utf-8')
    .header('cache-control', 'private, max-age=60')
    .send(format === 'atom' ? renderAtom(input) : renderRss(input));
}

async function feedPlugin(app: FastifyInstance): Promise<void> {
  app.setErrorHandler(async (error, request, reply) => {
    if (error instanceof FeedError) return sendError(reply, error.status, error.message);
    if (isDatabaseUnavailable(error)) return sendError(reply.header('retry-after', '5'), 503, 'The feed is temporarily unavailable.');
    request.log.error({ err: error }, 'feed failed');
    return sendError(reply, 500, 'Internal server error.');
  });
  const schema = { summary: 'Notification feed (RSS 2.0 .xml, Atom .atom); the token comes from `pricekeep alerts list` or type=webhook', tags: ['feeds'] };
  app.get('/feed/:file', { schema }, (request, reply) => serve(request, reply, (request.params as { file: string }).file));
  app.get('/feed/:token/:domain/:file', { schema: { ...schema, summary: 'One product\'s notification feed' } }, (request, reply) => {
    const p = request.params as { token: string; domain: string; file: string };
    const asin = /^([A-Za-z0-9]{10})\.(xml|atom)$/.exec(p.file);
    if (!asin) throw new FeedError(404, 'No such feed.');
    return serve(request, reply, `${p.token}.${asin[2]}`, { domain: p.domain, asin: asin[1]! });
  });
}

export const feedProtocol: ApiProtocol = {
  name: 'feed',
  plugin: feedPlugin,
  claims: (request) => pathOf(request.url).startsWith('/feed/'),
  notFound: async (_request, reply) => sendError(reply, 404, 'No such feed.'),
  rootError: async (_error, _request, reply) => sendError(reply, 400, 'Bad request.'),
  rawError: (_status, message) => ({ contentType: 'text/plain; charset=utf-8', body: `${message}\n` }),
};
