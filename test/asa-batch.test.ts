// ASA batches in one process on every engine, on a simulated clock: submission checks,
// items worked by two workers through the lease queue (a dead worker's items come back
// when its lease lapses, its late result is not recorded), one charge per successful item,
// and the completion webhook: signed as ASA signs it, retried at 1, 2, 5, 15 and 60 min,
// then failed with its last error.
import crypto from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBatchWork } from '../jobs/asa-batch.js';
import { createAsaScrape } from '../jobs/asa-scrape.js';
import { createScraper } from '../src/scraper/index.js';
import { claimBatchItems, finishBatchItem } from '../src/store/asa-batches.js';
import { buildServer } from '../src/api/server.js';
import { loadConfig } from '../src/config.js';
import { asaHarness, balanceOf, createTestAsaKey, fastScraperEnv, type AsaHarness, type NewKey } from './helpers/asa-api.js';
import { silentLogger } from './helpers/api-server.js';
import { testEngines } from './helpers/engines.js';
import { listenLoopback } from './helpers/loopback-http.js';
import { FAILING_ASINS } from './helpers/stand-in-amazon.js';

interface Received {
  readonly headers: IncomingMessage['headers'];
  readonly rawBody: Buffer;
}

/** A webhook receiver on loopback answering each POST with the next status of `statuses` (then 200). */
async function receiver(statuses: number[] = []) {
  const received: Received[] = [];
  const { url, close } = await listenLoopback((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, rawBody: Buffer.concat(chunks) });
      res.writeHead(statuses.shift() ?? 200).end('ok');
    });
  });
  return { url: `${url}/hooks/asa`, received, close };
}

// The docs' Node verifier, as published (req.rawBody, req.headers).
function verifyWebhook(req: { headers: IncomingMessage['headers']; rawBody: Buffer }, secret: string) {
  const sig = req.headers['x-asa-signature'] as string;
  const expected = `sha256=${crypto.createHmac('sha256', secret).update(req.rawBody).digest('hex')}`;
  return crypto.timingSafeEqual(Buffer.from(sig), Buffer.from(expected));
}

describe.each(testEngines())('ASA batches on $name', (engine) => {
  let h: AsaHarness;
  let key: NewKey;
  beforeAll(async () => {
    h = await asaHarness(engine, { PRICEKEEP_WEBHOOK_ALLOW_PRIVATE: '1' });
    key = await createTestAsaKey(h.store, { workspace: 'batch', credits: 10_000, nowMs: h.clock.ms });
  });
  afterAll(async () => h?.close());

  const post = (body: unknown, k = key.key) =>
    h.app.inject({ method: 'POST', url: '/api/v1/amazon/batch', headers: { authorization: `Bearer ${k}`, 'content-type': 'application/json' }, payload: JSON.stringify(body) });
  const work = (worker: string, scraper = asaScrape()) =>
    runBatchWork({ store: h.store, scrape: scraper, worker, clock: h.clock.now, leaseMs: 60_000, allowPrivate: true, concurrency: 3 });
  let scrapers: Array<{ close(): Promise<void> }> = [];
  function asaScrape() {
    const scraper = createScraper(h.config.scraper, { random: () => 0.5 });
    scrapers.push(scraper);
    return createAsaScrape(h.store, scraper, { clock: h.clock.now });
  }
  afterAll(async () => {
    for (const s of scrapers) await s.close();
    scrapers = [];
  });

  it('refuses malformed batches with invalid_params or not_implemented', async () => {
    const cases: Array<[unknown, number, string]> = [
      [{ endpoint: 'amazon.reviews', items: [{ query: 'B09HN3Q81F' }] }, 400, 'invalid_params'],
      [{ endpoint: 'amazon.product', items: [] }, 400, 'invalid_params'],
      [{ endpoint: 'amazon.product', items: Array.from({ length: 1001 }, () => ({ query: 'B09HN3Q81F' })) }, 400, 'invalid_params'],
      [{ endpoint: 'amazon.product', items: [{ query: 'B09HN3Q81F' }, { query: 'nope' }] }, 400, 'invalid_params'],
      [{ endpoint: 'amazon.product', items: [{ query: 'B09HN3Q81F', render_js: true }] }, 501, 'not_implemented'],
      [{ endpoint: 'amazon.product', items: [{ query: 'B09HN3Q81F' }], webhook_url: 'ftp://example.com/x' }, 400, 'invalid_params'],
    ];
    for (const [body, status, code] of cases) {
      const res = await post(body);
      expect([res.statusCode, res.json().error, res.json().request_id]).toEqual([status, code, expect.stringMatching(/^req_/)]);
    }
    const res = await h.app.inject({ method: 'POST', url: '/api/v1/amazon/batch', headers: { authorization: `Bearer ${key.key}`, 'content-type': 'application/json' }, payload: '{"endpoint":' });
    expect([res.statusCode, res.json().error]).toEqual([400, 'invalid_params']);
  });

  it('works a batch with two workers, bills successes only and delivers one signed webhook', async () => {
    const hook = await receiver();
    try {
      const asins = ['B0JPBATCH1', FAILING_ASINS.captcha, 'B0JPBATCH2', FAILING_ASINS.notFound, 'B0JPBATCH3', 'B0JPBATCH4'];
      const created = await post({ endpoint: 'amazon.product', items: asins.map((query) => ({ query, domain: 'co.jp' })), webhook_url: hook.url });
      expect(created.statusCode).toBe(201);
      const batch = created.json();
      expect(batch).toMatchObject({ status: 'pending', total_count: 6, poll_url: `/api/v1/amazon/batch/${batch.id}`, webhook_signature_secret: expect.stringMatching(/^whsec_/) });
      const before = await balanceOf(h.store, key.workspaceId);
      const [a, b] = await Promise.all([work('worker-a'), work('worker-b')]);
      expect(a.items + b.items).toBe(6);
      expect(a.webhooksDelivered + b.webhooksDelivered).toBe(1);
      expect(await balanceOf(h.store, key.workspaceId)).toBe(before - 4 * 5);
      const polled = (await h.app.inject({ url: batch.poll_url, headers: { authorization: `Bearer ${key.key}` } })).json();
      expect(polled).toMatchObject({ status: 'complete', processed_count: 6, success_count: 4, failure_count: 2, credits_charged: 20, webhook_delivery_status: 'delivered' });
      expect(polled.webhook_signature_secret).toBeUndefined();
      expect(polled.results.map((r: { status: string; http_status: number; error?: string }) => [r.status, r.http_status, r.error ?? null])).toEqual([
        ['ok', 200, null], ['error', 422, 'blocked_by_amazon'], ['ok', 200, null], ['error', 404, 'not_found'], ['ok', 200, null], ['ok', 200, null],
      ]);
      expect(polled.results[0]).toMatchObject({ input: { query: 'B0JPBATCH1', domain: 'co.jp' }, data: { asin: 'B0JPBATCH1', currency: 'JPY' }, credits_charged: 5 });
      expect(hook.received).toHaveLength(1);
      const [delivery] = hook.received;
      expect(delivery!.headers).toMatchObject({ 'x-asa-batch-id': batch.id, 'x-asa-event': 'batch.completed', 'content-type': 'application/json' });
      expect(verifyWebhook(delivery!, batch.webhook_signature_secret)).toBe(true);
      expect(verifyWebhook(delivery!, 'whsec_wrong')).toBe(false);
      const { request_id: _requestId, ...view } = polled;
      expect(JSON.parse(delivery!.rawBody.toString())).toEqual({ ...view, webhook_delivery_status: 'pending', webhook_delivered_at: null });
      // Nothing is left to do, and nothing is sent twice.
      expect(await work('worker-c')).toMatchObject({ items: 0, webhooksDelivered: 0 });
    } finally {
      await hook.close();
    }
  });

  it('gives a dead worker\'s items to another once the lease lapses, and ignores the dead one\'s late result', async () => {
    const created = (await post({ endpoint: 'amazon.product', items: [{ query: 'B0JPLEASE1', domain: 'co.jp' }, { query: 'B0JPLEASE2', domain: 'co.jp' }] })).json();
    const dead = await claimBatchItems(h.store.pool, { worker: 'dead', limit: 10, leaseMs: 60_000, nowMs: h.clock.ms });
    expect(dead.map((i) => i.batchId)).toEqual([created.id, created.id]);
    expect(await work('alive')).toMatchObject({ items: 0 });
    h.clock.advance(60_000);
    expect(await work('alive')).toMatchObject({ items: 2, ok: 2 });
    const late = await finishBatchItem(h.store.db, 'dead', dead[0]!, { ok: true, httpStatus: 200, data: {}, error: null, durationMs: 1, charge: 5 }, h.clock.ms);
    expect(late).toEqual({ recorded: false, completedBatch: false, charged: 0 });
    const polled = (await h.app.inject({ url: created.poll_url, headers: { authorization: `Bearer ${key.key}` } })).json();
    expect(polled).toMatchObject({ status: 'complete', success_count: 2, credits_charged: 10, webhook_delivery_status: null });
  });

  it('bills items only while the workspace can pay: the rest fail with insufficient_credits, free', async () => {
    const poor = await createTestAsaKey(h.store, { workspace: 'poor', credits: 10, nowMs: h.clock.ms });
    const created = (await post({ endpoint: 'amazon.product', items: ['B0JPPOOR01', 'B0JPPOOR02', 'B0JPPOOR03'].map((query) => ({ query, domain: 'co.jp' })) }, poor.key)).json();
    await Promise.all([work('p1'), work('p2')]);
    const polled = (await h.app.inject({ url: created.poll_url, headers: { authorization: `Bearer ${poor.key}` } })).json();
    expect(polled).toMatchObject({ status: 'complete', success_count: 2, failure_count: 1, credits_charged: 10 });
    expect(polled.results.filter((r: { error?: string }) => r.error === 'insufficient_credits')).toEqual([expect.objectContaining({ http_status: 402, credits_charged: 0 })]);
    expect(await balanceOf(h.store, poor.workspaceId)).toBe(0);
  });

  it('retries a failing webhook at 1, 2, 5, 15 and 60 minutes, then marks it failed with the last error', async () => {
    const hook = await receiver([500, 500, 500, 500, 500, 503]);
    try {
      const created = (await post({ endpoint: 'amazon.product', items: [{ query: 'B0JPHOOKS1', domain: 'co.jp' }], webhook_url: hook.url })).json();
      await work('w');
      expect(hook.received).toHaveLength(1);
      for (const minutes of [1, 2, 5, 15, 60]) {
        h.clock.advance(minutes * 60_000 - 1);
        await work('w');
        const attemptsBefore = hook.received.length;
        h.clock.advance(1);
        await work('w');
        expect(hook.received.length, `retry after ${minutes} min`).toBe(attemptsBefore + 1);
      }
      expect(hook.received).toHaveLength(6);
      h.clock.advance(24 * 3600_000);
      await work('w');
      expect(hook.received).toHaveLength(6);
      const polled = (await h.app.inject({ url: created.poll_url, headers: { authorization: `Bearer ${key.key}` } })).json();
      expect(polled).toMatchObject({ webhook_delivery_status: 'failed', webhook_last_error: 'http_status: answered 503', webhook_delivered_at: null });
    } finally {
      await hook.close();
    }
  });

  it('refuses a private webhook target without PRICEKEEP_WEBHOOK_ALLOW_PRIVATE, and another workspace\'s batch is not found', async () => {
    const strict = await buildServer({ store: h.store, config: loadConfig(fastScraperEnv(h.amazon.url)), clock: h.clock.now, logger: silentLogger });
    try {
      const res = await strict.inject({
        method: 'POST', url: '/api/v1/amazon/batch', headers: { authorization: `Bearer ${key.key}`, 'content-type': 'application/json' },
        payload: JSON.stringify({ endpoint: 'amazon.product', items: [{ query: 'B09HN3Q81F' }], webhook_url: 'https://127.0.0.1/hook' }),
      });
      expect([res.statusCode, res.json().error]).toEqual([400, 'invalid_params']);
      expect(res.json().message).toMatch(/refused/);
    } finally {
      await strict.close();
    }
    const mine = (await post({ endpoint: 'amazon.product', items: [{ query: 'B09HN3Q81F' }] })).json();
    const other = await createTestAsaKey(h.store, { workspace: 'other', credits: 100, nowMs: h.clock.ms });
    const res = await h.app.inject({ url: mine.poll_url, headers: { authorization: `Bearer ${other.key}` } });
    expect([res.statusCode, res.json().error]).toEqual([404, 'not_found']);
  });
});
