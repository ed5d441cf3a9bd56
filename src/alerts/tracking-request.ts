// Keepa's TrackingRequest JSON (keepa-api-more.md §1.2) → TrackingSpec, accepting every
// form Keepa's clients send: Gson writes every primitive (unset ints as 0, booleans as
// false) and may write enums by name; notificationType may be shorter than the enum.
// A bad request is reported per ASIN so a batch keeps its good trackings.
import { domainForId } from '../keepa/domains.js';
import { isAsin } from '../asins.js';
import { CSV_TYPE_COUNT } from '../keepa/csv-type.js';
import { NOTIFICATION_TYPES, NOTIFY_IF_TYPES, NotificationType, ordinalOf } from './enums.js';
import type { NotifyIfRule, ThresholdRule, TrackingSpec } from './tracking-spec.js';

export const MAX_TRACKINGS_PER_ADD = 1000;
/** Java's TrackingRequest default ttl: two years, in hours. */
export const DEFAULT_TTL_HOURS = 17_520;
const MAX_META_DATA = 500;
const MAX_RULES = 100;

export type ParsedTracking = { readonly ok: true; readonly spec: TrackingSpec } | { readonly ok: false; readonly asin: string; readonly message: string };

class Invalid extends Error {}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function int(o: Record<string, unknown>, name: string, fallback: number | undefined, min: number, max: number): number {
  const raw = o[name];
  if (raw === undefined || raw === null) {
    if (fallback === undefined) throw new Invalid(`${name} is required`);
    return fallback;
  }
  const n = typeof raw === 'string' && /^-?\d+$/.test(raw) ? Number(raw) : raw;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) throw new Invalid(`${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`);
  return n;
}

function optionalInt(o: Record<string, unknown>, name: string, min: number, max: number): number | null {
  return o[name] === undefined || o[name] === null ? null : int(o, name, undefined, min, max);
}

function bool(o: Record<string, unknown>, name: string, fallback: boolean): boolean {
  const raw = o[name];
  if (raw === undefined || raw === null) return fallback;
  if (typeof raw === 'boolean') return raw;
  if (raw === 0 || raw === 1) return raw === 1;
  throw new Invalid(`${name} must be true or false, got ${JSON.stringify(raw)}`);
}

function domainOf(o: Record<string, unknown>, name: string): number {
  const id = int(o, name, undefined, 1, 999);
  if (!domainForId(id)) throw new Invalid(`${name} ${id} is not a known domain`);
  return id;
}

function csvTypeOf(o: Record<string, unknown>): number {
  return int(o, 'csvType', undefined, 0, CSV_TYPE_COUNT - 1);
}

function list(o: Record<string, unknown>, name: string): Record<string, unknown>[] {
  const raw = o[name];
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw) || !raw.every(isObject)) throw new Invalid(`${name} must be an array of objects`);
  if (raw.length > MAX_RULES) throw new Invalid(`${name}: at most ${MAX_RULES} entries`);
  return raw;
}

function threshold(o: Record<string, unknown>, mainDomainId: number, inMainCurrency: boolean): ThresholdRule {
  const domain = domainOf(o, 'domain');
  // We hold no exchange rates: a threshold in the main currency can watch only a domain
  // that uses the same currency.
  if (inMainCurrency && domainForId(domain)!.currency !== domainForId(mainDomainId)!.currency) {
    throw new Invalid(`thresholdValues: domain ${domain} prices are in ${domainForId(domain)!.currency}, the main domain's in ${domainForId(mainDomainId)!.currency}; currency conversion is not available (send desiredPricesInMainCurrency: false with values in ${domainForId(domain)!.currency})`);
  }
  return {
    domain,
    csvType: csvTypeOf(o),
    thresholdValue: int(o, 'thresholdValue', undefined, -2, 2_147_483_647),
    isDrop: bool(o, 'isDrop', true),
    minDeltaAbsolute: optionalInt(o, 'minDeltaAbsolute', 0, 2_147_483_647),
    minDeltaPercentage: optionalInt(o, 'minDeltaPercentage', 0, 100),
    deltasAreBetweenNotifications: bool(o, 'deltasAreBetweenNotifications', false),
    thresholdValueCSV: [],
  };
}

function notifyIf(o: Record<string, unknown>): NotifyIfRule {
  const type = ordinalOf(o.notifyIfType, NOTIFY_IF_TYPES);
  if (type === undefined) throw new Invalid(`notifyIfType must be 0 (OUT_OF_STOCK) or 1 (BACK_IN_STOCK), got ${JSON.stringify(o.notifyIfType)}`);
  return { domain: domainOf(o, 'domain'), csvType: csvTypeOf(o), notifyIfType: type as 0 | 1 };
}

function channels(raw: unknown): boolean[] {
  if (raw === undefined || raw === null) return NOTIFICATION_TYPES.map((_, i) => i === NotificationType.API);
  if (!Array.isArray(raw) || raw.length > NOTIFICATION_TYPES.length || !raw.every((v) => typeof v === 'boolean')) {
    throw new Invalid(`notificationType must be an array of up to ${NOTIFICATION_TYPES.length} booleans`);
  }
  const padded = NOTIFICATION_TYPES.map((_, i) => raw[i] === true);
  if (!padded[NotificationType.API] && !padded[NotificationType.EMAIL]) {
    throw new Invalid('notificationType must enable API (index 5: pull and webhook) or EMAIL (index 0)');
  }
  return padded;
}

export function parseTrackingRequest(raw: unknown): ParsedTracking {
  const asinGuess = isObject(raw) && typeof raw.asin === 'string' ? raw.asin.trim().toUpperCase() : String((raw as { asin?: unknown })?.asin ?? '?');
  try {
    if (!isObject(raw)) throw new Invalid('a tracking request must be a JSON object');
    if (typeof raw.asin !== 'string' || !isAsin(asinGuess)) throw new Invalid(`asin must be a 10-character ASIN, got ${JSON.stringify(raw.asin)}`);
    const mainDomainId = domainOf(raw, 'mainDomainId');
    const desiredPricesInMainCurrency = bool(raw, 'desiredPricesInMainCurrency', true);
    const thresholds = list(raw, 'thresholdValues').map((t) => threshold(t, mainDomainId, desiredPricesInMainCurrency));
    const seen = new Set<string>();
    for (const t of thresholds) {
      const key = `${t.domain}:${t.csvType}:${t.isDrop}`;
      if (seen.has(key)) throw new Invalid(`thresholdValues: two thresholds for domain ${t.domain}, csvType ${t.csvType}, isDrop ${t.isDrop}`);
      seen.add(key);
    }
    const stock = list(raw, 'notifyIf').map(notifyIf);
    const uniqueStock = [...new Map(stock.map((s) => [`${s.domain}:${s.csvType}:${s.notifyIfType}`, s])).values()];
    const metaData = raw.metaData === undefined || raw.metaData === null ? null : raw.metaData;
    if (metaData !== null && (typeof metaData !== 'string' || metaData.length > MAX_META_DATA)) throw new Invalid(`metaData must be a string of at most ${MAX_META_DATA} characters`);
    // Java's constructor clamps an updateInterval below 1 up to 1 (0 is what Gson sends unset).
    const updateInterval = Math.max(1, int(raw, 'updateInterval', 1, 0, 25));
    return {
      ok: true,
      spec: {
        asin: asinGuess,
        mainDomainId,
        ttl: int(raw, 'ttl', DEFAULT_TTL_HOURS, -2_000_000, 2_000_000),
        expireNotify: bool(raw, 'expireNotify', false),
        desiredPricesInMainCurrency,
        thresholdValues: thresholds,
        notifyIf: uniqueStock,
        notificationType: channels(raw.notificationType),
        individualNotificationInterval: int(raw, 'individualNotificationInterval', -1, -1, 5_256_000),
        updateInterval,
        metaData: metaData as string | null,
      },
    };
  } catch (error) {
    if (error instanceof Invalid) return { ok: false, asin: asinGuess, message: error.message };
    throw error;
  }
}

/** The body of type=add: a JSON array of TrackingRequest, or a single object. */
export function trackingRequestsOf(body: unknown): unknown[] | string {
  const items = Array.isArray(body) ? body : isObject(body) ? [body] : null;
  if (items === null) return 'the body must be a JSON array of TrackingRequest objects (or one object)';
  if (items.length === 0) return 'the body holds no tracking request';
  if (items.length > MAX_TRACKINGS_PER_ADD) return `at most ${MAX_TRACKINGS_PER_ADD} trackings per request, got ${items.length}`;
  return items;
}
