// Delivery survives a crash: a dispatcher process killed while the receiver holds the
// request leaves a lease; after it runs out the next dispatcher delivers the same
// notification (same id), nothing is lost or raised twice. And import is history: it
// never raises a notification.
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDispatch } from '../jobs/alerts-dispatcher.js';
import { Cause } from '../src/alerts/enums.js';
import { parseTrackingRequest } from '../src/alerts/tracking-request.js';
import type { TrackingSpec } from '../src/alerts/tracking-spec.js';
import { loadConfig } from '../src/config.js';
import { splitKeepaProduct } from '../src/keepa/product-object.js';
import { keepaNow } from '../src/keepa/time.js';
import { importKeepaProduct, recordObservations, type Store } from '../src/store/index.js';
import { updateAlertSettings } from '../src/store/alert-settings.js';
import { listApiKeys } from '../src/store/api-keys.js';
import { listDeliveries } from '../src/store/deliveries.js';
import { upsertTrackings } from '../src/store/key-trackings.js';
import { pullNotifications } from '../src/store/notifications.js';
import { webhookReceiver, type WebhookReceiver } from './helpers/alert-receivers.js';
import { createKey } from './helpers/api-server.js';
import { serverTestUrl, testEngines, useTestStore } from './helpers/engines.js';
import { KEEPA_FULL, keepaFixture } from './helpers/fixtures.js';

function spec(asin: string, thresholdValue: number): TrackingSpec {
  const parsed = parseTrackingRequest({
    asin, mainDomainId: 1, thresholdValues: [{ domain: 1, csvType: 0, thresholdValue, isDrop: true }],
    notificationType: [false, false, false, false, false, true, false, false],
  });
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.spec;
}

async function newKeyId(store: Store, name: string): Promise<number> {
  await createKey(store, name, 10, Date.now());
  return (await listApiKeys(store.db)).find((k) => k.name === name)!.id;
}

const observation = (asin: string, at: number, price: number) => ({ domainId: 1, asin, at, numeric: [{ name: 'csv:0' as const, value: price }] });

describe.runIf(serverTestUrl())('a dispatcher killed mid-delivery', () => {
  const handle = useTestStore(testEngines().find((e) => e.name === 'server')!);
  let hook: WebhookReceiver;
  beforeAll(async () => {
    hook = await webhookReceiver();
  });
  afterAll(async () => hook?.close());

  it('is replaced by the next one after its lease: the notification arrives, with the same id, once more', async () => {
    const { store } = handle;
    const keyId = await newKeyId(store, 'crash');
    await updateAlertSettings(store.db, keyId, { webhookUrl: hook.url });
    const now = keepaNow();
    await upsertTrackings(store, keyId, '', [spec('B00N150YS4', 1100)], now - 10);
    await recordObservations(store, [observation('B00N150YS4', now - 5, 1248)]);
    const recorded = await recordObservations(store, [observation('B00N150YS4', now - 1, 1099)]);
    expect(recorded).toMatchObject({ pointsWritten: 1, notifications: 1 });

    hook.answer = 'hang';
    const child = spawn(process.execPath, ['bin/run-ts.js', 'test/helpers/dispatch-child.ts'], {
      env: { ...process.env, DATABASE_URL: handle.database.config.databaseUrl, PRICEKEEP_WEBHOOK_ALLOW_PRIVATE: '1', PRICEKEEP_LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
    const received = new Promise<void>((resolve) => {
      hook.onRequest = () => {
        child.kill('SIGKILL'); // dies while the receiver holds the request open
        resolve();
      };
    });
    try {
      await Promise.race([received, exited.then(() => { throw new Error('the dispatcher exited before delivering'); }), new Promise((_, reject) => setTimeout(() => reject(new Error('no delivery within 120 s')), 120_000))]);
      expect(await exited).toBe('SIGKILL');
    } finally {
      child.kill('SIGKILL');
    }
    const [leased] = await listDeliveries(store.db, { topic: 'keepa.notification' });
    expect(leased).toMatchObject({ status: 'pending', attempts: 1 });

    hook.onRequest = undefined;
    hook.answer = 200;
    const config = loadConfig({ PRICEKEEP_WEBHOOK_ALLOW_PRIVATE: '1' }).alerts;
    // a dispatcher before the lease runs out leaves the row alone; after it, delivers it
    expect(await runDispatch({ store, config, worker: 'restarted', clock: () => Date.now() + 1_000 })).toMatchObject({ delivered: 0 });
    expect(await runDispatch({ store, config, worker: 'restarted', clock: () => Date.now() + 61_000 })).toMatchObject({ delivered: 1 });
    expect(hook.hits).toHaveLength(2);
    expect(hook.hits.map((h) => h.headers['x-pricekeep-delivery'])).toEqual([leased!.topic + ':' + leased!.subject, leased!.topic + ':' + leased!.subject]);
    expect(hook.hits[0]!.body).toBe(hook.hits[1]!.body);
    const [done] = await listDeliveries(store.db, { topic: 'keepa.notification' });
    expect(done).toMatchObject({ status: 'delivered', attempts: 2 });
    expect(await pullNotifications(store, keyId, { since: 0, revise: true, listName: null })).toHaveLength(1);
  }, 180_000);
});

describe.each(testEngines())('alerts and the write path on $name', (engine) => {
  const handle = useTestStore(engine);

  it('import is history: a tracked product imported with prices below its threshold raises nothing', async () => {
    const { store } = handle;
    const keyId = await newKeyId(store, 'importer');
    const product = keepaFixture(KEEPA_FULL).products[0]!;
    await upsertTrackings(store, keyId, '', [spec(product.asin, 1_000_000)], 1);
    await importKeepaProduct(store, splitKeepaProduct(product));
    expect(await pullNotifications(store, keyId, { since: 0, revise: true, listName: null })).toEqual([]);
    expect(await listDeliveries(store.db)).toEqual([]);
  });

  it('a scrape recorded twice, or a late observation, raises one notification; a notification commits with its points', async () => {
    const { store } = handle;
    const keyId = await newKeyId(store, 'writer');
    const asin = 'B07G2L3JMM';
    await upsertTrackings(store, keyId, '', [spec(asin, 1000)], 100);
    await recordObservations(store, [observation(asin, 1000, 1500)]);
    expect(await recordObservations(store, [observation(asin, 1060, 900)])).toMatchObject({ pointsWritten: 1, notifications: 1 });
    expect(await recordObservations(store, [observation(asin, 1060, 900)])).toMatchObject({ pointsWritten: 0, notifications: 0 });
    // a late observation (before the tail) is history too: it moves no tail and raises nothing
    expect(await recordObservations(store, [observation(asin, 1030, 950)])).toMatchObject({ pointsWritten: 1, notifications: 0 });
    const pulled = await pullNotifications(store, keyId, { since: 0, revise: true, listName: null });
    expect(pulled.map((n) => [n.cause, n.oldValue, n.newValue, n.createDate])).toEqual([[Cause.DESIRED_PRICE, 1500, 900, 1060]]);
  });
});
