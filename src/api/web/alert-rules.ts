// The dashboard's alerts are the Keepa trackings of the default alert key (the one
// `pricekeep alerts` uses), unnamed list: read with listKeyTrackings, changed by sending
// the edited tracking through the same TrackingRequest parser and upsertTrackings as
// `/tracking?type=add`, so what the page saves is what `type=get` shows.
import { DEFAULT_TTL_HOURS, parseTrackingRequest } from '../../alerts/tracking-request.js';
import { CSV_TYPES, type CsvValueKind } from '../../keepa/csv-type.js';
import { domainForId } from '../../keepa/domains.js';
import { keepaNow } from '../../keepa/time.js';
import { DEFAULT_ALERT_KEY, ensureDefaultAlertKey, liveKey, type AlertKey } from '../../store/alert-key.js';
import { listKeyTrackings, removeKeyTrackings, upsertTrackings, type KeyTracking } from '../../store/key-trackings.js';
import type { Store } from '../../store/index.js';
import { WebError } from './web-error.js';

/** The page writes the unnamed list, as the CLI and a Keepa call without `list=` do. */
const LIST = '';

export interface ThresholdAlert {
  readonly csvType: number;
  /** The csv type's name and value kind (a rule made through the API may watch a rank). */
  readonly series: string;
  readonly kind: CsvValueKind;
  /** Minor units (cents). */
  readonly thresholdValue: number;
  readonly isDrop: boolean;
  readonly minDeltaPercentage: number | null;
}

export interface StockAlert {
  readonly csvType: number;
  readonly series: string;
  /** 0 out of stock, 1 back in stock. */
  readonly notifyIfType: 0 | 1;
}

export interface ProductAlerts {
  /** The key the rules belong to (null: not created yet, no rules). */
  readonly key: { readonly name: string; readonly keyPrefix: string } | null;
  readonly thresholds: ThresholdAlert[];
  readonly stock: StockAlert[];
  /** Hours between scrapes the tracking asks for (null: no tracking). */
  readonly updateInterval: number | null;
}

export type AlertChange =
  | { readonly kind: 'setThreshold'; readonly rule: { csvType: number; isDrop: boolean; thresholdValue: number }; readonly replaces?: { csvType: number; isDrop: boolean } }
  | { readonly kind: 'removeThreshold'; readonly csvType: number; readonly isDrop: boolean }
  | { readonly kind: 'addStock'; readonly rule: StockRuleKey }
  | { readonly kind: 'removeStock'; readonly rule: StockRuleKey };

type StockRuleKey = { readonly csvType: number; readonly notifyIfType: 0 | 1 };

const publicKey = (key: AlertKey | null) => key && { name: key.name, keyPrefix: key.keyPrefix };

const seriesOf = (csvType: number) => ({ series: CSV_TYPES[csvType]?.name ?? `csv ${csvType}`, kind: CSV_TYPES[csvType]?.kind ?? 'price' });

/** A tracking's rules on one marketplace, as the pages show them. */
export function rulesOf(tracking: Pick<KeyTracking, 'thresholdValues' | 'notifyIf' | 'updateInterval'> | undefined, domainId: number): Pick<ProductAlerts, 'thresholds' | 'stock' | 'updateInterval'> {
  return {
    thresholds: (tracking?.thresholdValues ?? [])
      .filter((t) => t.domain === domainId)
      .map((t) => ({ csvType: t.csvType, ...seriesOf(t.csvType), thresholdValue: t.thresholdValue, isDrop: t.isDrop, minDeltaPercentage: t.minDeltaPercentage })),
    stock: (tracking?.notifyIf ?? [])
      .filter((n) => n.domain === domainId)
      .map((n) => ({ csvType: n.csvType, series: seriesOf(n.csvType).series, notifyIfType: n.notifyIfType })),
    updateInterval: tracking?.updateInterval ?? null,
  };
}

export async function alertsOf(store: Store, domainId: number, asin: string): Promise<ProductAlerts> {
  const key = await liveKey(store, DEFAULT_ALERT_KEY);
  if (!key) return { key: null, thresholds: [], stock: [], updateInterval: null };
  const [tracking] = await listKeyTrackings(store, key.id, LIST, [asin]);
  return { key: publicKey(key), ...rulesOf(tracking, domainId) };
}

/** Every rule of the default key: `domainId:asin` → how many (thresholds and stock triggers). */
export async function alertCounts(store: Store): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  const key = await liveKey(store, DEFAULT_ALERT_KEY);
  if (!key) return counts;
  for (const t of await listKeyTrackings(store, key.id, LIST)) {
    for (const rule of [...t.thresholdValues, ...t.notifyIf]) {
      const id = `${rule.domain}:${t.asin}`;
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
  }
  return counts;
}

/** The tracking as a TrackingRequest (what a Keepa client would send to keep it as it is). */
function requestOf(existing: KeyTracking | undefined, domainId: number, asin: string) {
  if (!existing) {
    return { asin, mainDomainId: domainId, ttl: 0, expireNotify: false, desiredPricesInMainCurrency: true, thresholdValues: [], notifyIf: [], updateInterval: 1 };
  }
  // Every threshold is in its own domain's currency (no exchange rates): a rule on a
  // marketplace of another currency than the main domain's needs the flag off to be accepted.
  const sameCurrency = domainForId(domainId)!.currency === domainForId(existing.mainDomainId)!.currency;
  return {
    asin,
    mainDomainId: existing.mainDomainId,
    ttl: -DEFAULT_TTL_HOURS, // negative: keep the tracking's own ttl
    expireNotify: existing.expireNotify,
    desiredPricesInMainCurrency: existing.desiredPricesInMainCurrency && sameCurrency,
    thresholdValues: existing.thresholdValues.map(({ thresholdValueCSV: _history, ...rule }) => rule),
    notifyIf: [...existing.notifyIf],
    notificationType: [...existing.notificationType],
    individualNotificationInterval: existing.individualNotificationInterval,
    updateInterval: existing.updateInterval,
    metaData: existing.metaData,
  };
}

function applyChange(request: ReturnType<typeof requestOf>, domainId: number, change: AlertChange): void {
  const isThreshold = (csvType: number, isDrop: boolean) => (t: { domain: number; csvType: number; isDrop: boolean }) =>
    t.domain === domainId && t.csvType === csvType && t.isDrop === isDrop;
  const isStock = (s: StockRuleKey) => (n: { domain: number; csvType: number; notifyIfType: number }) =>
    n.domain === domainId && n.csvType === s.csvType && n.notifyIfType === s.notifyIfType;
  const thresholds = request.thresholdValues as Array<Record<string, unknown> & { domain: number; csvType: number; isDrop: boolean }>;
  const stock = request.notifyIf as Array<{ domain: number; csvType: number; notifyIfType: number }>;
  const drop = <T>(list: T[], match: (x: T) => boolean) => {
    const at = list.findIndex(match);
    if (at < 0) return false;
    list.splice(at, 1);
    return true;
  };
  switch (change.kind) {
    case 'setThreshold': {
      const { csvType, isDrop, thresholdValue } = change.rule;
      const moved = change.replaces && (change.replaces.csvType !== csvType || change.replaces.isDrop !== isDrop);
      if (moved) drop(thresholds, isThreshold(change.replaces!.csvType, change.replaces!.isDrop));
      const same = thresholds.find(isThreshold(csvType, isDrop));
      // Keepa holds one threshold per domain, series and direction: a new value edits it
      // (its delta settings stay).
      if (same) same.thresholdValue = thresholdValue;
      else thresholds.push({ domain: domainId, csvType, thresholdValue, isDrop, deltasAreBetweenNotifications: false });
      return;
    }
    case 'removeThreshold':
      if (!drop(thresholds, isThreshold(change.csvType, change.isDrop))) throw new WebError('not_found', 'no such alert on this product');
      return;
    case 'addStock':
      if (!stock.some(isStock(change.rule))) stock.push({ domain: domainId, ...change.rule });
      return;
    case 'removeStock':
      if (!drop(stock, isStock(change.rule))) throw new WebError('not_found', 'no such alert on this product');
  }
}

/**
 * Applies one change to the product's rules. A tracking left without any rule is removed
 * (it could notify nothing, yet would keep the product scraped every hour).
 */
export async function changeAlerts(
  store: Store,
  clock: () => number,
  domainId: number,
  asin: string,
  change: AlertChange,
): Promise<ProductAlerts & { createdKey: string | null }> {
  const removing = change.kind === 'removeThreshold' || change.kind === 'removeStock';
  const found = await liveKey(store, DEFAULT_ALERT_KEY);
  if (!found && removing) throw new WebError('not_found', 'no such alert on this product');
  const key = found ? { ...found, created: null } : await ensureDefaultAlertKey(store, clock());
  const [existing] = await listKeyTrackings(store, key.id, LIST, [asin]);
  const request = requestOf(existing, domainId, asin);
  applyChange(request, domainId, change);
  if (request.thresholdValues.length === 0 && request.notifyIf.length === 0) {
    if (existing) await removeKeyTrackings(store, key.id, LIST, [asin]);
    return { key: publicKey(key), ...rulesOf(undefined, domainId), createdKey: key.created };
  }
  const parsed = parseTrackingRequest(request);
  if (!parsed.ok) throw new WebError('bad_request', parsed.message);
  const [saved] = await upsertTrackings(store, key.id, LIST, [parsed.spec], keepaNow(clock));
  return { key: publicKey(key), ...rulesOf(saved, domainId), createdKey: key.created };
}
