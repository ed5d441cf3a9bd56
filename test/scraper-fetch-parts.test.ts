// The fetcher's building blocks in isolation: backoff and Retry-After, proxy rotation and
// cooldown, the per-host limiter, cookies and Accept-Language.
import { describe, expect, it } from 'vitest';
import { parseRetryAfter, retryDelay } from '../src/scraper/fetch/backoff.js';
import { CookieJar } from '../src/scraper/fetch/cookie-jar.js';
import { acceptLanguage } from '../src/scraper/fetch/headers.js';
import { HostLimiter } from '../src/scraper/fetch/host-limiter.js';
import { ProxyPool, redactProxy } from '../src/scraper/fetch/proxy-pool.js';
import { ManualTimerClock, settle } from './helpers/timer-clock.js';

describe('backoff', () => {
  const policy = (r: number) => ({ baseMs: 1000, maxMs: 30_000, random: () => r });

  it('doubles per attempt, jittered within the upper half, capped', () => {
    expect([1, 2, 3, 4].map((n) => retryDelay(policy(0), n))).toEqual([500, 1000, 2000, 4000]);
    expect([1, 2, 3, 4].map((n) => retryDelay(policy(0.999), n))).toEqual([999, 1999, 3998, 7996]);
    expect(retryDelay(policy(0), 20)).toBe(15_000);
  });

  it('waits at least Retry-After', () => {
    expect(retryDelay(policy(0), 1, 2000)).toBe(2000);
    expect(retryDelay(policy(0.5), 3, 2000)).toBeGreaterThanOrEqual(2000);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-04-20T14:32:00Z');
    expect(parseRetryAfter('2', now)).toBe(2000);
    expect(parseRetryAfter('Mon, 20 Apr 2026 14:32:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });
});

describe('ProxyPool', () => {
  it('rotates, rests a proxy after 3 failures in a row with a doubling cooldown, and recovers on success', () => {
    let now = 0;
    const pool = new ProxyPool(['http://a:1', 'http://b:2'], { cooldownMs: 1000, now: () => now });
    expect([pool.pick(), pool.pick(), pool.pick()]).toEqual(['http://a:1', 'http://b:2', 'http://a:1']);
    for (let i = 0; i < 3; i++) pool.failed('http://a:1');
    expect([pool.pick(), pool.pick()]).toEqual(['http://b:2', 'http://b:2']);
    now = 1001;
    expect([pool.pick(), pool.pick()]).toContain('http://a:1');
    for (let i = 0; i < 3; i++) pool.failed('http://a:1');
    expect(pool.stats()[0].coolingUntil).toBe(1001 + 2000);
    pool.succeeded('http://a:1');
    expect(pool.stats()[0]).toMatchObject({ coolingUntil: 0, consecutiveFailures: 0, failures: 6, successes: 1 });
  });

  it('avoids the proxy that just failed when another is usable', () => {
    const pool = new ProxyPool(['http://a:1', 'http://b:2']);
    expect(pool.pick('http://a:1')).toBe('http://b:2');
    expect(pool.pick('http://b:2')).toBe('http://a:1');
    expect(new ProxyPool([]).pick()).toBeNull();
  });

  it('never shows credentials', () => {
    expect(redactProxy('http://user:secret@10.0.0.1:8080')).toBe('http://10.0.0.1:8080');
  });
});

describe('HostLimiter', () => {
  it('spaces request starts 1/rate apart on its clock, per host', async () => {
    const clock = new ManualTimerClock();
    const limiter = new HostLimiter(10, 10, clock);
    const started: Array<[string, number]> = [];
    const permits = ['a', 'a', 'a', 'b', 'a'].map((host) =>
      limiter.acquire(host).then((permit) => {
        started.push([host, clock.now()]);
        return permit;
      }));
    await settle(() => started.length === 2 && clock.pending() === 3);
    expect(started).toEqual([['a', 0], ['b', 0]]);
    clock.advance(99);
    await Promise.resolve();
    expect(started).toHaveLength(2);
    for (let i = 0; i < 3; i++) {
      clock.advance(i === 0 ? 1 : 100);
      await settle(() => started.length === 3 + i);
    }
    expect(started).toEqual([['a', 0], ['b', 0], ['a', 100], ['a', 200], ['a', 300]]);
    expect((await Promise.all(permits)).map((p) => p.waitedMs)).toEqual([0, 100, 200, 0, 300]);
  });

  it('queues beyond the concurrency limit per host, not across hosts', async () => {
    const clock = new ManualTimerClock();
    const limiter = new HostLimiter(1, 1000, clock);
    const a = await limiter.acquire('a');
    const b = await limiter.acquire('b');
    let second = false;
    const pending = limiter.acquire('a').then((p) => {
      second = true;
      return p;
    });
    await settle(() => limiter.snapshot().a?.queued === 1);
    expect(second).toBe(false);
    expect(limiter.snapshot().a).toEqual({ active: 1, queued: 1 });
    a.release();
    clock.advance(1); // the next start on host a is 1 ms (1/rate) after the first
    (await pending).release();
    b.release();
    expect(limiter.snapshot()).toEqual({ a: { active: 0, queued: 0 }, b: { active: 0, queued: 0 } });
  });

  it('drops an aborted waiter from the queue', async () => {
    const limiter = new HostLimiter(1, 1000, new ManualTimerClock());
    const held = await limiter.acquire('a');
    const controller = new AbortController();
    const waiting = limiter.acquire('a', controller.signal);
    controller.abort(new Error('gone'));
    await expect(waiting).rejects.toThrow('gone');
    held.release();
    expect(limiter.snapshot().a).toEqual({ active: 0, queued: 0 });
  });
});

describe('CookieJar and headers', () => {
  it('keeps cookies per host and forgets expired ones', () => {
    const jar = new CookieJar();
    jar.store('www.amazon.de', ['session-id=1; Path=/', 'ubid-acbde=2; Path=/']);
    jar.store('www.amazon.de', 'ubid-acbde=; Max-Age=0');
    expect(jar.header('www.amazon.de')).toBe('session-id=1');
    expect(jar.header('www.amazon.com')).toBeUndefined();
  });

  it('asks for the marketplace language first', () => {
    expect(acceptLanguage('de_DE')).toBe('de-DE,de;q=0.9,en;q=0.8');
    expect(acceptLanguage('en_GB')).toBe('en-GB,en;q=0.9');
    expect(acceptLanguage('ja_JP')).toBe('ja-JP,ja;q=0.9,en;q=0.8');
  });
});
