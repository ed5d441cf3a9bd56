// The tracking list over HTTP, after Keepa's tracking API: /tracking/add, /get, /list,
// /remove, key-authenticated, answered in the envelope. A tracking object carries
// Keepa's fields (asin, mainDomainId, updateInterval in hours, isActive, createDate as a
// Keepa minute) plus pricekeep's scheduler state (lastScrape, nextDue, lastError).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { parseDomain } from '../../../keepa/domains.js';
import { isAsin } from '../../../keepa/product-object.js';
import { toKeepaMinute } from '../../../keepa/time.js';
import { DEFAULT_INTERVAL_MINUTES, parseInterval } from '../../../interval.js';
import { addTracking, listTracking, removeTracking, type TrackedProduct } from '../../../store/index.js';
import { ApiError } from '../errors.js';
import { sendKeepa } from '../reply.js';
import { rejectUnknown, required, single, type Query } from '../query.js';
import { chargeTokens } from '../tokens.js';
import { keyParameter, noValidation } from './schemas.js';

/** Adding a tracking costs a token per ASIN (as Keepa); reading and removing are free. */
export const COST_PER_TRACKING_ADDED = 1;
const MAX_ASINS = 1000;

function trackingObject(t: TrackedProduct) {
  return {
    asin: t.asin,
    mainDomainId: t.domainId,
    updateInterval: Math.max(1, Math.round(t.intervalMinutes / 60)),
    updateIntervalMinutes: t.intervalMinutes,
    isActive: t.active,
    inactiveReason: t.inactiveReason,
    lastScrape: t.lastScrapeAt ? toKeepaMinute(t.lastScrapeAt) : null,
    lastSuccess: t.lastSuccessAt ? toKeepaMinute(t.lastSuccessAt) : null,
    nextDue: t.active ? toKeepaMinute(t.nextDue) : null,
    failures: t.failures,
    lastError: t.lastErrorCode ? { code: t.lastErrorCode, message: t.lastErrorMessage } : null,
  };
}

function domainOf(query: Query) {
  const raw = single(query, 'domain') ?? '1';
  const domain = parseDomain(raw);
  if (!domain) throw new ApiError('out_of_range', `Unknown domain "${raw}".`, 'Use a Keepa domain id (1, 3, …) or a TLD (com, de, …).');
  return domain;
}

function asinsOf(query: Query): string[] {
  const asins = required(query, 'asin').split(',').map((a) => a.trim().toUpperCase()).filter(Boolean);
  const bad = asins.filter((a) => !isAsin(a));
  if (bad.length > 0) throw new ApiError('invalid_parameter', `Not an ASIN: ${bad.slice(0, 5).join(', ')}.`);
  if (asins.length > MAX_ASINS) throw new ApiError('out_of_range', `At most ${MAX_ASINS} ASINs per request, got ${asins.length}.`);
  return asins;
}

const known = (...names: string[]) => new Set(['key', ...names]);

async function handleAdd(request: FastifyRequest, reply: FastifyReply) {
  const query = request.query as Query;
  rejectUnknown(query, known('domain', 'asin', 'interval'));
  const domain = domainOf(query);
  const asins = asinsOf(query);
  const rawInterval = single(query, 'interval');
  const minutes = rawInterval === undefined ? DEFAULT_INTERVAL_MINUTES : parseInterval(rawInterval);
  if (minutes === undefined) throw new ApiError('invalid_parameter', `interval must look like 15m, 1h, 6h or 1d, got "${rawInterval}".`);
  await chargeTokens(request, asins.length * COST_PER_TRACKING_ADDED);
  const rows = await addTracking(request.server.pricekeep.store, domain.id, asins, minutes);
  return sendKeepa(request, reply, { trackings: rows.map(trackingObject) });
}

async function handleGet(request: FastifyRequest, reply: FastifyReply) {
  const query = request.query as Query;
  rejectUnknown(query, known('domain', 'asin'));
  const domain = domainOf(query);
  const asins = asinsOf(query);
  await chargeTokens(request, 0);
  const rows = await listTracking(request.server.pricekeep.store, { domainId: domain.id, asins });
  return sendKeepa(request, reply, { trackings: rows.map(trackingObject) });
}

async function handleList(request: FastifyRequest, reply: FastifyReply) {
  const query = request.query as Query;
  rejectUnknown(query, known('domain', 'asins-only'));
  const domain = single(query, 'domain') === undefined ? undefined : domainOf(query);
  const asinsOnly = single(query, 'asins-only') === '1';
  await chargeTokens(request, 0);
  const rows = await listTracking(request.server.pricekeep.store, { domainId: domain?.id });
  return sendKeepa(request, reply, asinsOnly ? { asinList: rows.map((r) => r.asin) } : { trackings: rows.map(trackingObject) });
}

async function handleRemove(request: FastifyRequest, reply: FastifyReply) {
  const query = request.query as Query;
  rejectUnknown(query, known('domain', 'asin'));
  const domain = domainOf(query);
  const asins = asinsOf(query);
  await chargeTokens(request, 0);
  const removed = await removeTracking(request.server.pricekeep.store, domain.id, asins);
  return sendKeepa(request, reply, { removed });
}

export async function trackingRoutes(app: FastifyInstance): Promise<void> {
  const route = (path: string, summary: string, handler: typeof handleAdd, extra: Record<string, unknown>) =>
    app.get(path, {
      schema: { summary, tags: ['tracking'], querystring: { type: 'object', required: ['key'], properties: { ...keyParameter, ...extra } } },
      validatorCompiler: noValidation,
      handler,
    });
  const domain = { domain: { type: 'string', description: 'Keepa domain id or TLD (default 1)' } };
  const asin = { asin: { type: 'string', description: 'ASINs, comma-separated (up to 1000)' } };
  route('/tracking/add', `Track ASINs (${COST_PER_TRACKING_ADDED} token per ASIN)`, handleAdd, {
    ...domain, ...asin, interval: { type: 'string', description: 'scrape interval: 15m, 1h (default), 6h, 1d' },
  });
  route('/tracking/get', 'Trackings of these ASINs (free)', handleGet, { ...domain, ...asin });
  route('/tracking/list', 'All trackings (free)', handleList, { ...domain, 'asins-only': { type: 'string', description: '1: only the ASINs' } });
  route('/tracking/remove', 'Stop tracking ASINs; history stays (free)', handleRemove, { ...domain, ...asin });
}
