// A tracking's alert rules as pricekeep evaluates them, normalised from Keepa's
// TrackingRequest (tracking-request.ts) and stored per key (store/key-trackings.ts).

export interface ThresholdRule {
  readonly domain: number;
  readonly csvType: number;
  /** Minor units (prices), or the plain number (ranks, counts, rating × 10). */
  readonly thresholdValue: number;
  /** true: notify at or below the threshold; false: at or above. */
  readonly isDrop: boolean;
  /** A change smaller than this (in the threshold's unit) never notifies. */
  readonly minDeltaAbsolute: number | null;
  /** A change smaller than this percentage of the reference value never notifies. */
  readonly minDeltaPercentage: number | null;
  /** Echoed for Keepa's clients; pricekeep always measures deltas between notifications. */
  readonly deltasAreBetweenNotifications: boolean;
  /** History of this threshold: [keepaMinute, value, …]. */
  readonly thresholdValueCSV: readonly number[];
}

export interface NotifyIfRule {
  readonly domain: number;
  readonly csvType: number;
  /** 0 OUT_OF_STOCK, 1 BACK_IN_STOCK. */
  readonly notifyIfType: 0 | 1;
}

export interface TrackingSpec {
  readonly asin: string;
  readonly mainDomainId: number;
  /** Hours; 0 = never expires; negative = keep an existing tracking's ttl (abs for a new one). */
  readonly ttl: number;
  readonly expireNotify: boolean;
  readonly desiredPricesInMainCurrency: boolean;
  readonly thresholdValues: readonly ThresholdRule[];
  readonly notifyIf: readonly NotifyIfRule[];
  /** Channels by NotificationType ordinal, 8 entries. */
  readonly notificationType: readonly boolean[];
  /** Minutes; -1 = the default re-arm time, 0 = notify only once. */
  readonly individualNotificationInterval: number;
  /** Hours, 1–25. */
  readonly updateInterval: number;
  readonly metaData: string | null;
}

/** Re-arm time for individualNotificationInterval = -1 (Keepa's "account default", unstated): once a day. */
export const DEFAULT_REARM_MINUTES = 1440;

/** The domains a tracking makes the scheduler scrape: the main one and every one its rules watch. */
export function watchedDomains(spec: Pick<TrackingSpec, 'mainDomainId' | 'thresholdValues' | 'notifyIf'>): number[] {
  const domains = new Set([spec.mainDomainId, ...spec.thresholdValues.map((t) => t.domain), ...spec.notifyIf.map((n) => n.domain)]);
  return [...domains].sort((a, b) => a - b);
}
