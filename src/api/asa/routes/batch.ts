// POST /api/v1/amazon/batch (1–1,000 items of one endpoint, an optional webhook_url) and
// GET /api/v1/amazon/batch/{id}. The POST checks every item as the sync endpoint would
// and the webhook URL as alert webhooks are checked (SSRF guard), stores the batch for
// the workers (jobs/asa-batch.ts) and shows the webhook secret this once. Neither call
// costs credits; each successful item does, when a worker finishes it.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { batchView } from '../../../asa/batch-view.js';
import { parseAsaParams, requestUnits, type AsaEndpoint } from '../../../asa/params.js';
import { BASIC_REQUEST_CREDITS } from '../../../asa/plans.js';
import { checkWebhookUrl, generateWebhookSecret } from '../../../net/index.js';
import { createBatch, readBatch } from '../../../store/asa-batches.js';
import { admit, checkKey, settle } from '../admission.js';
import { AsaApiError } from '../errors.js';
import { asaState } from '../state.js';

export const MAX_BATCH_ITEMS = 1000;
const ENDPOINTS: readonly AsaEndpoint[] = ['amazon.product', 'amazon.search'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

async function checkedWebhookUrl(raw: unknown, allowPrivate: boolean): Promise<string | null> {
  if (raw === undefined || raw === null || raw === '') return null;
  if (typeof raw !== 'string') throw new AsaApiError('invalid_params', 'webhook_url must be a string');
  // ASA takes https only; plain http is accepted where private targets are (local testing).
  if (!allowPrivate && !raw.toLowerCase().startsWith('https://')) throw new AsaApiError('invalid_params', 'webhook_url must be an https URL');
  const check = await checkWebhookUrl(raw, { allowPrivate });
  if (!check.ok) throw new AsaApiError('invalid_params', `webhook_url: ${check.message}`);
  return raw;
}

interface CheckedItems {
  readonly body: Record<string, unknown>;
  readonly endpoint: AsaEndpoint;
  readonly items: readonly Record<string, unknown>[];
  /** Credits of the cheapest item: a batch none of whose items can be paid for is refused. */
  readonly leastCost: number;
  /** Every marketplace the items scrape. */
  readonly marketplaces: readonly string[];
}

/** The body checked as the sync endpoints check one request, per item; throws the first problem. */
function checkItems(body: unknown): CheckedItems {
  if (!isObject(body)) throw new AsaApiError('invalid_params', 'send a JSON object {"endpoint","items","webhook_url"} with Content-Type: application/json');
  const endpoint = body.endpoint as AsaEndpoint;
  if (!ENDPOINTS.includes(endpoint)) throw new AsaApiError('invalid_params', `endpoint must be amazon.product or amazon.search, got ${JSON.stringify(body.endpoint ?? null)}`);
  const items = body.items;
  if (!Array.isArray(items) || items.length < 1 || items.length > MAX_BATCH_ITEMS) {
    throw new AsaApiError('invalid_params', `items must be an array of 1 to ${MAX_BATCH_ITEMS} objects`);
  }
  let leastCost = Infinity;
  const marketplaces = new Set<string>();
  for (const [n, item] of items.entries()) {
    if (!isObject(item)) throw new AsaApiError('invalid_params', `items[${n}] must be an object of the ${endpoint} parameters`);
    const parsed = parseAsaParams(endpoint, item);
    if (!parsed.ok) {
      const { problem } = parsed;
      throw new AsaApiError(problem.code, `items[${n}]: ${problem.message}`, problem.code === 'not_implemented' ? { params: problem.params } : {});
    }
    leastCost = Math.min(leastCost, requestUnits(parsed.request) * BASIC_REQUEST_CREDITS);
    marketplaces.add(parsed.request.tld);
  }
  return { body, endpoint, items: items as Record<string, unknown>[], leastCost, marketplaces: [...marketplaces] };
}

export async function batchRoutes(app: FastifyInstance): Promise<void> {
  app.post('/api/v1/amazon/batch', async (request, reply) => {
    let checked: CheckedItems;
    try {
      checked = checkItems(request.body);
    } catch (error) {
      await checkKey(request); // a bad key outranks a bad body
      throw error;
    }
    const { body, endpoint, items, leastCost } = checked;
    const admission = await admit(request, reply, 0, checked.marketplaces);
    const { store, clock, config } = request.server.pricekeep;
    const webhookUrl = await checkedWebhookUrl(body.webhook_url, config.alerts.webhookAllowPrivate);
    if (admission.available < leastCost) {
      throw new AsaApiError('insufficient_credits', `no item can be paid for: the workspace has ${admission.available} credits available`);
    }
    const id = randomUUID();
    const secret = generateWebhookSecret();
    const createdAt = new Date(clock());
    await createBatch(store.db, {
      id, workspaceId: admission.workspaceId!, keyId: admission.keyId!, endpoint, items, webhookUrl, webhookSecret: secret, createdAt,
    });
    await settle(request, 0, true);
    request.log.info({ batch: id, items: items.length, webhook: webhookUrl !== null }, 'batch accepted');
    reply.header('asa-cost', '0');
    return reply.code(201).send({
      id,
      status: 'pending',
      total_count: items.length,
      created_at: createdAt.toISOString(),
      webhook_signature_secret: secret,
      poll_url: `/api/v1/amazon/batch/${id}`,
      request_id: asaState(request).requestId,
    });
  });

  app.get<{ Params: { id: string } }>('/api/v1/amazon/batch/:id', async (request, reply) => {
    const admission = await admit(request, reply, 0);
    const { id } = request.params;
    const found = UUID.test(id) ? await readBatch(request.server.pricekeep.store.db, id.toLowerCase(), admission.workspaceId!) : null;
    if (!found) throw new AsaApiError('not_found', `no batch ${id} in this workspace`);
    await settle(request, 0, true);
    reply.header('asa-cost', '0');
    return { ...batchView(found.batch, found.items), request_id: asaState(request).requestId };
  });
}
