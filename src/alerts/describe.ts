// Human words for a notification (e-mail, feed): what happened, the old and new value in
// the marketplace's currency, and the product page.
import { CSV_TYPES } from '../keepa/csv-type.js';
import { domainForId } from '../keepa/domains.js';
import { TRACKING_NOTIFICATION_CAUSES } from './enums.js';

export interface DescribableNotification {
  readonly id: number;
  readonly asin: string;
  readonly title: string | null;
  readonly createDate: number;
  readonly notificationDomainId: number;
  readonly csvType: number;
  readonly cause: number;
  readonly oldValue: number | null;
  readonly newValue: number | null;
}

export interface Description {
  readonly headline: string;
  readonly product: string;
  readonly series: string;
  readonly before: string | null;
  readonly after: string | null;
  readonly productUrl: string;
}

const CAUSE_WORDS: Record<string, string> = {
  EXPIRED: 'Tracking expired',
  DESIRED_PRICE: 'Desired price reached',
  PRICE_CHANGE: 'Price changed',
  PRICE_CHANGE_AFTER_DESIRED_PRICE: 'Price changed again after the desired price',
  OUT_STOCK: 'Out of stock',
  IN_STOCK: 'Back in stock',
  DESIRED_PRICE_AGAIN: 'Desired price reached again',
};

/** The words for a TrackingNotificationCause name (the e-mail, the feed and the dashboard say the same). */
export function causeWords(cause: string): string {
  return CAUSE_WORDS[cause] ?? cause;
}

/** A stored value in words: a price in its currency, a rank or count as a number, -1 as out of stock. */
export function formatValue(value: number | null, csvType: number, domainId: number): string | null {
  if (value === null) return null;
  if (value === -1) return 'out of stock';
  if (value < 0) return 'unknown';
  const kind = CSV_TYPES[csvType]?.kind ?? 'price';
  if (kind === 'rating') return `${(value / 10).toFixed(1)} stars`;
  if (kind !== 'price') return value.toLocaleString('en-US');
  const domain = domainForId(domainId);
  if (!domain) return String(value);
  return new Intl.NumberFormat('en-US', { style: 'currency', currency: domain.currency, minimumFractionDigits: domain.minorDigits })
    .format(value / 10 ** domain.minorDigits);
}

export function describeNotification(n: DescribableNotification): Description {
  const cause = TRACKING_NOTIFICATION_CAUSES[n.cause] ?? 'PRICE_CHANGE';
  const series = CSV_TYPES[n.csvType]?.name ?? `csv ${n.csvType}`;
  const host = domainForId(n.notificationDomainId)?.host ?? 'www.amazon.com';
  const before = formatValue(n.oldValue, n.csvType, n.notificationDomainId);
  const after = formatValue(n.newValue, n.csvType, n.notificationDomainId);
  const product = n.title?.trim() || n.asin;
  const change = after === null ? '' : before === null ? `: ${after}` : `: ${before} → ${after}`;
  return {
    headline: `${causeWords(cause)} (${series})${change} · ${product.length > 80 ? `${product.slice(0, 77)}…` : product}`,
    product,
    series,
    before,
    after,
    productUrl: `https://${host}/dp/${n.asin}`,
  };
}

export function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!)
    // XML 1.0 forbids most control characters even escaped; a stray one in a title would break every reader.
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');
}
