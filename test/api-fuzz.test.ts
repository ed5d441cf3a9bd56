// 2,400 generated requests over raw sockets (so malformed URLs, unknown methods and
// over-long lines reach the server as sent): the server stays up, nothing answers 5xx,
// every answer outside the root routes carries Keepa's envelope, no key reaches the log,
// and the stored data is unchanged.
import { connect } from 'node:net';
import { Writable } from 'node:stream';
import { gunzipSync, inflateSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../src/api/server.js';
import { loadConfig } from '../src/config.js';
import { redactingDestination } from '../src/logger.js';
import { splitKeepaProduct } from '../src/keepa/product-object.js';
import { importKeepaProduct, readProducts } from '../src/store/index.js';
import { apiHarness, createKey, type ApiHarness } from './helpers/api-server.js';
import { testEngines } from './helpers/engines.js';
import { KEEPA_FULL, keepaFixture } from './helpers/fixtures.js';
import { mulberry32 } from '../bench/prng.js';

const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 2400);
const ASIN = 'B0D8W1YVBX';
const ENVELOPE = ['timestamp', 'tokensLeft', 'refillIn', 'refillRate', 'tokenFlowReduction', 'tokensConsumed', 'processingTimeInMs'];
const ROOT_ROUTES = /^\/(health|status|documentation)(\/|\?|$)/;
// GET / is the dashboard's product list page (src/api/web), HTML for any client; a URL
// refused before routing (too long) is still answered by the Keepa fallback.
const WEB_PAGE = /^GET \/(\?| )/;

interface RawAnswer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
}

/** Sends `raw` as is and reads the whole answer (the server closes: Connection: close). */
function rawRequest(port: number, raw: Buffer): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.setTimeout(20_000, () => socket.destroy(new Error('answer timed out')));
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', (error) => {
      // The server may close before reading a body it refuses; what it answered still counts.
      if (chunks.length > 0) socket.emit('end');
      else reject(error);
    });
    socket.on('end', () => {
      const all = Buffer.concat(chunks);
      const split = all.indexOf('\r\n\r\n');
      const head = all.subarray(0, split).toString('latin1').split('\r\n');
      const status = Number(head[0]!.split(' ')[1]);
      const headers: Record<string, string> = {};
      for (const line of head.slice(1)) {
        const i = line.indexOf(':');
        headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
      }
      let body: Buffer = Buffer.from(all.subarray(split + 4));
      if (headers['transfer-encoding'] === 'chunked') body = dechunk(body);
      if (headers['content-encoding'] === 'gzip') body = gunzipSync(body);
      if (headers['content-encoding'] === 'deflate') body = inflateSync(body);
      resolve({ status, headers, body });
      socket.destroy();
    });
    // Not end(): a half-closed socket lets Node drop an answer still being computed.
    socket.write(raw);
  });
}

function dechunk(data: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const eol = data.indexOf('\r\n', at);
    const size = parseInt(data.subarray(at, eol).toString(), 16);
    if (!size) break;
    parts.push(data.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

function generator(seed: number, keys: { valid: string; unknown: string }) {
  const random = mulberry32(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const methods = ['GET', 'GET', 'GET', 'GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'PROPFIND', 'FOO', 'get', 'TRACE', 'CONNECT'];
  const paths = ['/product', '/product/', '/token', '/tracking/add', '/tracking/list', '/tracking', '/deal', '/query', '/graphimage',
    '/', '/nothing', '/PRODUCT', '/product/%zz', '/%', '/..%2f..%2fetc/passwd', '//product', '/product;x=1', '/\u00e9t\u00e9', '/a/b/c/d/e'];
  const values = ['1', '0', '-1', '180', 'abc', '', '%', '%zz', '%00', '%E2%82', '1,2,3', '9999999999999999999', 'null', '[]', '{"a":1}',
    ASIN, `${ASIN},${ASIN}`, 'B000000000', '\u00e9', '%F0%9F%98%80', 'x'.repeat(300), '2025-01-01,2025-02-01', '1e309', 'NaN'];
  const names = ['key', 'domain', 'asin', 'code', 'stats', 'history', 'days', 'update', 'offers', 'buybox', 'rating', 'x', 'KEY', 'asin[]', '', '%zz'];
  const keyValue = () => pick([keys.valid, keys.valid, keys.unknown, 'short', '', keys.valid.toUpperCase(), `${keys.valid}x`]);
  return (): Buffer => {
    let method = pick(methods);
    let path = pick(paths);
    const params: string[] = [];
    const count = Math.floor(random() * 6);
    for (let i = 0; i < count; i++) {
      const name = pick(names);
      params.push(`${name}=${name === 'key' ? keyValue() : pick(values)}`);
    }
    if (random() < 0.03) params.push(`asin=${'B0D8W1YVBX,'.repeat(2000)}`); // over Node's 16 kB line
    if (random() < 0.05) params.push('&&&==&');
    if (random() < 0.12) {
      // A well-formed request now and then, reordered and re-cased as clients do.
      path = pick(['/product', '/product/', '/token']);
      params.length = 0;
      params.push(`key=${keys.valid}`);
      if (path !== '/token') params.push('domain=1', `asin=${pick([ASIN, ASIN.toLowerCase(), `${ASIN},B000000000`])}`, pick(['stats=180', 'history=0', 'days=30', 'rating=1']));
      params.reverse();
      method = 'GET';
    }
    if (params.length > 0) path += `?${params.join('&')}`;
    const headers = [`Host: 127.0.0.1`, 'Connection: close'];
    if (random() < 0.5) headers.push('Accept-Encoding: gzip');
    let body = '';
    if (random() < 0.15) {
      body = pick(['[{"asin":"B0D8W1YVBX"}]', '{', 'x'.repeat(2000), '\u0000\u0001', '{"a":'.repeat(50)]);
      headers.push(`Content-Type: ${pick(['application/json', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data'])}`);
      headers.push(`Content-Length: ${Buffer.byteLength(body)}`);
    }
    if (random() < 0.02) headers.push(`X-Big: ${'y'.repeat(20_000)}`);
    return Buffer.from(`${method} ${path} HTTP/1.1\r\n${headers.join('\r\n')}\r\n\r\n${body}`, 'latin1');
  };
}

describe.each(testEngines())('API fuzz on $name', (engine) => {
  let harness: ApiHarness;
  let app: FastifyInstance;
  let port: number;
  let log = '';
  let validKey: string;

  beforeAll(async () => {
    harness = await apiHarness(engine);
    await importKeepaProduct(harness.store, splitKeepaProduct(keepaFixture(KEEPA_FULL).products[0]!));
    validKey = await createKey(harness.store, 'fuzz', 100_000, harness.clock.ms);
    const capture = new Writable({
      write(chunk, _encoding, callback) {
        log += chunk.toString();
        callback();
      },
    });
    const logger = pino({ level: 'info' }, redactingDestination(capture as never));
    app = await buildServer({ store: harness.store, config: loadConfig({}), clock: harness.clock.now, logger });
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.server.address() as { port: number }).port;
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await harness?.close();
  });

  it(`${REQUESTS} generated requests: no 5xx, the envelope on every Keepa answer, no key in the log, data unchanged`, async () => {
    const before = JSON.stringify([...(await readProducts(harness.store, 1, [ASIN])).entries()]);
    const next = generator(20261201, { valid: validKey, unknown: 'z'.repeat(64) });
    const requests = Array.from({ length: REQUESTS }, next);
    const problems: string[] = [];
    const statuses = new Map<number, number>();
    let index = 0;
    const lane = async () => {
      while (index < requests.length) {
        const raw = requests[index++]!;
        const line = raw.subarray(0, Math.min(raw.indexOf('\r\n'), 200)).toString('latin1');
        const answer = await rawRequest(port, raw);
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
        if (answer.status >= 500) problems.push(`${answer.status} for ${line}`);
        const path = line.split(' ')[1] ?? '';
        const isHead = line.startsWith('HEAD ');
        if (WEB_PAGE.test(line) && answer.status === 200) {
          if (!/text\/html/.test(answer.headers['content-type'] ?? '')) problems.push(`dashboard page not HTML for ${line}`);
        } else if (!ROOT_ROUTES.test(path) && !isHead) {
          let body: Record<string, unknown> | null = null;
          try {
            body = JSON.parse(answer.body.toString('utf8'));
          } catch {
            problems.push(`not JSON (${answer.status}) for ${line}`);
          }
          if (body) {
            const missing = ENVELOPE.filter((field) => !(field in body!));
            if (missing.length > 0) problems.push(`no envelope (${missing.join(',')}) for ${line}`);
            if (answer.status >= 400 && typeof (body.error as { type?: unknown } | undefined)?.type !== 'string') problems.push(`no error.type for ${line}`);
          }
          if (!/application\/json/.test(answer.headers['content-type'] ?? '')) problems.push(`content-type ${answer.headers['content-type']} for ${line}`);
        }
      }
    };
    await Promise.all(Array.from({ length: 8 }, lane));

    expect(problems.slice(0, 20)).toEqual([]);
    expect(index).toBe(REQUESTS);
    // still serving
    const health = await app.inject({ method: 'GET', url: '/health' });
    expect(health.statusCode).toBe(200);
    // no key, valid or not, in any log line
    expect(log.length).toBeGreaterThan(0);
    expect(log).not.toContain(validKey);
    expect(log).not.toContain(validKey.toUpperCase());
    expect(log).not.toContain('z'.repeat(64));
    // the stored product is untouched
    const after = JSON.stringify([...(await readProducts(harness.store, 1, [ASIN])).entries()]);
    expect(after).toBe(before);
    // the generator reached the interesting answers
    expect([...statuses.keys()].sort()).toEqual(expect.arrayContaining([200, 400, 404]));
  }, 600_000);
});
