// The admin API refuses every request without the secret and every non-loopback peer; a
// request that passes runs a CLI command on the server's store and streams its output.
// It exists only where a server holds an embedded data directory (not with DATABASE_URL).
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isLoopback } from '../src/api/admin/guard.js';
import { buildServer } from '../src/api/server.js';
import { adminHooksFor, loopbackUrl } from '../src/cli/admin-server.js';
import { loadConfig } from '../src/config.js';
import { addTracking, type Store } from '../src/store/index.js';
import { silentLogger } from './helpers/api-server.js';
import { testEngines, useTestStore } from './helpers/engines.js';

const config = loadConfig({});
const embedded = testEngines().find((e) => e.name === 'embedded')!;
const server = testEngines().find((e) => e.name === 'server');

describe('admin API', () => {
  const handle = useTestStore(embedded);
  let app: FastifyInstance;
  let secret: string;
  let pokes = 0;

  beforeAll(async () => {
    const admin = adminHooksFor(handle.store, config, () => pokes++)!;
    secret = admin.secret;
    app = await buildServer({ store: handle.store, config, logger: silentLogger, admin });
  });
  afterAll(async () => {
    await app?.close();
  });

  const run = (argv: string[], options: { remoteAddress?: string; authorization?: string } = {}) =>
    app.inject({
      method: 'POST',
      url: '/admin/cli',
      remoteAddress: options.remoteAddress ?? '127.0.0.1',
      headers: { 'content-type': 'application/json', ...(options.authorization !== undefined && { authorization: options.authorization }) },
      payload: { argv, cwd: '/' },
    });
  const lines = (body: string) => body.trim().split('\n').map((line) => JSON.parse(line));

  it('refuses a request without the secret, or with another one', async () => {
    for (const authorization of [undefined, '', `Bearer ${'0'.repeat(64)}`, secret, `Basic ${secret}`, `Bearer ${secret}x`]) {
      const response = await run(['status'], { authorization });
      expect(response.statusCode, String(authorization)).toBe(401);
      expect(response.json()).toMatchObject({ error: 'unauthorized' });
    }
  });

  it('refuses any non-loopback peer, even with the secret', async () => {
    for (const remoteAddress of ['203.0.113.7', '10.0.0.2', '::ffff:192.168.1.5', 'fe80::1', '2001:db8::1']) {
      const response = await run(['status'], { remoteAddress, authorization: `Bearer ${secret}` });
      expect(response.statusCode, remoteAddress).toBe(403);
      expect(response.json()).toMatchObject({ error: 'not_loopback' });
    }
  });

  it('runs a command marked viaServer on the server store and streams its output and exit code', async () => {
    await addTracking(handle.store, 1, ['B0ADMIN001'], 60);
    const response = await run(['track', 'list', '--json'], { authorization: `Bearer ${secret}` });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/application\/x-ndjson/);
    const body = lines(response.body);
    expect(body.at(-1)).toEqual({ exit: 0 });
    expect(JSON.parse(body[0].stdout)).toEqual([expect.objectContaining({ asin: 'B0ADMIN001' })]);
    const before = pokes;
    const ipv6 = await run(['keys', 'revoke', 'nobody'], { remoteAddress: '::1', authorization: `Bearer ${secret}` });
    expect(lines(ipv6.body)).toEqual([{ stderr: 'pricekeep: no live key with id or name "nobody"\n' }, { exit: 1 }]);
    // every command wakes the scheduler (a `track add` is scraped at once)
    expect(pokes).toBe(before + 1);
  });

  it('runs no command that is not marked viaServer', async () => {
    const response = await run(['start'], { authorization: `Bearer ${secret}` });
    expect(lines(response.body)).toEqual([{ stderr: expect.stringMatching(/does not run through the server/) }, { exit: 2 }]);
  });

  it('answers unknown admin paths and malformed bodies in its own shape', async () => {
    expect((await app.inject({ method: 'GET', url: '/admin/nothing' })).json()).toMatchObject({ error: 'not_found' });
    const bad = await app.inject({
      method: 'POST', url: '/admin/cli', remoteAddress: '127.0.0.1',
      headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' }, payload: { argv: 'status' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: 'invalid_body' });
  });

  it('knows loopback addresses', () => {
    expect(['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1'].every(isLoopback)).toBe(true);
    expect(['128.0.0.1', '::2', '::ffff:10.0.0.1', undefined].some(isLoopback)).toBe(false);
    expect(loopbackUrl({ address: '0.0.0.0', family: 'IPv4', port: 8080 })).toBe('http://127.0.0.1:8080');
    expect(loopbackUrl({ address: '::', family: 'IPv6', port: 8080 })).toBe('http://[::1]:8080');
    expect(loopbackUrl({ address: '192.168.1.5', family: 'IPv4', port: 8080 })).toBeNull();
  });
});

describe('without a server holding an embedded data directory', () => {
  it('a server without admin hooks answers 404 on /admin', async () => {
    const app = await buildServer({ store: {} as Store, config, logger: silentLogger });
    try {
      const response = await app.inject({ method: 'POST', url: '/admin/cli', remoteAddress: '127.0.0.1', payload: { argv: ['status'], cwd: '/' } });
      expect(response.statusCode).toBe(404);
      expect(response.json()).toMatchObject({ error: 'not_enabled' });
    } finally {
      await app.close();
    }
  });

  describe.runIf(server)('with DATABASE_URL', () => {
    const handle = useTestStore(server!);
    it('enables no admin API: every process opens the database itself', () => {
      expect(adminHooksFor(handle.store, config, () => {})).toBeNull();
    });
  });
});
