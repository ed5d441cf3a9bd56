-- ASA async batches: a batch row and one row per item. Items are a lease queue like
-- tracked_products (FOR UPDATE SKIP LOCKED + a lease that a crashed worker lets lapse),
-- and so is the batch's completion webhook. Lease and webhook times are unix ms of the
-- worker's clock (injected in tests).

CREATE TABLE asa_batches (
  id                      uuid PRIMARY KEY,
  workspace_id            integer NOT NULL REFERENCES asa_workspaces (id),
  key_id                  integer NOT NULL REFERENCES asa_keys (id),
  endpoint                text NOT NULL CHECK (endpoint IN ('amazon.product', 'amazon.search')),
  status                  text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'running', 'complete', 'failed')),
  total_count             integer NOT NULL CHECK (total_count BETWEEN 1 AND 1000),
  processed_count         integer NOT NULL DEFAULT 0,
  success_count           integer NOT NULL DEFAULT 0,
  failure_count           integer NOT NULL DEFAULT 0,
  credits_charged         bigint NOT NULL DEFAULT 0,
  created_at              timestamptz NOT NULL,
  started_at              timestamptz,
  completed_at            timestamptz,
  webhook_url             text,
  -- Kept to sign the webhook; returned only by the POST that created the batch.
  webhook_secret          text NOT NULL,
  webhook_delivery_status text CHECK (webhook_delivery_status IN ('pending', 'delivered', 'failed')),
  webhook_attempts        integer NOT NULL DEFAULT 0,
  webhook_next_at_ms      bigint,
  webhook_lease_until_ms  bigint,
  webhook_last_error      text,
  webhook_delivered_at    timestamptz
);

CREATE INDEX asa_batches_webhook_due ON asa_batches (webhook_next_at_ms) WHERE webhook_delivery_status = 'pending';

CREATE TABLE asa_batch_items (
  batch_id        uuid NOT NULL REFERENCES asa_batches (id) ON DELETE CASCADE,
  idx             integer NOT NULL,
  input           jsonb NOT NULL,
  status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'ok', 'error')),
  lease_owner     text,
  lease_until_ms  bigint,
  -- How many times a worker took the item (more than one only after a lapsed lease).
  claims          integer NOT NULL DEFAULT 0,
  http_status     integer,
  data            jsonb,
  error           jsonb,
  duration_ms     integer,
  credits_charged bigint NOT NULL DEFAULT 0,
  finished_at     timestamptz,
  PRIMARY KEY (batch_id, idx)
) WITH (fillfactor = 80);

-- Workers walk pending items oldest batch first.
CREATE INDEX asa_batch_items_pending ON asa_batch_items (batch_id, idx) WHERE status = 'pending';

-- Reserves a batch item's price before it is scraped, as asa_admit does for a sync request
-- (without the key's rate limits: batch items run on the workers' own budget). The lease
-- row is freed by asa_settle with the same id. False when the workspace cannot pay.
CREATE FUNCTION asa_reserve(p_request_id text, p_key_id integer, p_cost bigint, p_now_ms bigint, p_lease_ms bigint)
RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
  ws integer;
  bal bigint;
  held bigint;
BEGIN
  SELECT workspace_id INTO ws FROM asa_keys WHERE id = p_key_id;
  -- A lapsed reservation of a killed worker for this very item is replaced, not added to.
  DELETE FROM asa_leases WHERE request_id = p_request_id;
  SELECT balance INTO bal FROM asa_workspaces WHERE id = ws FOR UPDATE;
  SELECT coalesce(sum(reserved), 0) INTO held FROM asa_leases WHERE workspace_id = ws AND expires_at_ms > p_now_ms;
  IF bal - held < p_cost THEN
    RETURN false;
  END IF;
  INSERT INTO asa_leases (request_id, key_id, workspace_id, reserved, started_at_ms, expires_at_ms)
  VALUES (p_request_id, p_key_id, ws, p_cost, p_now_ms, p_now_ms + p_lease_ms);
  RETURN true;
END $$;
