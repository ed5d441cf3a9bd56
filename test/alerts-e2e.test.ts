// End to end on the stand-in Amazon: a Keepa client adds a tracking with a threshold
// below the price, the price falls below it, and the notification is pulled, pushed to a
// webhook with a valid signature, e-mailed to an SMTP server and listed in the feeds,
// exactly once each, however often the scrape is repeated or fails.
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDispatch } from '../jobs/alerts-dispatcher.js';
import { runTick } from '../jobs/scheduler.js';
import { buildServer } from '../src/api/server.js';
import { loadConfig, type Config } from '../src/config.js';
import { keepaNow, toKeepaMinute } from '../src/keepa/time.js';
import { verifySignature } from '../src/net/index.js';
import { createScraper, type Scraper } from '../src/scraper/index.js';
import { listTracking, type Store } from '../src/store/index.js';
import { listDeliveries } from '../src/store/deliveries.js';
import { updateAlertSettings } from '../src/store/alert-settings.js';
import { smtpReceiver, webhookReceiver, type WebhookReceiver } from './helpers/alert-receivers.js';
import { createKey, SimClock, silentLogger } from './helpers/api-server.js';
import { testEngines, type TestDatabase } from './helpers/engines.js';
import { SHARED_FIXTURES } from './helpers/fixtures.js';
import { scriptedServer, type ScriptedServer } from './helpers/scraper-server.js';

const ASIN = 'B00N150YS4'; // sold by Amazon.com at $12.48 on the saved page
const page = readFileSync(`${SHARED_FIXTURES}amazon/com_product_${ASIN}.html`, 'utf8');
const captcha = readFileSync(`${SHARED_FIXTURES}amazon/com_captcha_validate.html`, 'utf8');

function pageAt(dollars: number, cents: number): string {
  const c = String(cents).padStart(2, '0');
  return page
    .replaceAll('$12.48', `$${dollars}.${c}`)
    .replaceAll('a-price-whole">12<', `a-price-whole">${dollars}<`)
    .replaceAll('a-price-fraction">48<', `a-price-fraction">${c}<`);
}

/** The text of a quoted-printable MIME message, decoded. */
function decodeMail(raw: string): string {
  const joined = raw.replace(/=\r?\n/g, '');
  return Buffer.from(joined.replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8');
}

// What Keepa's Java client sends for Request.getTrackingBatchAddRequest (keepa-api-more.md §1.2)
const javaTracking = (asin: string, thresholdValue: number, extra: Record<string, unknown> = {}) => ({
  asin, ttl: 17520, expireNotify: false, desiredPricesInMainCurrency: true, mainDomainId: 1,
  thresholdValues: [{ thresholdValue, domain: 1, csvType: 0, isDrop: true, deltasAreBetweenNotifications: false }],
  notifyIf: [{ domain: 1, csvType: 0, notifyIfType: 1 }],
  notificationType: [true, false, false, false, false, true, false, false],
  individualNotificationInterval: -1, updateInterval: 1, ...extra,
});

describe.each(testEngines())('alerts end to end on $name', (engine) => {
  let database: TestDatabase;
  let store: Store;
  let amazon: ScriptedServer;
  let scraper: Scraper;
  let app: FastifyInstance;
  let strictApp: FastifyInstance;
  let hook: WebhookReceiver;
  let smtp: Awaited<ReturnType<typeof smtpReceiver>>;
  let config: Config;
  let key: string;
  let current = pageAt(12, 48);
  let mode: 'page' | 'captcha' | '503' = 'page';
  const clock = new SimClock(Date.parse('2026-11-20T10:00:30Z'));

  beforeAll(async () => {
    database = await engine.create();
    store = await database.open();
    amazon = await scriptedServer([], (_req, res) => {
      if (mode === '503') res.writeHead(503, { 'content-type': 'text/html' }).end('<html><body>Service Unavailable</body></html>');
      else res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(mode === 'captcha' ? captcha : current);
    });
    hook = await webhookReceiver();
    smtp = await smtpReceiver();
    config = loadConfig({
      PRICEKEEP_AMAZON_BASE_URL: amazon.url, PRICEKEEP_MAX_ATTEMPTS: '2', PRICEKEEP_RETRY_BASE_MS: '5',
      PRICEKEEP_WEBHOOK_ALLOW_PRIVATE: '1', PRICEKEEP_SMTP_URL: smtp.url, PRICEKEEP_PUBLIC_URL: 'http://pricekeep.test',
    });
    scraper = createScraper(config.scraper);
    app = await buildServer({ store, config, clock: clock.now, refresh: null, logger: silentLogger });
    strictApp = await buildServer({ store, config: loadConfig({}), clock: clock.now, refresh: null, logger: silentLogger });
    key = await createKey(store, 'keepa-client', 100, clock.now());
  });
  afterAll(async () => {
    await app?.close();
    await strictApp?.close();
    await scraper?.close();
    await amazon?.close();
    await hook?.close();
    await smtp?.close();
    await store?.close();
    await database?.drop();
  });

  const tick = () => {
    clock.advance(3_600_000);
    return runTick({ store, scrape: (asin, tld) => scraper.scrapeProduct(asin, tld), worker: 'test', clock: clock.now });
  };
  // due on the test's clock (the scheduler claims by it, not by the database's now())
  const makeDue = () => sql`UPDATE tracked_products SET next_due = ${new Date(clock.now())}::timestamptz - interval '1 second'`.execute(store.db);
  const dispatch = () => runDispatch({ store, config: config.alerts, worker: 'dispatcher', clock: clock.now });
  const keepa = async (method: 'GET' | 'POST', query: string, body?: unknown) => {
    const response = await app.inject({ method, url: `/tracking?key=${key}&${query}`, ...(body !== undefined && { payload: body as object }) });
    return { status: response.statusCode, body: response.json() };
  };
  const feed = async (path: string) => {
    const response = await app.inject({ method: 'GET', url: path });
    return { status: response.statusCode, type: String(response.headers['content-type']), text: response.body };
  };

  it("adds a tracking from the Java client's exact body and answers with Keepa's Tracking fields", async () => {
    const added = await keepa('POST', 'type=add', [javaTracking(ASIN, 1100)]);
    expect(added.status).toBe(200);
    expect(added.body.tokensConsumed).toBe(1);
    expect(added.body.trackings).toHaveLength(1);
    expect(added.body.trackings[0]).toMatchObject({
      asin: ASIN, createDate: toKeepaMinute(clock.now()), ttl: 17520, expireNotify: false, mainDomainId: 1,
      thresholdValues: [{ thresholdValue: 1100, thresholdValueCSV: [toKeepaMinute(clock.now()), 1100], domain: 1, csvType: 0, isDrop: true, deltasAreBetweenNotifications: false }],
      notifyIf: [{ domain: 1, csvType: 0, notifyIfType: 1 }],
      notificationType: [true, false, false, false, false, true, false, false],
      notificationCSV: [], individualNotificationInterval: -1, isActive: true, updateInterval: 1,
    });
    expect(added.body.trackings[0]).not.toHaveProperty('trackingListName');
    // the tracking drives the scheduler: the product is scraped hourly
    expect((await listTracking(store, { asins: [ASIN] })).map((t) => [t.domainId, t.intervalMinutes])).toEqual([[1, 60]]);
    const webhook = await keepa('GET', `type=webhook&url=${encodeURIComponent(hook.url)}`);
    expect(webhook.status).toBe(200);
    expect(webhook.body.webhookSecret).toMatch(/^whsec_[0-9a-f]{64}$/);
    expect(webhook.body.feedUrl).toMatch(/^http:\/\/pricekeep\.test\/feed\/[A-Za-z0-9_-]{32}\.xml$/);
    const keyId = (await sql<{ id: number }>`SELECT id FROM api_keys WHERE name = 'keepa-client'`.execute(store.db)).rows[0]!.id;
    await updateAlertSettings(store.db, keyId, { emailTo: 'buyer@example.com' });
  });

  let notificationId = '';
  let feedUrl = '';

  it('a price falling below the threshold raises exactly one notification, pulled with Keepa\'s fields', async () => {
    expect(await tick()).toMatchObject({ scraped: 1, ok: 1 });
    expect((await keepa('GET', 'type=notification&since=0&revise=0')).body.notifications).toEqual([]);
    current = pageAt(10, 99);
    await makeDue();
    expect(await tick()).toMatchObject({ scraped: 1, ok: 1 });
    const minute = toKeepaMinute(clock.now());
    const pulled = await keepa('GET', 'type=notification&since=0&revise=0');
    expect(pulled.body.tokensConsumed).toBe(0);
    expect(pulled.body.notifications).toHaveLength(1);
    const n = pulled.body.notifications[0];
    expect(n).toMatchObject({
      asin: ASIN, createDate: minute, domainId: 1, notificationDomainId: 1, csvType: 0, trackingNotificationCause: 1,
      sentNotificationVia: [true, false, false, false, false, true, false, false], metaData: null, trackingListName: null,
      isDrop: true, coupon: 0, previousValue: 1248, currentValue: 1099,
    });
    expect(n.title).toMatch(/\S/);
    expect(n.currentPrices.slice(0, 2)).toEqual([1099, 1099]);
    expect(n.currentPrices[18]).toBe(1099); // BUY_BOX_SHIPPING landed
    notificationId = n.notificationId;
    // read once: gone without revise, there with it
    expect((await keepa('GET', 'type=notification&since=0&revise=0')).body.notifications).toEqual([]);
    expect((await keepa('GET', `type=notification&since=${minute}&revise=1`)).body.notifications.map((x: { notificationId: string }) => x.notificationId)).toEqual([notificationId]);
    expect((await keepa('GET', `type=notification&since=${minute + 1}&revise=1`)).body.notifications).toEqual([]);
    // the tracking records it in notificationCSV (domain, csvType, channel, cause, minute)
    const got = await keepa('GET', `type=get&asin=${ASIN}`);
    expect(got.body.trackings[0].notificationCSV).toEqual([1, 0, 0, 1, minute, 1, 0, 5, 1, minute]);
  });

  it('pushes it once to the webhook with a valid signature and e-mails it once', async () => {
    expect(await dispatch()).toMatchObject({ delivered: 2, retrying: 0, failed: 0 });
    expect(hook.hits).toHaveLength(1);
    const [hit] = hook.hits;
    const secret = (await keepa('GET', `type=webhook&url=${encodeURIComponent(hook.url)}`)).body.webhookSecret;
    expect(verifySignature(String(hit!.headers['x-pricekeep-signature']), hit!.body, secret, { nowSeconds: clock.now() / 1000 })).toBe(true);
    expect(hit!.headers['content-type']).toBe('application/json');
    expect(hit!.headers['x-pricekeep-delivery']).toBe(`keepa.notification:${notificationId}`);
    expect(JSON.parse(hit!.body)).toMatchObject({ asin: ASIN, trackingNotificationCause: 1, notificationId });
    expect(smtp.mails).toHaveLength(1);
    const mail = decodeMail(smtp.mails[0]!.raw);
    expect(smtp.mails[0]!.to).toEqual(['buyer@example.com']);
    expect(mail).toMatch(/^Subject: =\?UTF-8\?Q\?Desired_price_reached_\(AMAZON\)/m); // non-ASCII subject: RFC 2047 words
    expect(mail).toContain('Before:  $12.48');
    expect(mail).toContain('Now:     $10.99');
    expect(mail).toContain(`https://www.amazon.com/dp/${ASIN}`);
    expect(mail).toMatch(/Content-Type: text\/html/);
    expect(mail).toContain(`Message-ID: <notification-${notificationId}@pricekeep>`);
    expect(await dispatch()).toMatchObject({ delivered: 0, retrying: 0, failed: 0 });
  });

  it('lists it once in the key feed and the product feed, with a stable GUID', async () => {
    feedUrl = (await keepa('GET', `type=webhook&url=${encodeURIComponent(hook.url)}`)).body.feedUrl.replace('http://pricekeep.test', '');
    const first = await feed(feedUrl);
    expect(first.status).toBe(200);
    expect(first.type).toBe('application/rss+xml; charset=utf-8');
    const guids = (text: string) => [...text.matchAll(/<guid isPermaLink="false">([^<]+)<\/guid>/g)].map((m) => m[1]);
    expect(guids(first.text)).toEqual([`urn:pricekeep:notification:${notificationId}`]);
    expect(first.text).toContain('$12.48 → $10.99');
    expect(guids((await feed(feedUrl)).text)).toEqual(guids(first.text));
    const atom = await feed(feedUrl.replace(/\.xml$/, '.atom'));
    expect(atom.type).toBe('application/atom+xml; charset=utf-8');
    expect([...atom.text.matchAll(/<entry><id>([^<]+)<\/id>/g)].map((m) => m[1])).toEqual([`urn:pricekeep:notification:${notificationId}`]);
    const product = await feed(feedUrl.replace(/\.xml$/, `/com/${ASIN}.xml`));
    expect(guids(product.text)).toEqual([`urn:pricekeep:notification:${notificationId}`]);
    expect(guids((await feed(feedUrl.replace(/\.xml$/, '/com/B000000000.xml'))).text)).toEqual([]);
    expect(await feed('/feed/not-a-token-at-all-really.xml')).toMatchObject({ status: 404, type: 'text/plain; charset=utf-8', text: 'No such feed.\n' });
  });

  it('a repeated scrape, a captcha and a 503 raise nothing more and deliver nothing twice', async () => {
    await makeDue();
    expect(await tick()).toMatchObject({ ok: 1, pointsWritten: 0 });
    for (const failure of ['captcha', '503'] as const) {
      mode = failure;
      await makeDue();
      expect(await tick()).toMatchObject({ failed: 1, pointsWritten: 0 });
    }
    mode = 'page';
    await makeDue();
    expect(await tick()).toMatchObject({ ok: 1, pointsWritten: 0 });
    expect(await dispatch()).toMatchObject({ delivered: 0 });
    expect((await keepa('GET', 'type=notification&since=0&revise=1')).body.notifications).toHaveLength(1);
    expect(hook.hits).toHaveLength(1);
    expect(smtp.mails).toHaveLength(1);
    const feedText = (await feed(feedUrl)).text;
    expect(feedText.match(/<item>/g)).toHaveLength(1);
  });

  it('a receiver failing three times gets it on the 4th try at 1, 2 and 5 minutes; one that always fails ends failed, visible in type=list', async () => {
    hook.answer = 500;
    current = pageAt(9, 49); // further below the threshold: PRICE_CHANGE_AFTER_DESIRED_PRICE once re-armed a day later
    clock.advance(86_400_000);
    await makeDue();
    await tick();
    const start = clock.now();
    const times: number[] = [];
    hook.onRequest = () => times.push((clock.now() - start) / 60_000);
    await dispatch();
    for (const wait of [60_000, 120_000]) {
      clock.advance(wait);
      await dispatch();
    }
    hook.answer = 200;
    clock.advance(300_000);
    await dispatch();
    expect(times).toEqual([0, 1, 3, 8]);
    const pushed = JSON.parse(hook.hits.at(-1)!.body);
    expect(pushed).toMatchObject({ trackingNotificationCause: 3, previousValue: 1099, currentValue: 949 });
    expect(new Set(hook.hits.slice(-4).map((h) => h.headers['x-pricekeep-delivery'])).size).toBe(1);

    hook.answer = 503;
    current = pageAt(8, 49);
    clock.advance(86_400_000);
    await makeDue();
    await tick();
    for (const wait of [0, 60_000, 120_000, 300_000, 900_000, 3_600_000]) {
      clock.advance(wait);
      await dispatch();
    }
    hook.answer = 200;
    const [failed] = (await listDeliveries(store.db, { status: 'failed' })).filter((d) => d.channel === 'webhook');
    expect(failed).toMatchObject({ attempts: 6, lastStatus: 503, lastError: 'http_status: answered 503' });
    const listed = await keepa('GET', 'type=list');
    expect(listed.body.trackings[0].deliveries).toMatchObject({ failed: 1, lastError: 'http_status: answered 503' });
    // operators see it in GET /status (and `pricekeep status`)
    const status = (await app.inject({ method: 'GET', url: '/status' })).json();
    expect(status.deliveries.webhook).toMatchObject({ failed: 1, pending: 0 });
    expect(status.deliveries.webhook.delivered).toBeGreaterThanOrEqual(2);
    expect(status.deliveries.email.delivered).toBeGreaterThanOrEqual(1);
    expect(status.deliveries.lastFailure).toMatchObject({ channel: 'webhook', topic: 'keepa.notification', subject: failed!.subject, error: 'http_status: answered 503' });
  });

  it('refuses a webhook at 127.0.0.1 or 169.254.169.254 with a clear error unless allowed', async () => {
    for (const target of ['http://127.0.0.1:8080/hook', 'http://169.254.169.254/latest/meta-data/']) {
      const response = await strictApp.inject({ method: 'GET', url: `/tracking?key=${key}&type=webhook&url=${encodeURIComponent(target)}` });
      expect(response.statusCode).toBe(400);
      expect(response.json().error).toMatchObject({ type: 'invalidParameter', message: expect.stringMatching(/^Invalid webhook URL: webhook target refused: (127\.0\.0\.1 is a loopback|169\.254\.169\.254 is a metadata) address/) });
    }
    expect((await keepa('GET', `type=webhook&url=${encodeURIComponent('http://127.0.0.1:8080/hook')}`)).status).toBe(200);
    expect((await keepa('GET', `type=webhook&url=${encodeURIComponent('http://169.254.169.254/')}`)).status).toBe(400);
    expect((await keepa('GET', `type=webhook&url=${encodeURIComponent('ftp://example.com/')}`)).body.error.message).toMatch(/must be http or https/);
    await keepa('GET', `type=webhook&url=${encodeURIComponent(hook.url)}`);
  });

  it('the shortest updateInterval among keys drives the scrape; removing the last tracking stops it', async () => {
    const other = await createKey(store, 'second-client', 100, clock.now());
    const OTHER = 'B07G2L3JMM';
    await keepa('POST', 'type=add', javaTracking(OTHER, 100, { updateInterval: 6 }));
    const interval = async () => (await listTracking(store, { asins: [OTHER] })).map((t) => t.intervalMinutes);
    expect(await interval()).toEqual([360]);
    await app.inject({ method: 'POST', url: `/tracking?key=${other}&type=add`, payload: [javaTracking(OTHER, 100, { updateInterval: 2 })] });
    expect(await interval()).toEqual([120]);
    await app.inject({ method: 'GET', url: `/tracking?key=${other}&type=remove&asin=${OTHER}` });
    expect(await interval()).toEqual([360]);
    expect((await keepa('GET', `type=remove&asin=${OTHER}`)).status).toBe(200);
    expect(await interval()).toEqual([]);
    expect((await keepa('GET', `type=remove&asin=${OTHER}`)).body.error.message).toBe(`ASIN ${OTHER} is not tracked.`);
  });

  it('a tracking whose ttl runs out is removed with an EXPIRED notification when expireNotify is set', async () => {
    const EXPIRING = 'B0BRZXRBZL';
    await keepa('POST', 'type=add&list=short', { ...javaTracking(EXPIRING, 100), ttl: 1, expireNotify: true });
    expect((await keepa('GET', 'type=listNames')).body.trackingListNames).toEqual(['short']);
    expect((await listTracking(store, { asins: [EXPIRING] }))).toHaveLength(1);
    clock.advance(59 * 60_000);
    expect((await dispatch()).expired).toBe(0);
    clock.advance(60_000);
    expect((await dispatch()).expired).toBe(1);
    expect((await listTracking(store, { asins: [EXPIRING] }))).toHaveLength(0);
    // pushed to the webhook by the dispatcher, so already read: revise=1
    const pulled = (await keepa('GET', 'type=notification&since=0&revise=1&list=short')).body.notifications;
    expect(pulled).toMatchObject([{ asin: EXPIRING, trackingNotificationCause: 0, trackingListName: 'short' }]);
    expect(keepaNow(clock.now)).toBeGreaterThanOrEqual(pulled[0].createDate);
  });

  it('answers bad tracking requests with Keepa errors, charging nothing', async () => {
    const before = (await app.inject({ method: 'GET', url: `/token?key=${key}` })).json().tokensLeft;
    const partly = await keepa('POST', 'type=add', [javaTracking('B00N150YS4', 900), { ...javaTracking('B0D4163L94', 900), updateInterval: 99 }, { asin: 'nope' }]);
    expect(partly.status).toBe(200);
    expect(partly.body.trackings.map((t: { asin: string }) => t.asin)).toEqual(['B00N150YS4']);
    expect(partly.body.error).toMatchObject({ type: 'invalidParameter', message: 'Failed ASINs: B0D4163L94,NOPE' });
    expect(partly.body.tokensConsumed).toBe(1);
    const none = await keepa('POST', 'type=add', { asin: 'nope' });
    expect([none.status, none.body.error.type, none.body.tokensConsumed]).toEqual([400, 'invalidParameter', 0]);
    expect((await keepa('GET', 'type=add')).body.error.type).toBe('missingParameter');
    expect((await keepa('GET', 'type=frobnicate')).body.error.type).toBe('invalidParameter');
    expect((await keepa('GET', 'type=get&asin=B000000000')).status).toBe(400);
    expect((await keepa('POST', 'type=add', Array(1001).fill(javaTracking(ASIN, 1)))).status).toBe(405);
    const form = await keepa('GET', `type=add&tracking=${encodeURIComponent(JSON.stringify([javaTracking('B0D4163L94', 500)]))}`);
    expect(form.body.trackings.map((t: { asin: string }) => t.asin)).toEqual(['B0D4163L94']);
    expect((await app.inject({ method: 'GET', url: `/token?key=${key}` })).json().tokensLeft).toBe(before - 2);
    expect((await keepa('GET', 'type=list&asins-only=1')).body.asinList).toEqual(['B00N150YS4', 'B0D4163L94']);
    expect((await keepa('GET', 'type=removeAll')).status).toBe(200);
    expect((await keepa('GET', 'type=list')).body.trackings).toEqual([]);
  });
});
