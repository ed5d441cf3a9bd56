// Keepa's Tracking object (keepa-api-more.md §1.5) from a stored tracking, with Keepa's
// field names and types; `trackingListName` only for named lists. pricekeep adds
// `deliveries` (the key's pushes of this tracking's notifications: pending, delivered,
// failed, last error) so a failing webhook is visible in type=list.
import type { ThresholdRule } from './tracking-spec.js';

export interface TrackingObjectInput {
  readonly asin: string;
  readonly listName: string;
  readonly mainDomainId: number;
  readonly createDate: number;
  readonly ttlHours: number;
  readonly expireNotify: boolean;
  readonly thresholdValues: readonly ThresholdRule[];
  readonly notifyIf: ReadonlyArray<{ domain: number; csvType: number; notifyIfType: number }>;
  readonly notificationType: readonly boolean[];
  readonly notificationCsv: readonly number[];
  readonly individualNotificationInterval: number;
  readonly isActive: boolean;
  readonly updateInterval: number;
  readonly metaData: string | null;
}

export interface DeliverySummary {
  readonly pending: number;
  readonly delivered: number;
  readonly failed: number;
  readonly lastError: string | null;
}

function thresholdObject(t: ThresholdRule) {
  return {
    thresholdValue: t.thresholdValue,
    thresholdValueCSV: t.thresholdValueCSV,
    domain: t.domain,
    csvType: t.csvType,
    isDrop: t.isDrop,
    ...(t.minDeltaAbsolute !== null && { minDeltaAbsolute: t.minDeltaAbsolute }),
    ...(t.minDeltaPercentage !== null && { minDeltaPercentage: t.minDeltaPercentage }),
    deltasAreBetweenNotifications: t.deltasAreBetweenNotifications,
  };
}

export function trackingObject(t: TrackingObjectInput, deliveries?: DeliverySummary): Record<string, unknown> {
  return {
    asin: t.asin,
    createDate: t.createDate,
    ttl: t.ttlHours,
    expireNotify: t.expireNotify,
    mainDomainId: t.mainDomainId,
    thresholdValues: t.thresholdValues.map(thresholdObject),
    notifyIf: t.notifyIf.map((n) => ({ domain: n.domain, csvType: n.csvType, notifyIfType: n.notifyIfType })),
    notificationType: t.notificationType,
    notificationCSV: t.notificationCsv,
    individualNotificationInterval: t.individualNotificationInterval,
    isActive: t.isActive,
    updateInterval: t.updateInterval,
    metaData: t.metaData,
    ...(t.listName !== '' && { trackingListName: t.listName }),
    ...(deliveries && { deliveries }),
  };
}
