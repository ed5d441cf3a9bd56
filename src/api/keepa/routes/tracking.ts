// Keepa's tracking API (keepa-api-more.md §1): `/tracking?key&type=add|get|list|remove|
// removeAll|notification|listNames|webhook`, with named lists (`list=`). `add` takes a
// POST body of up to 1000 TrackingRequest objects (or one object, or the GET form
// `tracking=<JSON>`), costs 1 token per tracking added; everything else is free.
// Trackings, notifications and the webhook belong to the key.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { parseTrackingRequest, trackingRequestsOf } from '../../../alerts/tracking-request.js';
import { trackingObject } from '../../../alerts/tracking-object.js';
import type { TrackingSpec } from '../../../alerts/tracking-spec.js';
import { isAsin } from '../../../asins.js';
import { keepaNow } from '../../../keepa/time.js';
import { checkWebhookUrl } from '../../../net/index.js';
import { alertSettings, updateAlertSettings } from '../../../store/alert-settings.js';
import {
  listKeyTrackings, listNames, removeKeyTrackings, trackingDeliveries, upsertTrackings, type KeyTracking,
} from '../../../store/key-trackings.js';
import { pullNotifications } from '../../../store/notifications.js';
import { ApiError } from '../errors.js';
import { flag, integer, rejectUnknown, required, single, type Query } from '../query.js';
import { sendKeepa } from '../reply.js';
import { keepaState } from '../state.js';
import { chargeTokens } from '../tokens.js';
import { keepaResponseSchema, keyParameter, noValidation } from './schemas.js';

/** Adding a tracking costs a token per tracking (Keepa); every other operation is free. */
export const COST_PER_TRACKING_ADDED = 1;
const MAX_LIST_NAME = 64;
const MAX_PER_PAGE = 100_000;

const TYPES = ['add', 'get', 'list', 'remove', 'removeAll', 'notification', 'listNames', 'webhook'] as const;
type TrackingType = (typeof TYPES)[number];

const PARAMETERS: Record<TrackingType, readonly string[]> = {
  add: ['list', 'tracking'],
  get: ['list', 'asin'],
  list: ['list', 'asins-only', 'page', 'perPage'],
  remove: ['list', 'asin'],
  removeAll: ['list'],
  notification: ['list', 'since', 'revise'],
  listNames: [],
  webhook: ['url'],
};

function keyId(request: FastifyRequest): number {
  return keepaState(request).bucket!.keyId;
}

function listOf(query: Query): string {
  const name = single(query, 'list') ?? '';
  if (name.length > MAX_LIST_NAME) throw new ApiError('out_of_range', `list names are at most ${MAX_LIST_NAME} characters.`);
  return name;
}

function asinOf(query: Query): string {
  const asin = required(query, 'asin').toUpperCase();
  if (!isAsin(asin)) throw new ApiError('invalid_parameter', `Not an ASIN: "${String(asin).slice(0, 20)}".`);
  return asin;
}

async function objectsOf(request: FastifyRequest, trackings: readonly KeyTracking[]) {
  const deliveries = await trackingDeliveries(request.server.pricekeep.store.db, trackings.map((t) => t.id));
  return trackings.map((t) => trackingObject(t, deliveries.get(t.id) ?? { pending: 0, delivered: 0, failed: 0, lastError: null }));
}

async function add(request: FastifyRequest, reply: FastifyReply, query: Query) {
  let body: unknown = request.body;
  const form = single(query, 'tracking');
  if (form !== undefined) {
    try {
      body = JSON.parse(form);
    } catch {
      throw new ApiError('invalid_parameter', 'Parameter "tracking" must be a URL-encoded JSON array of TrackingRequest objects.');
    }
  } else if (request.method === 'GET') {
    throw new ApiError('missing_parameter', 'type=add needs a POST body (JSON array of TrackingRequest) or the parameter "tracking".');
  }
  const items = trackingRequestsOf(body);
  if (typeof items === 'string') throw new ApiError(items.startsWith('at most') ? 'out_of_range' : 'invalid_parameter', `${items}.`);
  const parsed = items.map(parseTrackingRequest);
  const specs = parsed.flatMap((p) => (p.ok ? [p.spec] : []));
  const failed = parsed.flatMap((p) => (p.ok ? [] : [p]));
  const failure =
    failed.length === 0
      ? undefined
      : {
          type: 'invalidParameter',
          message: `Failed ASINs: ${[...new Set(failed.map((f) => f.asin))].join(',')}`,
          details: failed.map((f) => `${f.asin}: ${f.message}`).join('; ').slice(0, 4000),
        };
  if (specs.length === 0) throw new ApiError('invalid_parameter', failure!.message, failure!.details);
  const list = listOf(query);
  const unique = new Set(specs.map((s: TrackingSpec) => s.asin)).size;
  await chargeTokens(request, unique * COST_PER_TRACKING_ADDED);
  const { store, clock } = request.server.pricekeep;
  const saved = await upsertTrackings(store, keyId(request), list, specs, keepaNow(clock));
  return sendKeepa(request, reply, { trackings: await objectsOf(request, saved), ...(failure && { error: failure }) });
}

async function handle(request: FastifyRequest, reply: FastifyReply) {
  const query = request.query as Query;
  const type = single(query, 'type');
  if (type === undefined || type === '') throw new ApiError('missing_parameter', 'Parameter "type" is required.', `One of ${TYPES.join(', ')}.`);
  if (!TYPES.includes(type as TrackingType)) throw new ApiError('invalid_parameter', `Unknown tracking type "${type}".`, `One of ${TYPES.join(', ')}.`);
  const t = type as TrackingType;
  rejectUnknown(query, new Set(['key', 'type', ...PARAMETERS[t]]));
  if (t === 'add') return add(request, reply, query);
  if (request.method !== 'GET') throw new ApiError('invalid_parameter', `type=${t} is a GET request.`);
  const { store, clock, config } = request.server.pricekeep;
  switch (t) {
    case 'get': {
      const asin = asinOf(query);
      const list = listOf(query);
      await chargeTokens(request, 0);
      const found = await listKeyTrackings(store, keyId(request), list, [asin]);
      if (found.length === 0) throw new ApiError('invalid_parameter', `ASIN ${asin} is not tracked${list ? ` in list "${list}"` : ''}.`);
      return sendKeepa(request, reply, { trackings: await objectsOf(request, found) });
    }
    case 'list': {
      const list = listOf(query);
      const asinsOnly = flag(query, 'asins-only');
      const page = integer(query, 'page', 0, 1_000_000) ?? 0;
      const perPage = integer(query, 'perPage', 1, MAX_PER_PAGE) ?? MAX_PER_PAGE;
      await chargeTokens(request, 0);
      const all = await listKeyTrackings(store, keyId(request), list);
      if (asinsOnly) return sendKeepa(request, reply, { asinList: all.map((x) => x.asin) });
      return sendKeepa(request, reply, { trackings: await objectsOf(request, all.slice(page * perPage, (page + 1) * perPage)) });
    }
    case 'remove': {
      const asin = asinOf(query);
      const list = listOf(query);
      await chargeTokens(request, 0);
      const removed = await removeKeyTrackings(store, keyId(request), list, [asin]);
      if (removed.length === 0) throw new ApiError('invalid_parameter', `ASIN ${asin} is not tracked${list ? ` in list "${list}"` : ''}.`);
      return sendKeepa(request, reply);
    }
    case 'removeAll': {
      const list = listOf(query);
      await chargeTokens(request, 0);
      await removeKeyTrackings(store, keyId(request), list, null);
      return sendKeepa(request, reply);
    }
    case 'notification': {
      const since = integer(query, 'since', 0, 2_147_483_647) ?? 0;
      const revise = flag(query, 'revise');
      const list = single(query, 'list');
      await chargeTokens(request, 0);
      const found = await pullNotifications(store, keyId(request), { since, revise, listName: list ?? null });
      return sendKeepa(request, reply, { notifications: found.map((n) => JSON.parse(n.body) as unknown) });
    }
    case 'listNames': {
      await chargeTokens(request, 0);
      return sendKeepa(request, reply, { trackingListNames: await listNames(store, keyId(request)) });
    }
    case 'webhook': {
      const url = single(query, 'url') ?? '';
      await chargeTokens(request, 0);
      if (url !== '') {
        const checked = await checkWebhookUrl(url, { allowPrivate: config.alerts.webhookAllowPrivate });
        if (!checked.ok) throw new ApiError('invalid_parameter', `Invalid webhook URL: ${checked.message}.`, checked.code);
      }
      const settings = await updateAlertSettings(store.db, keyId(request), { webhookUrl: url === '' ? null : url });
      void clock;
      // Beyond Keepa: the secret that signs the pushes, and the key's feed.
      return sendKeepa(request, reply, {
        webhookUrl: settings.webhookUrl,
        webhookSecret: settings.webhookSecret,
        feedUrl: `${config.alerts.publicUrl}/feed/${settings.feedToken}.xml`,
      });
    }
  }
}

export async function trackingRoutes(app: FastifyInstance): Promise<void> {
  const schema = {
    summary: 'Keepa tracking API: type=add (POST body, 1 token per tracking) | get | list | remove | removeAll | notification | listNames | webhook (free)',
    tags: ['tracking'],
    querystring: {
      type: 'object',
      required: ['key', 'type'],
      properties: {
        ...keyParameter,
        type: { type: 'string', enum: [...TYPES] },
        list: { type: 'string', description: 'named tracking list (≤ 64 characters); default: the unnamed list' },
        asin: { type: 'string', description: 'get, remove: the ASIN' },
        tracking: { type: 'string', description: 'add (GET form): URL-encoded JSON array of TrackingRequest' },
        'asins-only': { type: 'string', enum: ['0', '1'], description: 'list: only asinList' },
        page: { type: 'string', description: 'list: page (default 0)' },
        perPage: { type: 'string', description: 'list: trackings per page (default and max 100000)' },
        since: { type: 'string', description: 'notification: Keepa minute; 0 = all' },
        revise: { type: 'string', enum: ['0', '1'], description: 'notification: include notifications already read' },
        url: { type: 'string', description: 'webhook: URL-encoded http(s) URL; empty clears it' },
      },
    },
    response: keepaResponseSchema(),
  };
  const options = { schema, validatorCompiler: noValidation, handler: handle, bodyLimit: 4 * 1024 * 1024 };
  app.get('/tracking', options);
  app.post('/tracking', options);
}
