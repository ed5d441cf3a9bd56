// A Keepa /product response saved by someone, with its sidecar (what is known of the request
// that produced it): which request it answered and at which moment Keepa computed its stats.
// Shared by the fidelity script and the golden tests of the stats rules (a harness, so it
// lives beside the other golden comparisons, not in src/).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { lastOffersUpdateOf, splitKeepaProduct } from '../../src/keepa/product-object.js';
import { buyBoxSnapshotFromKeepaStats } from './stats-compare.js';
import { statsInputFromProduct } from '../../src/keepa/stats-input.js';
import { parseStatsParam, StatsParamError } from '../../src/keepa/stats-interval.js';
import type { StatsInput } from '../../src/keepa/stats-types.js';
import { strideOf } from '../../src/keepa/csv-type.js';
import { KEEPA_EPOCH_MINUTES, MINUTES_PER_DAY, type KeepaMinute } from '../../src/keepa/time.js';

export interface SavedRequest {
  /** The `stats` parameter: what the sidecar says, else what the answer shows (see statsParamOf). */
  readonly statsParam: string;
  readonly buyBox: boolean;
  /** `offers=N`, null without. */
  readonly offers: number | null;
  /** The request's moment as a (fractional) Keepa minute, null when nothing tells. */
  readonly requestMinute: number | null;
  /** The minute Keepa computed the stats at: what the answer shows (statsClockShown), else keepaStatsClock. */
  readonly now: KeepaMinute;
}

export interface SavedResponse {
  readonly file: string;
  readonly product: Record<string, any>;
  readonly sidecar: Record<string, any> | null;
  readonly request: SavedRequest;
}

/**
 * Keepa's stats clock: the even minute at or before the request, never before the latest
 * moment the answer records (`notBefore`, see latestRecorded). Keepa keeps time in even
 * minutes (every csv time of the recent snapshots is even); the interval starts of 36 of the
 * 38 saved responses that carry an envelope timestamp fit this exactly (the other two sit one
 * even minute later, which their answers show: statsClockShown). Without a request time,
 * `notBefore`.
 */
export function keepaStatsClock(requestMinute: number | null, notBefore: KeepaMinute | null): KeepaMinute {
  if (requestMinute === null) return notBefore ?? 0;
  const floor = Math.floor(requestMinute);
  const even = floor - (((floor % 2) + 2) % 2);
  return notBefore !== null && notBefore > even ? notBefore : even;
}

/**
 * The latest moment an answer records: lastUpdate, the stats' lastOffersUpdate and
 * lastBuyBoxUpdate, the lastSeen of buyBoxStats / buyBoxUsedStats, and the last time of every
 * csv series and of buyBoxSellerIdHistory. Keepa computed the stats no earlier. In one saved
 * response it is after lastUpdate: 184297291X_us_lu7555828.json (lastUpdate 7555828, buy box
 * sellers last seen 7555844, the only minute that reproduces all its stats).
 */
export function latestRecorded(product: Readonly<Record<string, any>>): KeepaMinute | null {
  const stats = product.stats ?? {};
  const times: number[] = [product.lastUpdate, stats.lastOffersUpdate, stats.lastBuyBoxUpdate];
  for (const sellers of [stats.buyBoxStats, stats.buyBoxUsedStats]) {
    for (const seller of Object.values(sellers ?? {}) as Array<{ lastSeen?: unknown }>) times.push(seller.lastSeen as number);
  }
  (product.csv ?? []).forEach((flat: number[] | null, csvIndex: number) => {
    if (flat && flat.length > 0) times.push(flat[flat.length - strideOf(csvIndex)]);
  });
  const history: unknown[] = product.buyBoxSellerIdHistory ?? [];
  if (history.length >= 2) times.push(Number(history[history.length - 2]));
  const known = times.filter((t) => typeof t === 'number' && Number.isFinite(t) && t > 0);
  return known.length > 0 ? Math.max(...known) : null;
}

/**
 * The stats clock the answer itself shows, for a `stats=N` request: an interval extreme
 * (minInInterval / maxInInterval) whose time is no point of its series is the value in force
 * at the interval start, reported at the start (keepa-semantics.md), so Keepa's "now" was that
 * time + N days. null when no entry shows it, N is 0 or entries disagree. It settles the
 * responses whose request time is unknown (1496849574_us_lu7555840.json: 7555844, not its
 * lastUpdate 7555840; B0BSL6P6WJ_jp.json: 7817748) and the two whose stats were computed one
 * even minute after the even minute of the request (1496849574_us_lu7557000.json: 7557036).
 */
export function statsClockShown(product: Readonly<Record<string, any>>, statsParam: string): KeepaMinute | null {
  if (!/^\d+$/.test(statsParam) || Number(statsParam) === 0) return null;
  const length = Number(statsParam) * MINUTES_PER_DAY;
  const shown = new Set<number>();
  for (const field of ['minInInterval', 'maxInInterval']) {
    const entries: unknown[] = product.stats?.[field] ?? [];
    entries.forEach((entry, csvIndex) => {
      const flat: number[] | null | undefined = product.csv?.[csvIndex];
      if (!Array.isArray(entry) || entry[0] < 0 || !flat) return;
      const stride = strideOf(csvIndex);
      for (let k = 0; k < flat.length; k += stride) if (flat[k] === entry[0]) return;
      shown.add(entry[0] + length);
    });
  }
  return shown.size === 1 ? [...shown][0] : null;
}

const PARAM = (name: string) => new RegExp(`(?:^|[?&,\\s])${name}=(\\d+(?:,\\d+)?)`, 'i');

/**
 * The `stats` parameter: from the sidecar's request text when it names one; otherwise read
 * off the answer, whose interval fields tell an empty interval (every avg -1 while avg365
 * has values: "0") from a 365-day one (avg == avg365: "365"). null when neither tells.
 */
export function statsParamOf(requestText: string, stats: Record<string, any> | null | undefined): string | null {
  const named = PARAM('stats').exec(requestText);
  if (named) return named[1];
  if (!stats || !Array.isArray(stats.avg)) return null;
  const avg = stats.avg as number[];
  const avg365 = (stats.avg365 ?? []) as number[];
  if (avg.every((v) => v === -1) && avg365.some((v) => v !== -1)) return '0';
  if (avg.length > 0 && avg.every((v, i) => v === avg365[i])) return '365';
  return null;
}

function requestText(sidecar: Record<string, any> | null): string {
  if (!sidecar) return '';
  return [sidecar.request_params, sidecar.request_inferred].filter((t) => typeof t === 'string').join(' ');
}

/** Reads one saved response; null when the file is not a /product response with stats. */
export function readSavedResponse(dir: string, file: string): SavedResponse | null {
  const json = JSON.parse(readFileSync(join(dir, file), 'utf8'));
  const product = Array.isArray(json?.products) ? json.products[0] : json?.asin ? json : null;
  if (!product || typeof product !== 'object' || !product.stats) return null;
  const sidecarFile = join(dir, file.replace(/\.json$/, '.sidecar.json'));
  const sidecar = existsSync(sidecarFile) ? JSON.parse(readFileSync(sidecarFile, 'utf8')) : null;
  const text = requestText(sidecar);
  const statsParam = statsParamOf(text, product.stats);
  if (statsParam === null) return null;
  const offers = PARAM('offers').exec(text);
  const timestampMs = sidecar?.envelope_timestamp_ms ?? (typeof json.timestamp === 'number' ? json.timestamp : null);
  const requestMinute = typeof timestampMs === 'number' ? timestampMs / 60_000 - KEEPA_EPOCH_MINUTES : null;

  return {
    file,
    product,
    sidecar,
    request: {
      statsParam,
      buyBox: /buybox=1/i.test(text) || offers !== null,
      offers: offers ? Number(offers[1]) : null,
      requestMinute,
      now: statsClockShown(product, statsParam) ?? keepaStatsClock(requestMinute, latestRecorded(product)),
    },
  };
}

/** Every saved /product response with stats in `dir` (sidecars and other files skipped), by name. */
export function readSavedResponses(dir: string): SavedResponse[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json') && !f.endsWith('.sidecar.json'))
    .sort()
    .map((f) => readSavedResponse(dir, f))
    .filter((r): r is SavedResponse => r !== null);
}

/**
 * The stats engine's input for a saved response: its product as an import keeps it
 * (lastOffersUpdate included), the request's interval at Keepa's stats clock, and Keepa's
 * own buy box observation (an input: what the offer listing said at lastUpdate).
 */
export function statsInputOfSaved(saved: SavedResponse): StatsInput {
  const { product, request } = saved;
  const interval = parseStatsParam(request.statsParam, request.now);
  if (interval instanceof StatsParamError) throw interval;
  const sellers: Record<string, { isFBA: boolean }> = product.stats.buyBoxStats ?? {};
  return statsInputFromProduct(product, {
    now: request.now,
    interval,
    buyBox: request.buyBox ? buyBoxSnapshotFromKeepaStats(product.stats) : null,
    fbaSellerIds: new Set(Object.keys(sellers).filter((id) => sellers[id].isFBA)),
    lastOffersUpdate: lastOffersUpdateOf(splitKeepaProduct(product)),
    offers: request.offers !== null,
  });
}
