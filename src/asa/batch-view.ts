// The body of GET /api/v1/amazon/batch/{id}, which is also the completion webhook's body:
// the batch's counters and one result per finished item, in submission order.
import type { BatchItemRow, BatchRow } from '../store/asa-batches.js';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function batchView(batch: BatchRow, items: readonly BatchItemRow[]): Record<string, unknown> {
  return {
    id: batch.id,
    status: batch.status,
    endpoint: batch.endpoint,
    total_count: batch.totalCount,
    processed_count: batch.processedCount,
    success_count: batch.successCount,
    failure_count: batch.failureCount,
    credits_charged: batch.creditsCharged,
    created_at: iso(batch.createdAt),
    started_at: iso(batch.startedAt),
    completed_at: iso(batch.completedAt),
    webhook_url: batch.webhookUrl,
    webhook_delivered_at: iso(batch.webhookDeliveredAt),
    webhook_delivery_status: batch.webhookDeliveryStatus,
    webhook_last_error: batch.webhookLastError,
    results: items
      .filter((item) => item.status !== 'pending')
      .map((item) => ({
        input: item.input,
        status: item.status,
        http_status: item.httpStatus,
        ...(item.status === 'ok' ? { data: item.data } : { error: item.error?.code ?? 'internal_error', message: item.error?.message ?? null }),
        duration_ms: item.durationMs,
        credits_charged: item.creditsCharged,
      })),
  };
}
