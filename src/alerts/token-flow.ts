// Keepa's token-flow reduction of trackings (reference keepa-api-more.md §1.9): a tracking
// costs tokens on every update it causes, taken from the key's refill rate. A regular
// tracking costs 0.9 tokens per update per tracked locale; a "marketplace" tracking (one
// whose rules watch data that needs the offers: Keepa's isExtraData csv types) costs 9.
// The reduction per minute is Σ cost / (updateInterval × 60); the refill rate drops by it
// rounded to an integer, and Keepa refreshes it every 5 minutes, not on every add/remove.
import { csvTypeAt } from '../keepa/csv-type.js';
import { watchedDomains, type TrackingSpec } from './tracking-spec.js';

export const REGULAR_COST_PER_UPDATE = 0.9;
export const MARKETPLACE_COST_PER_UPDATE = 9;
export const FLOW_REFRESH_MS = 5 * 60_000;

type CostInputs = Pick<TrackingSpec, 'mainDomainId' | 'thresholdValues' | 'notifyIf'>;

/** Whether any rule of the tracking watches an offers-only ("Extra") csv type. */
export function isMarketplaceTracking(spec: CostInputs): boolean {
  return [...spec.thresholdValues, ...spec.notifyIf].some((rule) => csvTypeAt(rule.csvType)?.extraData === true);
}

/** Tokens one update of this tracking costs: per locale it makes the scheduler scrape. */
export function costPerUpdate(spec: CostInputs): number {
  const perLocale = isMarketplaceTracking(spec) ? MARKETPLACE_COST_PER_UPDATE : REGULAR_COST_PER_UPDATE;
  return perLocale * watchedDomains(spec).length;
}

/** The refill rate left to a key once its trackings are paid for (never below 0). */
export function effectiveRefillRate(refillRate: number, flowReduction: number): number {
  return Math.max(0, refillRate - Math.round(flowReduction));
}
