// Keepa's Notification object (keepa-api-more.md §1.7), the body of type=notification
// entries and of every webhook push, with Keepa's field order. Beyond Keepa's fields:
// `notificationId` (stable across retries and pulls, for deduplication) and, for
// notifications pricekeep computes, `previousValue` / `currentValue` of the triggering series.
import { CSV_TYPE_COUNT } from '../keepa/csv-type.js';
import { NOTIFICATION_TYPES } from './enums.js';

export interface NotificationInput {
  readonly id: number;
  readonly asin: string;
  readonly title: string | null;
  readonly image: string | null;
  readonly createDate: number;
  readonly domainId: number;
  readonly notificationDomainId: number;
  readonly csvType: number;
  readonly cause: number;
  /** csv index → current value (landed for shipping types); missing = -1. */
  readonly currentPrices: ReadonlyMap<number, number>;
  readonly channels: readonly number[];
  readonly metaData: string | null;
  readonly listName: string;
  readonly isDrop: boolean | null;
  readonly previousValue: number | null;
  readonly currentValue: number | null;
}

export function notificationObject(n: NotificationInput): Record<string, unknown> {
  return {
    asin: n.asin,
    title: n.title ?? '',
    image: n.image ?? '',
    createDate: n.createDate,
    domainId: n.domainId,
    notificationDomainId: n.notificationDomainId,
    csvType: n.csvType,
    trackingNotificationCause: n.cause,
    currentPrices: Array.from({ length: CSV_TYPE_COUNT }, (_, i) => n.currentPrices.get(i) ?? -1),
    sentNotificationVia: NOTIFICATION_TYPES.map((_, i) => n.channels.includes(i)),
    metaData: n.metaData,
    trackingListName: n.listName === '' ? null : n.listName,
    isDrop: n.isDrop,
    coupon: 0,
    notificationId: String(n.id),
    previousValue: n.previousValue,
    currentValue: n.currentValue,
  };
}

/** The landed value of a series tail: price + shipping for *_SHIPPING types (shipping -1 counts as 0). */
export function landedValue(value: number, second: number | null): number {
  return value >= 0 && second !== null ? value + Math.max(second, 0) : value;
}
