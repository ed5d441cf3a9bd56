// The ASA batch worker: claims pending items under a lease (any number of processes share
// the queue), runs each through the same pipeline as the sync endpoints, records its one
// result and charge, and sends each completed batch's webhook, signed, through the
// SSRF-guarded sender, retried on src/net's schedule (1, 2, 5, 15, 60 min) then marked
// failed. Time for leases and retries comes from the injected clock.
import type { Logger } from 'pino';
import { batchView } from '../src/asa/batch-view.js';
import { parseAsaParams, requestUnits } from '../src/asa/params.js';
import { BASIC_REQUEST_CREDITS } from '../src/asa/plans.js';
import type { AsaScrape, AsaScrapeResult } from '../src/asa/scrape-result.js';
import { asaSignature } from '../src/asa/webhook-signature.js';
import { nextAttemptAt, postWebhook } from '../src/net/index.js';
import { scrapeError } from '../src/scraper/index.js';
import {
  claimBatchItems, reserveItemCredits, claimDueWebhooks, finishBatchItem, finishWebhook, readBatch,
  type ClaimedItem, type DueWebhook, type ItemResult,
} from '../src/store/asa-batches.js';
import type { Store } from '../src/store/index.js';
import { inLanes } from './lanes.js';

export interface BatchWorkOptions {
  readonly store: Store;
  readonly scrape: AsaScrape;
  readonly worker: string;
  readonly clock?: () => number;
  /** Items claimed and scraped at once (default 4). */
  readonly concurrency?: number;
  /** Item lease; a crashed worker's items come back after it. */
  readonly leaseMs: number;
  /** Webhooks may target private addresses (PRICEKEEP_WEBHOOK_ALLOW_PRIVATE). */
  readonly allowPrivate: boolean;
  readonly logger?: Logger;
  /** Called after each item, for tests and progress output. */
  readonly onItem?: (item: ClaimedItem, recorded: boolean) => void;
}

export interface BatchWorkSummary {
  readonly items: number;
  readonly ok: number;
  readonly failed: number;
  readonly webhooksDelivered: number;
  readonly webhooksFailed: number;
}

function failure(code: Parameters<typeof scrapeError>[0], message: string): AsaScrapeResult {
  const error = scrapeError(code, message);
  return { body: null, error, httpStatus: error.httpStatus, attempts: 0, resolvedUrl: null, sourceStatus: null, durationMs: 0 };
}

async function runItem(options: BatchWorkOptions, item: ClaimedItem): Promise<ItemResult> {
  const clock = options.clock ?? Date.now;
  const parsed = parseAsaParams(item.endpoint, item.input);
  let result: AsaScrapeResult;
  let cost = 0;
  if (!parsed.ok) result = failure(parsed.problem.code, parsed.problem.message); // checked at submission; kept for safety
  else {
    cost = requestUnits(parsed.request) * BASIC_REQUEST_CREDITS;
    if (!(await reserveItemCredits(options.store.pool, item, cost, clock(), options.leaseMs))) {
      result = failure('insufficient_credits', `the workspace has fewer than ${cost} credits`);
    } else {
      const deadline = AbortSignal.timeout(Math.max(1000, options.leaseMs - 1000));
      try {
        result = await options.scrape(parsed.request, deadline);
      } catch (error) {
        result = deadline.aborted
          ? failure('upstream_timeout', `no answer from Amazon within the item's lease (${options.leaseMs} ms)`)
          : failure('internal_error', `scrape failed: ${(error as Error).message}`);
      }
    }
  }
  const ok = result.body !== null;
  return {
    ok,
    httpStatus: result.httpStatus,
    data: result.body,
    error: result.error ? { code: result.error.code === 'rate_limited' ? 'target_unreachable' : result.error.code, message: result.error.message } : null,
    durationMs: result.durationMs,
    charge: ok ? cost : 0,
  };
}

async function deliver(options: BatchWorkOptions, due: DueWebhook): Promise<'delivered' | 'retrying' | 'failed'> {
  const clock = options.clock ?? Date.now;
  const found = await readBatch(options.store.db, due.batchId, null);
  if (!found) return 'failed';
  const body = JSON.stringify(batchView(found.batch, found.items));
  const outcome = await postWebhook(due.url, body, {
    'x-asa-batch-id': due.batchId,
    'x-asa-event': 'batch.completed',
    'x-asa-signature': asaSignature(due.secret, body),
  }, { allowPrivate: options.allowPrivate });
  const now = clock();
  const attempts = due.attempts + 1;
  const retryAt = outcome.ok || !outcome.retryable ? null : nextAttemptAt(attempts, now);
  await finishWebhook(options.store.pool, due.batchId, {
    delivered: outcome.ok,
    error: outcome.ok ? null : `${outcome.code}: ${outcome.message}`,
    retryInMs: retryAt === null ? null : retryAt - now,
    nowMs: now,
  });
  options.logger?.info({ batch: due.batchId, attempt: attempts, ok: outcome.ok, ...(!outcome.ok && { error: outcome.message }) }, 'batch webhook');
  return outcome.ok ? 'delivered' : retryAt === null ? 'failed' : 'retrying';
}

/** Works through every pending item and due webhook now, then returns. */
export async function runBatchWork(options: BatchWorkOptions): Promise<BatchWorkSummary> {
  const clock = options.clock ?? Date.now;
  const summary = { items: 0, ok: 0, failed: 0, webhooksDelivered: 0, webhooksFailed: 0 };
  const lanes = options.concurrency ?? 4;
  for (;;) {
    // Claim only what starts now: an item's lease runs from its claim, so a claimed item
    // waiting for a free lane could lapse and be scraped by another worker at the same time.
    const claims = await claimBatchItems(options.store.pool, { worker: options.worker, limit: lanes, leaseMs: options.leaseMs, nowMs: clock() });
    if (claims.length === 0) break;
    await inLanes(claims, lanes, async (item) => {
      const result = await runItem(options, item);
      const finished = await finishBatchItem(options.store.db, options.worker, item, result, clock());
      if (finished.recorded) {
        summary.items++;
        if (result.ok) summary.ok++;
        else summary.failed++;
      }
      options.onItem?.(item, finished.recorded);
    });
  }
  for (;;) {
    // The lease outlasts one POST (10 s at most), so two workers never send the same webhook at once.
    const due = await claimDueWebhooks(options.store.pool, { limit: 10, leaseMs: 60_000, nowMs: clock() });
    if (due.length === 0) break;
    await inLanes(due, 4, async (webhook) => {
      const outcome = await deliver(options, webhook);
      if (outcome === 'delivered') summary.webhooksDelivered++;
      if (outcome === 'failed') summary.webhooksFailed++;
    });
  }
  return summary;
}

export interface RunningBatchWorker {
  stop(): Promise<void>;
}

/** Polls for batch work every `pollMs` until stopped; rounds never overlap. */
export function startBatchWorker(options: BatchWorkOptions & { readonly pollMs: number }): RunningBatchWorker {
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  const round = () => {
    timer = null;
    running = runBatchWork(options)
      .then((s) => {
        if (s.items > 0 || s.webhooksDelivered > 0 || s.webhooksFailed > 0) options.logger?.info(s, 'batch work done');
      })
      .catch((error) => options.logger?.error({ err: error }, 'batch work failed'))
      .finally(() => {
        running = null;
        if (!stopped) timer = setTimeout(round, options.pollMs);
      });
  };
  round();
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
