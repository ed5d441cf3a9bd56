-- Keepa's token-flow reduction (reference keepa-api-more.md §1.9): trackings cut a key's
-- refill rate by Σ cost-per-update / (updateInterval × 60) tokens a minute. Each tracking
-- stores its cost per update (src/alerts/token-flow.ts computes it when the tracking is
-- written); each bucket keeps the reduction as last computed, refreshed at most every
-- 5 minutes by the admitting statement (src/store/token-buckets.ts), as Keepa does.
ALTER TABLE key_trackings ADD COLUMN flow_cost_per_update double precision NOT NULL DEFAULT 0.9
  CHECK (flow_cost_per_update >= 0);

-- Trackings written before this migration: 9 tokens per locale when a rule watches an
-- "Extra" (marketplace) csv type, else 0.9 (the same sets as src/keepa/csv-type.ts).
UPDATE key_trackings t
SET flow_cost_per_update = cardinality(t.domains) * CASE WHEN EXISTS (
      SELECT 1 FROM jsonb_array_elements(t.threshold_values || t.notify_if) AS rule
      WHERE (rule->>'csvType')::int IN (7, 9, 10, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 31, 32, 33)
    ) THEN 9 ELSE 0.9 END;

ALTER TABLE token_buckets
  ADD COLUMN flow_reduction double precision NOT NULL DEFAULT 0,
  -- unix ms of the last computation; 0 = never, so the first request computes it.
  ADD COLUMN flow_computed_at bigint NOT NULL DEFAULT 0;
