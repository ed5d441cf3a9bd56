// Keepa's tracking enums; the ordinals are the wire values (keepa-api-more.md §1.6).
export const NOTIFICATION_TYPES = ['EMAIL', 'TWITTER', 'FACEBOOK_NOTIFICATION', 'BROWSER', 'FACEBOOK_MESSENGER_BOT', 'API', 'MOBILE_APP', 'DUMMY'] as const;
export const NotificationType = { EMAIL: 0, API: 5 } as const;

export const TRACKING_NOTIFICATION_CAUSES = [
  'EXPIRED', 'DESIRED_PRICE', 'PRICE_CHANGE', 'PRICE_CHANGE_AFTER_DESIRED_PRICE', 'OUT_STOCK', 'IN_STOCK', 'DESIRED_PRICE_AGAIN',
] as const;
export const Cause = {
  EXPIRED: 0,
  DESIRED_PRICE: 1,
  PRICE_CHANGE: 2,
  PRICE_CHANGE_AFTER_DESIRED_PRICE: 3,
  OUT_STOCK: 4,
  IN_STOCK: 5,
  DESIRED_PRICE_AGAIN: 6,
} as const;
export type CauseOrdinal = (typeof Cause)[keyof typeof Cause];

export const NOTIFY_IF_TYPES = ['OUT_OF_STOCK', 'BACK_IN_STOCK'] as const;
export const NotifyIfType = { OUT_OF_STOCK: 0, BACK_IN_STOCK: 1 } as const;
export type NotifyIfOrdinal = 0 | 1;

/** An enum value as Gson may write it: the ordinal, or the constant's name. */
export function ordinalOf(value: unknown, names: readonly string[]): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < names.length) return value;
  if (typeof value === 'string') {
    const index = names.indexOf(value.toUpperCase());
    if (index >= 0) return index;
    if (/^\d+$/.test(value) && Number(value) < names.length) return Number(value);
  }
  return undefined;
}
