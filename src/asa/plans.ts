// ASA's plan table ("Rate limits & concurrency"): per key, requests in flight at once,
// sustained requests per second and the burst ceiling. Custom plans take their figures
// from the operator (defaults: the bottom of ASA's custom range, burst 2× sustained).
export type AsaPlanName = 'free' | 'vibe' | 'pro' | 'custom';

export interface RateLimits {
  readonly concurrency: number;
  readonly rps: number;
  readonly burst: number;
}

export const ASA_PLANS: Readonly<Record<AsaPlanName, RateLimits>> = {
  free: { concurrency: 10, rps: 2, burst: 10 },
  vibe: { concurrency: 30, rps: 10, burst: 40 },
  pro: { concurrency: 50, rps: 25, burst: 60 },
  custom: { concurrency: 100, rps: 50, burst: 100 },
};

export const ASA_PLAN_NAMES = Object.keys(ASA_PLANS) as AsaPlanName[];

export function isAsaPlan(value: string): value is AsaPlanName {
  return Object.hasOwn(ASA_PLANS, value);
}

/** Credits a basic product or search request costs (ASA's billing policy since 2026-04-16). */
export const BASIC_REQUEST_CREDITS = 5;

/** Live keys a workspace may hold at once (ASA: "up to 20 active keys per workspace"). */
export const MAX_LIVE_KEYS_PER_WORKSPACE = 20;
