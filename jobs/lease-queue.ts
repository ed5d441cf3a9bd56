// Drains the delivery outbox: claims due rows under a lease (any number of processes may
// run this at once), hands each to its topic's handler with bounded concurrency, and
// records the outcome: delivered, retried on the schedule of src/net/retry-schedule.ts,
// or failed with its last error once the schedule is used up. Time comes from the
// injected clock, so the retry spacing is tested on a simulated one.
import type { Logger } from 'pino';
import { nextAttemptAt } from '../src/net/retry-schedule.js';
import type { Store } from '../src/store/index.js';
import { claimDeliveries, finishDelivery, type Delivery } from '../src/store/deliveries.js';
import { inLanes } from './lanes.js';

export type DeliveryResult =
  | { readonly ok: true; readonly status?: number | null }
  | { readonly ok: false; readonly error: string; readonly status?: number | null; readonly retryable: boolean };

/** Delivers one claimed row. Throwing counts as a retryable failure. */
export type DeliveryHandler = (delivery: Delivery) => Promise<DeliveryResult>;

export interface DrainOptions {
  readonly store: Store;
  /** One handler per topic; only these topics are claimed. */
  readonly handlers: Readonly<Record<string, DeliveryHandler>>;
  readonly worker: string;
  /** Unix ms (default Date.now). */
  readonly clock?: () => number;
  readonly batchSize?: number;
  readonly concurrency?: number;
  /** How long a claim is leased (default 60 s: longer than a webhook's 10 s total timeout). */
  readonly leaseMs?: number;
  readonly logger?: Logger;
  /** Stop after this many batches (default: until nothing is due). */
  readonly maxBatches?: number;
}

export interface DrainSummary {
  readonly delivered: number;
  readonly retrying: number;
  readonly failed: number;
}

export async function drainDeliveries(options: DrainOptions): Promise<DrainSummary> {
  const clock = options.clock ?? Date.now;
  const topics = Object.keys(options.handlers);
  const summary = { delivered: 0, retrying: 0, failed: 0 };
  for (let batch = 0; batch < (options.maxBatches ?? Infinity); batch++) {
    const claimed = await claimDeliveries(options.store.db, {
      worker: options.worker,
      topics,
      limit: options.batchSize ?? 20,
      leaseMs: options.leaseMs ?? 60_000,
      now: new Date(clock()),
    });
    if (claimed.length === 0) break;
    await inLanes(claimed, options.concurrency ?? 4, async (delivery) => {
      let result: DeliveryResult;
      try {
        result = await options.handlers[delivery.topic]!(delivery);
      } catch (error) {
        result = { ok: false, error: `handler failed: ${(error as Error).message}`, retryable: true };
      }
      const now = clock();
      const retryAt = result.ok || !result.retryable ? null : nextAttemptAt(delivery.attempts, now);
      await finishDelivery(
        options.store.db,
        delivery.id,
        options.worker,
        result.ok ? result : { ok: false, error: result.error, status: result.status, retryAt: retryAt === null ? null : new Date(retryAt) },
        new Date(now),
      );
      if (result.ok) summary.delivered++;
      else if (retryAt !== null) summary.retrying++;
      else summary.failed++;
      options.logger?.debug({ id: delivery.id, topic: delivery.topic, attempt: delivery.attempts, ok: result.ok }, 'delivery attempt');
    });
  }
  return summary;
}
