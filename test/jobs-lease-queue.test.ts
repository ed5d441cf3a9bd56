import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drainDeliveries } from '../jobs/lease-queue.js';
import { webhookDelivery } from '../jobs/webhook-delivery.js';
import { verifySignature } from '../src/net/index.js';
import { claimDeliveries, enqueueDeliveries, listDeliveries } from '../src/store/deliveries.js';
import { serverTestUrl, testEngines, useTestStore, useTwoServerStores } from './helpers/engines.js';
import { SimClock } from './helpers/api-server.js';

interface Hit {
  readonly path: string;
  readonly body: string;
  readonly headers: IncomingHttpHeaders;
  readonly simMs: number;
}

/** A receiver whose answer per path is scripted: `/fail3` fails three times, `/down` always. */
async function receiver(clock: SimClock) {
  const hits: Hit[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      hits.push({ path: req.url ?? '', body, headers: req.headers, simMs: clock.ms });
      const n = hits.filter((h) => h.path === req.url).length;
      if (req.url === '/down' || (req.url === '/fail3' && n <= 3)) res.writeHead(503).end('try later');
      else res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hits,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

const SECRET = 'whsec_lease_test';

describe.each(testEngines())('delivery lease queue on $name', (engine) => {
  const handle = useTestStore(engine);
  const clock = new SimClock(Date.parse('2026-11-20T10:00:00Z'));
  let hook: Awaited<ReturnType<typeof receiver>>;
  beforeAll(async () => {
    hook = await receiver(clock);
  });
  afterAll(async () => hook?.close());

  const drain = (worker = 'w1') =>
    drainDeliveries({
      store: handle.store,
      worker,
      clock: clock.now,
      handlers: { 'test.event': webhookDelivery({ allowPrivate: true, clock: clock.now, secretOf: () => SECRET }) },
    });
  const enqueue = (subject: string, path: string) =>
    enqueueDeliveries(handle.store.db, [
      { topic: 'test.event', channel: 'webhook', subject, target: `${hook.url}${path}`, body: `{"id":"${subject}"}`, notBefore: new Date(clock.ms) },
    ]);

  it('delivers on the 4th try at 1, 2 and 5 minutes after a receiver failed three times', async () => {
    const start = clock.ms;
    expect(await enqueue('e1', '/fail3')).toBe(1);
    expect(await enqueue('e1', '/fail3')).toBe(0); // the same event is queued once
    expect(await drain()).toEqual({ delivered: 0, retrying: 1, failed: 0 });
    const waits = [60_000, 120_000, 300_000];
    for (const wait of waits) {
      clock.advance(wait - 1000);
      expect(await drain()).toEqual({ delivered: 0, retrying: 0, failed: 0 }); // not due yet
      clock.advance(1000);
      await drain();
    }
    const hits = hook.hits.filter((h) => h.path === '/fail3');
    expect(hits.map((h) => (h.simMs - start) / 60_000)).toEqual([0, 1, 3, 8]);
    // one stable id on every attempt, each attempt signed with its own time
    expect(new Set(hits.map((h) => h.headers['x-pricekeep-delivery']))).toEqual(new Set(['test.event:e1']));
    expect(hits.map((h) => h.headers['x-pricekeep-attempt'])).toEqual(['1', '2', '3', '4']);
    for (const h of hits) {
      expect(verifySignature(String(h.headers['x-pricekeep-signature']), h.body, SECRET, { nowSeconds: h.simMs / 1000 })).toBe(true);
    }
    const [row] = await listDeliveries(handle.store.db, { subjects: ['e1'] });
    expect(row).toMatchObject({ status: 'delivered', attempts: 4, lastStatus: 200, lastError: null });
    expect(row!.deliveredAt!.getTime()).toBe(clock.ms);
  });

  it('marks a delivery failed with its last error once the schedule is used up', async () => {
    const start = clock.ms;
    await enqueue('e2', '/down');
    await drain();
    for (const wait of [60_000, 120_000, 300_000, 900_000, 3_600_000]) {
      clock.advance(wait);
      await drain();
    }
    clock.advance(24 * 3_600_000);
    expect(await drain()).toEqual({ delivered: 0, retrying: 0, failed: 0 });
    const hits = hook.hits.filter((h) => h.path === '/down');
    expect(hits.map((h) => (h.simMs - start) / 60_000)).toEqual([0, 1, 3, 8, 23, 83]);
    const [row] = await listDeliveries(handle.store.db, { subjects: ['e2'] });
    expect(row).toMatchObject({ status: 'failed', attempts: 6, lastStatus: 503, lastError: 'http_status: answered 503' });
  });

  it('gives a crashed worker\'s claim to another worker once its lease has run out', async () => {
    await enqueue('e3', '/ok');
    // worker "dead" claims and never finishes (its process died mid-delivery)
    const [claimed] = await claimDeliveries(handle.store.db, { worker: 'dead', topics: ['test.event'], limit: 10, leaseMs: 60_000, now: new Date(clock.ms) });
    expect(claimed!.subject).toBe('e3');
    expect(await drain('w2')).toEqual({ delivered: 0, retrying: 0, failed: 0 }); // still leased
    clock.advance(60_001);
    expect(await drain('w2')).toEqual({ delivered: 1, retrying: 0, failed: 0 });
    const [row] = await listDeliveries(handle.store.db, { subjects: ['e3'] });
    expect(row).toMatchObject({ status: 'delivered', attempts: 2 });
  });

  it('does not deliver a refused target, and says why', async () => {
    await enqueueDeliveries(handle.store.db, [
      { topic: 'test.event', channel: 'webhook', subject: 'e4', target: 'http://169.254.169.254/latest/', body: '{}', notBefore: new Date(clock.ms) },
    ]);
    expect(await drain()).toEqual({ delivered: 0, retrying: 0, failed: 1 });
    const [row] = await listDeliveries(handle.store.db, { subjects: ['e4'] });
    expect(row).toMatchObject({ status: 'failed', attempts: 1, lastError: 'refused_address: webhook target refused: 169.254.169.254 is a metadata address' });
  });
});

describe.runIf(serverTestUrl())('delivery lease queue across processes', () => {
  const handle = useTwoServerStores(serverTestUrl()!);
  it('two dispatchers draining at once deliver each event exactly once', async () => {
    const clock = new SimClock(Date.parse('2026-11-20T10:00:00Z'));
    const hook = await receiver(clock);
    try {
      const events = Array.from({ length: 40 }, (_, i) => ({
        topic: 'test.event', channel: 'webhook' as const, subject: `p${i}`, target: `${hook.url}/ok`, body: `{"n":${i}}`, notBefore: new Date(clock.ms),
      }));
      await enqueueDeliveries(handle.stores[0]!.db, events);
      const handlers = { 'test.event': webhookDelivery({ allowPrivate: true, secretOf: () => null }) };
      const results = await Promise.all(
        handle.stores.map((store, i) => drainDeliveries({ store, worker: `w${i}`, clock: clock.now, handlers, batchSize: 5 })),
      );
      expect(results[0]!.delivered + results[1]!.delivered).toBe(40);
      expect(hook.hits).toHaveLength(40);
      expect(new Set(hook.hits.map((h) => h.body)).size).toBe(40);
    } finally {
      await hook.close();
    }
  });
});
