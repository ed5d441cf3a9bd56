// What GET /status answers and `pricekeep status` prints: the scheduler's queue and
// recent scrape health, and the outbox of deliveries. One shape for both, read through the store.
import { trackingStatus, type Store, type TrackingStatus } from '../store/index.js';
import { deliveryHealth, type DeliveryHealth } from '../store/deliveries.js';

export interface StatusReport {
  readonly queue: { readonly tracked: number; readonly active: number; readonly inactive: number; readonly due: number; readonly leased: number };
  readonly lastHour: TrackingStatus['lastHour'];
  readonly lastDay: TrackingStatus['lastDay'];
  readonly errorsByCode: TrackingStatus['errorsByCode'];
  /** Set while scraping is halted (a `halt` error: fix the cause, then `pricekeep track resume`). */
  readonly halt: TrackingStatus['halt'];
  /** Alert and batch pushes in the outbox: per channel pending/delivered/failed, newest failure. */
  readonly deliveries: DeliveryHealth;
}

export async function statusReport(store: Store, now?: Date): Promise<StatusReport> {
  const s = await trackingStatus(store, now);
  return {
    queue: { tracked: s.tracked, active: s.active, inactive: s.inactive, due: s.due, leased: s.leased },
    lastHour: s.lastHour,
    lastDay: s.lastDay,
    errorsByCode: s.errorsByCode,
    halt: s.halt,
    deliveries: await deliveryHealth(store.db),
  };
}
