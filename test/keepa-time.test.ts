import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fromKeepaMinute, keepaMinuteToUnixMs, toKeepaMinute, KEEPA_EPOCH_MINUTES } from '../src/keepa/time.js';

const fixture = (name: string) => JSON.parse(readFileSync(`../shared/fixtures/keepa/${name}`, 'utf8'));

describe('Keepa minutes', () => {
  it('start at 2011-01-01T00:00Z', () => {
    expect(toKeepaMinute(new Date('2011-01-01T00:00:00Z'))).toBe(0);
    expect(fromKeepaMinute(0).toISOString()).toBe('2011-01-01T00:00:00.000Z');
    expect(KEEPA_EPOCH_MINUTES * 60_000).toBe(Date.parse('2011-01-01T00:00:00Z'));
  });

  it('round-trip every minute from 2010 to 2030 exactly', () => {
    const first = toKeepaMinute(Date.parse('2010-01-01T00:00:00Z'));
    const last = toKeepaMinute(Date.parse('2030-01-01T00:00:00Z'));
    let mismatches = 0;
    for (let minute = first; minute <= last; minute++) {
      const ms = keepaMinuteToUnixMs(minute);
      // every instant inside the minute maps back to it, the next millisecond after does not
      if (toKeepaMinute(ms) !== minute || toKeepaMinute(ms + 59_999) !== minute || toKeepaMinute(ms - 1) !== minute - 1) {
        mismatches++;
      }
    }
    expect(last - first).toBeGreaterThan(10_000_000);
    expect(mismatches).toBe(0);
  });

  it('match the timestamp/lastUpdate pairs of the real Keepa responses', () => {
    const full = fixture('product_B0D8W1YVBX_us_stats180_buybox_rating.json');
    const later = fixture('product_B0D8W1YVBX_us_empty_stats_interval_aplus.json');
    // sidecars: 1778386768884 ms = minute 8075779; 1778392006978 ms = minute 8075866
    expect(toKeepaMinute(full.timestamp)).toBe(8075779);
    expect(toKeepaMinute(later.timestamp)).toBe(8075866);
    for (const response of [full, later]) {
      const product = response.products[0];
      const now = toKeepaMinute(response.timestamp);
      // a product is refreshed before the response that carries it
      expect(product.lastUpdate).toBeLessThanOrEqual(now);
      expect(now - product.lastUpdate).toBeLessThan(60);
      expect(product.trackingSince).toBeLessThan(product.lastUpdate);
    }
    expect(fromKeepaMinute(full.products[0].lastUpdate).toISOString()).toBe('2026-05-10T04:02:00.000Z');
    const notification = fixture('tracking_notification_webhook_test.json');
    expect(fromKeepaMinute(notification.createDate).toISOString()).toBe('2025-07-05T18:44:00.000Z');
  });

  it('rejects what is not an instant or a whole minute', () => {
    expect(() => toKeepaMinute(new Date('garbage'))).toThrow(RangeError);
    expect(() => keepaMinuteToUnixMs(1.5)).toThrow(RangeError);
  });
});

describe('parseInstant (export --as-of)', () => {
  it('reads ISO dates as UTC midnight and date-times with their zone', async () => {
    const { parseInstant } = await import('../src/keepa/instant.js');
    expect(parseInstant('2026-05-10')).toBe(Date.UTC(2026, 4, 10));
    expect(parseInstant('2026-05-10T04:20:00Z')).toBe(Date.UTC(2026, 4, 10, 4, 20));
    expect(parseInstant('2026-05-10T06:20:00+02:00')).toBe(Date.UTC(2026, 4, 10, 4, 20));
  });

  it('refuses what Date.parse would guess at: no zone, prose, impossible dates', async () => {
    const { parseInstant } = await import('../src/keepa/instant.js');
    for (const text of ['2026-05-10T04:20:00', 'May 10 2026', '2026-02-30', '2026-13-01T00:00:00Z', '', 'now']) {
      expect(parseInstant(text), text).toBeNull();
    }
  });
});
