// Words for alert rules and notifications, shared by the product page and the alerts page.
// Values come as stored (integer minor units for prices) with their csv type's kind.
import { formatCount, formatMoney, formatRating } from './display/money.js';

/** The price series the page offers rules for, in the order it lists them. */
export const PRICE_TYPES = [
  [1, 'New'],
  [0, 'Amazon'],
  [2, 'Used'],
  [18, 'Buy Box'],
  [4, 'List price'],
];

/** `series`: the server's csv type name, for rules made elsewhere on other series. */
export function seriesName(csvType, series) {
  return PRICE_TYPES.find(([i]) => i === csvType)?.[1] ?? series ?? `csv ${csvType}`;
}

export function valueText(value, kind, format) {
  if (value === null || value === undefined) return '—';
  if (value === -1) return 'out of stock';
  if (value < 0) return 'unknown';
  if (kind === 'price') return formatMoney(value, format);
  if (kind === 'rating') return `${formatRating(value)} stars`;
  return formatCount(value, format);
}

export function thresholdText(rule, format) {
  const series = seriesName(rule.csvType, rule.series);
  if (rule.minDeltaPercentage !== null && rule.thresholdValue === 0) return `${series} drops ${rule.minDeltaPercentage}%`;
  const delta = rule.minDeltaPercentage !== null ? ` (moves of ${rule.minDeltaPercentage}%+)` : '';
  return `${series} ${rule.isDrop ? 'at or below' : 'at or above'} ${valueText(rule.thresholdValue, rule.kind, format)}${delta}`;
}

export function stockText(rule) {
  return `${seriesName(rule.csvType, rule.series)} ${rule.notifyIfType === 1 ? 'back in stock' : 'out of stock'}`;
}
