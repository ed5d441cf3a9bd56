// API keys never reach a log line, wherever they hide: a URL, an error message, a header.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, redactSecrets } from '../src/logger.js';

const KEEPA_KEY = 'a'.repeat(32) + '0123456789abcdef0123456789abcdef';
const ASA_KEY = 'asa_live_9f8e7d6c5b4a39281706f5e4d3c2b1a0';

describe('log redaction', () => {
  it('replaces Keepa keys in query strings, Bearer tokens and ASA keys with ***', () => {
    expect(redactSecrets(`GET /product?key=${KEEPA_KEY}&domain=1`)).toBe('GET /product?key=***&domain=1');
    expect(redactSecrets(`/token?domain=1&KEY=${KEEPA_KEY}`)).toBe('/token?domain=1&KEY=***');
    expect(redactSecrets(`"authorization":"Bearer ${ASA_KEY}"`)).toBe('"authorization":"Bearer ***"');
    expect(redactSecrets(`key ${ASA_KEY} revoked`)).toBe('key asa_live_*** revoked');
    expect(redactSecrets(`'/x?key=${KEEPA_KEY}' is not a valid url component`)).toBe(`'/x?key=***' is not a valid url component`);
  });

  it('applies to every line a logger writes, messages and error objects included', () => {
    let out = '';
    const sink = new Writable({ write(chunk, _e, done) { out += chunk.toString(); done(); } });
    const logger = createLogger('info', sink as never);
    logger.info({ url: `/product?key=${KEEPA_KEY}` }, 'incoming');
    logger.error({ err: new Error(`bad request /product?asin=1&key=${KEEPA_KEY}`) }, 'failed');
    logger.warn({ headers: { authorization: `Bearer ${ASA_KEY}` } }, 'asa');
    expect(out.split('\n').filter(Boolean)).toHaveLength(3);
    expect(out).not.toContain(KEEPA_KEY);
    expect(out).not.toContain(ASA_KEY.slice(9));
  });
});
