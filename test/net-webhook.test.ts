import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkWebhookUrl, classifyAddress, MAX_RESPONSE_BYTES, nextAttemptAt, postWebhook, RETRY_DELAYS_MS,
  signPayload, verifySignature, type Resolver,
} from '../src/net/index.js';

describe('address policy', () => {
  it.each([
    ['127.0.0.1', 'loopback'], ['127.255.0.9', 'loopback'], ['10.1.2.3', 'private'], ['172.31.255.255', 'private'],
    ['172.32.0.1', 'public'], ['192.168.1.10', 'private'], ['100.64.0.1', 'cgnat'], ['100.100.100.200', 'metadata'],
    ['169.254.169.254', 'metadata'], ['169.254.10.1', 'link-local'], ['0.0.0.0', 'unspecified'], ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'broadcast'], ['8.8.8.8', 'public'], ['::1', 'loopback'], ['::', 'unspecified'],
    ['::ffff:127.0.0.1', 'loopback'], ['::ffff:7f00:1', 'loopback'], ['::ffff:169.254.169.254', 'metadata'],
    ['::ffff:10.0.0.1', 'private'], ['::127.0.0.1', 'loopback'], ['64:ff9b::a9fe:a9fe', 'metadata'],
    ['2002:7f00:1::', 'loopback'], ['fd00::1', 'unique-local'], ['fc12:3456::1', 'unique-local'],
    ['fd00:ec2::254', 'metadata'], ['fe80::1%eth0', 'link-local'], ['ff02::1', 'multicast'],
    ['2001:db8::1', 'reserved'], ['2606:4700:4700::1111', 'public'], ['2a00:1450:4001:82b::200e', 'public'],
    ['not-an-ip', 'reserved'],
  ])('%s is %s', (address, kind) => {
    expect(classifyAddress(address)).toBe(kind);
  });
});

const answers = (map: Record<string, string[]>): Resolver => async (host) => {
  const list = map[host];
  if (!list) throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
  return list.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
};

describe('webhook URL check', () => {
  const strict = { allowPrivate: false, resolve: answers({ 'hooks.example.com': ['93.184.215.14'], 'inside.example': ['93.184.215.14', '10.0.0.7'], 'meta.example': ['169.254.169.254'] }) };
  it('accepts a public http(s) URL', async () => {
    expect(await checkWebhookUrl('https://hooks.example.com/keepa?x=1', strict)).toMatchObject({ ok: true, addresses: [{ address: '93.184.215.14' }] });
  });
  it('refuses 127.0.0.1 and 169.254.169.254 with a clear error', async () => {
    expect(await checkWebhookUrl('http://127.0.0.1:8080/hook', strict)).toEqual({
      ok: false, code: 'refused_address',
      message: 'webhook target refused: 127.0.0.1 is a loopback address (PRICEKEEP_WEBHOOK_ALLOW_PRIVATE=1 allows private targets)',
    });
    expect(await checkWebhookUrl('http://169.254.169.254/latest/meta-data/', strict)).toMatchObject({
      ok: false, code: 'refused_address', message: 'webhook target refused: 169.254.169.254 is a metadata address',
    });
    expect(await checkWebhookUrl('http://[::ffff:127.0.0.1]/', strict)).toMatchObject({ ok: false, code: 'refused_address' });
  });
  it('allows private targets when told to, but never the metadata service', async () => {
    const home = { ...strict, allowPrivate: true };
    expect(await checkWebhookUrl('http://127.0.0.1:8080/hook', home)).toMatchObject({ ok: true });
    expect(await checkWebhookUrl('http://inside.example/', home)).toMatchObject({ ok: true });
    expect(await checkWebhookUrl('http://169.254.169.254/', home)).toMatchObject({ ok: false, code: 'refused_address' });
    expect(await checkWebhookUrl('http://meta.example/', home)).toMatchObject({ ok: false, message: expect.stringContaining('meta.example resolves to 169.254.169.254') });
  });
  it('checks every DNS answer, not the name', async () => {
    expect(await checkWebhookUrl('https://inside.example/hook', strict)).toMatchObject({
      ok: false, code: 'refused_address', message: 'webhook target refused: inside.example resolves to 10.0.0.7 is a private address (PRICEKEEP_WEBHOOK_ALLOW_PRIVATE=1 allows private targets)',
    });
    expect(await checkWebhookUrl('https://nowhere.example/', strict)).toMatchObject({ ok: false, code: 'dns_failed' });
  });
  it('refuses other schemes and non-URLs', async () => {
    expect(await checkWebhookUrl('ftp://hooks.example.com/', strict)).toMatchObject({ ok: false, code: 'unsupported_scheme' });
    expect(await checkWebhookUrl('file:///etc/passwd', strict)).toMatchObject({ ok: false, code: 'unsupported_scheme' });
    expect(await checkWebhookUrl('hooks.example.com', strict)).toMatchObject({ ok: false, code: 'invalid_url' });
    expect(await checkWebhookUrl(`https://hooks.example.com/${'a'.repeat(3000)}`, strict)).toMatchObject({ ok: false, code: 'invalid_url' });
  });
});

describe('webhook delivery', () => {
  let server: Server;
  let base: string;
  const received: Array<{ path: string; body: string; headers: IncomingMessage['headers'] }> = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push({ path: req.url ?? '', body, headers: req.headers });
        if (req.url === '/ok') res.writeHead(200).end('thanks');
        else if (req.url === '/big') res.writeHead(200).end('x'.repeat(MAX_RESPONSE_BYTES * 3));
        else if (req.url === '/redirect') res.writeHead(302, { location: `${base}/ok` }).end();
        else if (req.url === '/hang') return; // never answers
        else res.writeHead(500).end('broken');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });
  const since = () => received.length;

  it('delivers a 2xx with the body and headers given', async () => {
    const n = since();
    const outcome = await postWebhook(`${base}/ok`, '{"a":1}', { 'x-test': 'yes' }, { allowPrivate: true });
    expect(outcome).toMatchObject({ ok: true, status: 200, body: 'thanks' });
    expect(received.slice(n)).toMatchObject([{ path: '/ok', body: '{"a":1}', headers: { 'content-type': 'application/json', 'x-test': 'yes' } }]);
  });

  it('refuses a loopback target at delivery without connecting', async () => {
    const n = since();
    const outcome = await postWebhook(`${base}/ok`, '{}', {}, { allowPrivate: false });
    expect(outcome).toMatchObject({ ok: false, code: 'refused_address', retryable: false });
    expect(since()).toBe(n);
  });

  it('checks the DNS answer at connect time and connects to exactly that address', async () => {
    const port = new URL(base).port;
    const n = since();
    const refused = await postWebhook(`http://receiver.test:${port}/ok`, '{}', {}, { allowPrivate: false, resolve: answers({ 'receiver.test': ['127.0.0.1'] }) });
    expect(refused).toMatchObject({ ok: false, code: 'refused_address', message: expect.stringContaining('receiver.test resolves to 127.0.0.1') });
    expect(since()).toBe(n);
    // receiver.test exists only in the injected answer: delivery used the checked address
    const pinned = await postWebhook(`http://receiver.test:${port}/ok`, '{}', {}, { allowPrivate: true, resolve: answers({ 'receiver.test': ['127.0.0.1'] }) });
    expect(pinned).toMatchObject({ ok: true, status: 200 });
    expect(received.at(-1)!.headers.host).toBe(`receiver.test:${port}`);
  });

  it('does not follow redirects', async () => {
    const n = since();
    const outcome = await postWebhook(`${base}/redirect`, '{}', {}, { allowPrivate: true });
    expect(outcome).toMatchObject({ ok: false, code: 'redirect', status: 302, retryable: true });
    expect(received.slice(n).map((r) => r.path)).toEqual(['/redirect']);
  });

  it('reads at most 64 kB of the answer', async () => {
    const outcome = await postWebhook(`${base}/big`, '{}', {}, { allowPrivate: true });
    expect(outcome.ok && outcome.body.length).toBe(MAX_RESPONSE_BYTES);
  });

  it('reports a failing status and a receiver that never answers', async () => {
    expect(await postWebhook(`${base}/fail`, '{}', {}, { allowPrivate: true })).toMatchObject({ ok: false, code: 'http_status', status: 500, body: 'broken', message: 'answered 500' });
    expect(await postWebhook(`${base}/hang`, '{}', {}, { allowPrivate: true, totalTimeoutMs: 300 })).toMatchObject({ ok: false, code: 'timeout' });
  });

  it('reports a refused connection', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    expect(await postWebhook(`http://127.0.0.1:${port}/`, '{}', {}, { allowPrivate: true })).toMatchObject({ ok: false, code: 'connection_failed', retryable: true });
  });
});

describe('signatures and retry schedule', () => {
  it('signs t.body with HMAC-SHA256 and verifies it', () => {
    const header = signPayload('whsec_test', '{"asin":"B0"}', 1_780_000_000);
    // echo -n '1780000000.{"asin":"B0"}' | openssl dgst -sha256 -hmac whsec_test
    expect(header).toBe('t=1780000000,v1=9fde95f50cca4121221e65c8798650c0e10e6eb26571b8ea49b07b03cc2b98a6');
    expect(verifySignature(header, '{"asin":"B0"}', 'whsec_test', { nowSeconds: 1_780_000_010 })).toBe(true);
    expect(verifySignature(header, '{"asin":"B1"}', 'whsec_test', { nowSeconds: 1_780_000_010 })).toBe(false);
    expect(verifySignature(header, '{"asin":"B0"}', 'whsec_other', { nowSeconds: 1_780_000_010 })).toBe(false);
    expect(verifySignature(header, '{"asin":"B0"}', 'whsec_test', { nowSeconds: 1_780_000_000 + 3600 })).toBe(false);
  });
  it('retries after 1, 2, 5, 15 and 60 minutes, then gives up', () => {
    expect(RETRY_DELAYS_MS).toEqual([60_000, 120_000, 300_000, 900_000, 3_600_000]);
    expect([1, 2, 3, 4, 5, 6].map((n) => nextAttemptAt(n, 1000))).toEqual([61_000, 121_000, 301_000, 901_000, 3_601_000, null]);
  });
});
