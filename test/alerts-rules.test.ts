import { describe, expect, it } from 'vitest';
import { Cause } from '../src/alerts/enums.js';
import { deltaMet, evaluateChanges, type RuleState, type SeriesChange, type TrackingRules } from '../src/alerts/rules.js';
import { parseTrackingRequest, trackingRequestsOf } from '../src/alerts/tracking-request.js';
import type { ThresholdRule } from '../src/alerts/tracking-spec.js';

const threshold = (over: Partial<ThresholdRule> = {}): ThresholdRule => ({
  domain: 1, csvType: 1, thresholdValue: 1999, isDrop: true, minDeltaAbsolute: null, minDeltaPercentage: null,
  deltasAreBetweenNotifications: false, thresholdValueCSV: [], ...over,
});
const rules = (over: Partial<TrackingRules> = {}): TrackingRules => ({ thresholdValues: [threshold()], notifyIf: [], individualNotificationInterval: -1, ...over });

/** Runs a price path [t, value] through the rules; returns the causes that fired, with their minute. */
function run(r: TrackingRules, path: ReadonlyArray<readonly [number, number]>, csvType = 1, start: number | null = null): Array<[number, number]> {
  let state: RuleState = {};
  let before: number | null = start;
  const out: Array<[number, number]> = [];
  for (const [t, value] of path) {
    const change: SeriesChange = { domainId: 1, csvType, t, before, after: value };
    const result = evaluateChanges(r, state, [change]);
    state = result.state;
    out.push(...result.fired.map((f) => [f.t, f.cause] as [number, number]));
    before = value;
  }
  return out;
}

describe('threshold rules', () => {
  it('fires DESIRED_PRICE once when a drop reaches the threshold, at or below', () => {
    expect(run(rules(), [[0, 2500], [60, 2200], [120, 1999], [180, 1999]], 1, 2600)).toEqual([[120, Cause.DESIRED_PRICE]]);
    expect(run(rules(), [[0, 2000]], 1, 2500)).toEqual([]);
  });
  it('fires on a rise at or above when isDrop is false', () => {
    const r = rules({ thresholdValues: [threshold({ isDrop: false, thresholdValue: 3000 })] });
    expect(run(r, [[0, 2999], [10, 3000]], 1, 2500)).toEqual([[10, Cause.DESIRED_PRICE]]);
  });
  it('never counts out of stock (-1) or unknown (-2) as a desired price', () => {
    expect(run(rules(), [[0, -1], [10, -2], [20, 2100]], 1, 2500)).toEqual([]);
  });
  it('re-arms after individualNotificationInterval: DESIRED_PRICE_AGAIN on re-entry only once re-armed', () => {
    const r = rules({ individualNotificationInterval: 120 });
    // in at 0, out at 30, in again at 60 (not re-armed: silent), out at 90, in again at 150 (re-armed)
    expect(run(r, [[0, 1900], [30, 2100], [60, 1950], [90, 2100], [150, 1990]], 1, 2500)).toEqual([
      [0, Cause.DESIRED_PRICE], [150, Cause.DESIRED_PRICE_AGAIN],
    ]);
  });
  it('uses a one-day re-arm for -1 and notifies only once for 0', () => {
    const path = [[0, 1900], [60, 2100], [1500, 1900]] as const;
    expect(run(rules(), path, 1, 2500)).toEqual([[0, Cause.DESIRED_PRICE], [1500, Cause.DESIRED_PRICE_AGAIN]]);
    expect(run(rules(), [[0, 1900], [60, 2100], [1439, 1900]], 1, 2500)).toEqual([[0, Cause.DESIRED_PRICE]]);
    expect(run(rules({ individualNotificationInterval: 0 }), path, 1, 2500)).toEqual([[0, Cause.DESIRED_PRICE]]);
  });
  it('reports a further drop inside the range as PRICE_CHANGE_AFTER_DESIRED_PRICE once re-armed', () => {
    const r = rules({ individualNotificationInterval: 60 });
    expect(run(r, [[0, 1900], [30, 1800], [90, 1700], [100, 1750], [200, 1760], [300, 1600]], 1, 2500)).toEqual([
      [0, Cause.DESIRED_PRICE], [90, Cause.PRICE_CHANGE_AFTER_DESIRED_PRICE], [300, Cause.PRICE_CHANGE_AFTER_DESIRED_PRICE],
    ]);
  });
});

describe('minimum deltas', () => {
  it('a change smaller than minDeltaAbsolute never notifies', () => {
    const r = rules({ thresholdValues: [threshold({ minDeltaAbsolute: 200 })], individualNotificationInterval: 1 });
    // 2050 → 1990 enters the range by 60 cents: below the delta, silent; 1990 → 1800 is 250 below 2050 (the baseline)
    expect(run(r, [[0, 1990], [10, 1800]], 1, 2050)).toEqual([[10, Cause.DESIRED_PRICE]]);
  });
  it('PRICE_CHANGE: a pure percent-drop rule measures from the value at its last notification', () => {
    const r = rules({ thresholdValues: [threshold({ thresholdValue: 0, minDeltaPercentage: 10 })], individualNotificationInterval: 1 });
    // a slow slide from 10.00: 9.50, 9.20 (8% down), 8.99 (10.1%: fires), 8.50 (5.4% below 8.99), 8.09 (10.0% below 8.99: fires)
    expect(run(r, [[0, 950], [10, 920], [20, 899], [30, 850], [40, 809]], 1, 1000)).toEqual([
      [20, Cause.PRICE_CHANGE], [40, Cause.PRICE_CHANGE],
    ]);
  });
  it('counts percent in integers and never for a move the wrong way', () => {
    const t = threshold({ minDeltaPercentage: 10 });
    expect(deltaMet(t, 1000, 900)).toBe(true);
    expect(deltaMet(t, 1000, 901)).toBe(false);
    expect(deltaMet(t, 1000, 1100)).toBe(false);
    expect(deltaMet(t, null, 900)).toBe(false);
    expect(deltaMet(threshold({ isDrop: false, minDeltaPercentage: 10 }), 1000, 1100)).toBe(true);
  });
});

describe('stock triggers', () => {
  const stock = (notifyIfType: 0 | 1): TrackingRules => ({ thresholdValues: [], notifyIf: [{ domain: 1, csvType: 0, notifyIfType }], individualNotificationInterval: -1 });
  it('OUT_OF_STOCK fires OUT_STOCK when a price goes to -1; BACK_IN_STOCK fires IN_STOCK on the way back', () => {
    const path = [[0, 1200], [10, -1], [20, -1], [30, 1300], [40, -1]] as const;
    expect(run(stock(0), path, 0, 1100)).toEqual([[10, Cause.OUT_STOCK], [40, Cause.OUT_STOCK]]);
    expect(run(stock(1), path, 0, 1100)).toEqual([[30, Cause.IN_STOCK]]);
  });
  it('a first value (no earlier one) is no transition', () => {
    expect(run(stock(1), [[0, 1200]], 0, null)).toEqual([]);
    expect(run(stock(0), [[0, -1]], 0, null)).toEqual([]);
  });
  it('watches only its own domain and csv type', () => {
    const r = stock(0);
    expect(evaluateChanges(r, {}, [{ domainId: 3, csvType: 0, t: 0, before: 100, after: -1 }]).fired).toEqual([]);
    expect(evaluateChanges(r, {}, [{ domainId: 1, csvType: 1, t: 0, before: 100, after: -1 }]).fired).toEqual([]);
  });
});

describe("Keepa's TrackingRequest", () => {
  // What the Java client sends (keepa-api-more.md §1.2), verbatim
  const java = {
    asin: 'B0D8W1YVBX', ttl: 17520, expireNotify: false, desiredPricesInMainCurrency: true, mainDomainId: 1,
    thresholdValues: [{ thresholdValue: 1999, domain: 1, csvType: 1, isDrop: true, deltasAreBetweenNotifications: false }],
    notifyIf: [{ domain: 1, csvType: 0, notifyIfType: 1 }],
    notificationType: [false, false, false, false, false, true, false, false],
    individualNotificationInterval: -1, updateInterval: 1,
  };
  it("parses the Java client's body", () => {
    expect(parseTrackingRequest(java)).toEqual({
      ok: true,
      spec: {
        asin: 'B0D8W1YVBX', mainDomainId: 1, ttl: 17520, expireNotify: false, desiredPricesInMainCurrency: true,
        thresholdValues: [{ domain: 1, csvType: 1, thresholdValue: 1999, isDrop: true, minDeltaAbsolute: null, minDeltaPercentage: null, deltasAreBetweenNotifications: false, thresholdValueCSV: [] }],
        notifyIf: [{ domain: 1, csvType: 0, notifyIfType: 1 }],
        notificationType: [false, false, false, false, false, true, false, false],
        individualNotificationInterval: -1, updateInterval: 1, metaData: null,
      },
    });
  });
  it('accepts a 7-entry notificationType, enum names, an updateInterval of 0 and a single object body', () => {
    const parsed = parseTrackingRequest({ ...java, notificationType: [false, false, false, false, false, true, false], notifyIf: [{ domain: 1, csvType: 0, notifyIfType: 'OUT_OF_STOCK' }], updateInterval: 0 });
    expect(parsed.ok && [parsed.spec.notificationType.length, parsed.spec.notifyIf[0]!.notifyIfType, parsed.spec.updateInterval]).toEqual([8, 0, 1]);
    expect(trackingRequestsOf(java)).toEqual([java]);
    expect(trackingRequestsOf([])).toMatch(/no tracking request/);
    expect(trackingRequestsOf(Array(1001).fill(java))).toMatch(/at most 1000/);
  });
  it('reports what is wrong, per ASIN', () => {
    expect(parseTrackingRequest({ ...java, asin: 'nope' })).toEqual({ ok: false, asin: 'NOPE', message: 'asin must be a 10-character ASIN, got "nope"' });
    expect(parseTrackingRequest({ ...java, mainDomainId: 7 })).toMatchObject({ ok: false, message: 'mainDomainId 7 is not a known domain' });
    expect(parseTrackingRequest({ ...java, updateInterval: 48 })).toMatchObject({ ok: false, message: 'updateInterval must be an integer from 0 to 25, got 48' });
    expect(parseTrackingRequest({ ...java, notificationType: [true, false, false, false, false, false] }).ok).toBe(true);
    expect(parseTrackingRequest({ ...java, notificationType: [false, true] })).toMatchObject({ ok: false, message: expect.stringContaining('must enable API') });
    expect(parseTrackingRequest({ ...java, thresholdValues: [{ ...java.thresholdValues[0], domain: 3 }] })).toMatchObject({ ok: false, message: expect.stringContaining('currency conversion is not available') });
    expect(parseTrackingRequest({ ...java, metaData: 'x'.repeat(501) })).toMatchObject({ ok: false });
  });
});
