-- Rate limits of ASA keys, shared by every API process on the database: a lease per
-- request in flight (concurrency; a crashed process's leases expire) and a token bucket
-- per key (sustained RPS with burst). Time is the API's clock in unix ms, passed in by
-- the caller, so tests drive it instead of sleeping.

CREATE TABLE asa_rate_state (
  key_id          integer PRIMARY KEY REFERENCES asa_keys (id),
  -- Bucket balance in thousandths of a request; refilled at `rps` per second.
  tokens_milli    bigint NOT NULL,
  refilled_at_ms  bigint NOT NULL,
  -- Requests admitted in the current one-second window (the Asa-Rps header).
  window_start_ms bigint NOT NULL DEFAULT 0,
  window_count    integer NOT NULL DEFAULT 0
);

-- One row per admitted request until it is settled. `reserved` holds the credits the
-- request may cost, so concurrent requests cannot overdraw the workspace.
CREATE TABLE asa_leases (
  request_id    text PRIMARY KEY,
  key_id        integer NOT NULL REFERENCES asa_keys (id),
  workspace_id  integer NOT NULL REFERENCES asa_workspaces (id),
  reserved      bigint NOT NULL CHECK (reserved >= 0),
  started_at_ms bigint NOT NULL,
  expires_at_ms bigint NOT NULL
);

CREATE INDEX asa_leases_key ON asa_leases (key_id);
CREATE INDEX asa_leases_workspace ON asa_leases (workspace_id);

-- Authenticates a key and admits one request, or says why not, in one transaction.
-- Lock order (shared with asa_settle, so the two never deadlock): the key's rate row,
-- lease rows, the workspace row, usage rows.
-- Outcome: admitted | unauthorized | revoked | insufficient_credits | concurrency | rps.
-- Bucket: capacity rps + (burst - rps) * 3 requests, so from rest a key can send at its
-- burst rate for about 3 s (ASA's "burst ceiling … for 3s"), then at its sustained rate.
CREATE FUNCTION asa_admit(p_key_hash text, p_request_id text, p_now_ms bigint, p_cost bigint, p_lease_ms bigint, p_day date)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  k asa_keys%ROWTYPE;
  s asa_rate_state%ROWTYPE;
  cap bigint;
  tokens bigint;
  live integer;
  held bigint;
  bal bigint;
  win_start bigint;
  win_count integer;
  verdict text;
  retry_after integer := NULL;
BEGIN
  SELECT * INTO k FROM asa_keys WHERE key_hash = p_key_hash;
  IF NOT FOUND THEN
    RETURN jsonb_build_object('outcome', 'unauthorized');
  END IF;
  IF k.revoked_at IS NOT NULL THEN
    RETURN jsonb_build_object('outcome', 'revoked', 'key_id', k.id, 'key_prefix', k.key_prefix);
  END IF;
  SELECT * INTO s FROM asa_rate_state WHERE key_id = k.id FOR UPDATE;
  DELETE FROM asa_leases WHERE key_id = k.id AND expires_at_ms <= p_now_ms;
  SELECT count(*) INTO live FROM asa_leases WHERE key_id = k.id;
  cap := (k.rps + (k.burst - k.rps) * 3)::bigint * 1000;
  tokens := least(cap, s.tokens_milli + greatest(0, p_now_ms - s.refilled_at_ms) * k.rps);
  win_start := p_now_ms - p_now_ms % 1000;
  win_count := CASE WHEN s.window_start_ms = win_start THEN s.window_count ELSE 0 END;
  SELECT balance INTO bal FROM asa_workspaces WHERE id = k.workspace_id FOR UPDATE;
  SELECT coalesce(sum(reserved), 0) INTO held FROM asa_leases
    WHERE workspace_id = k.workspace_id AND expires_at_ms > p_now_ms;

  IF bal - held < p_cost THEN
    verdict := 'insufficient_credits';
  ELSIF live >= k.concurrency THEN
    verdict := 'concurrency';
    retry_after := 1;
  ELSIF tokens < 1000 THEN
    verdict := 'rps';
    retry_after := greatest(1, ceil((1000 - tokens)::numeric / k.rps / 1000)::integer);
  ELSE
    verdict := 'admitted';
    INSERT INTO asa_leases (request_id, key_id, workspace_id, reserved, started_at_ms, expires_at_ms)
    VALUES (p_request_id, k.id, k.workspace_id, p_cost, p_now_ms, p_now_ms + p_lease_ms);
    tokens := tokens - 1000;
    win_count := win_count + 1;
    live := live + 1;
  END IF;

  UPDATE asa_rate_state
  SET tokens_milli = tokens, refilled_at_ms = greatest(s.refilled_at_ms, p_now_ms),
      window_start_ms = win_start, window_count = win_count
  WHERE key_id = k.id;
  IF verdict <> 'admitted' THEN
    INSERT INTO asa_usage (key_id, day, refused) VALUES (k.id, p_day, 1)
    ON CONFLICT (key_id, day) DO UPDATE SET refused = asa_usage.refused + 1;
  END IF;
  RETURN jsonb_build_object(
    'outcome', verdict, 'key_id', k.id, 'key_prefix', k.key_prefix, 'workspace_id', k.workspace_id,
    'in_flight', live, 'concurrency', k.concurrency, 'rps_now', win_count, 'rps', k.rps,
    'retry_after', retry_after, 'available', bal - held - CASE WHEN verdict = 'admitted' THEN p_cost ELSE 0 END);
END $$;

-- Ends an admitted request (or records a batch item, which has no lease): frees its
-- lease, charges `p_charge` credits once per request id (a repeated id charges nothing),
-- counts it in the key's usage of `p_day`. Returns the credits charged by this call.
CREATE FUNCTION asa_settle(p_request_id text, p_key_id integer, p_charge bigint, p_ok boolean, p_day date, p_note text)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  ws integer;
  n integer;
  charged bigint := 0;
BEGIN
  DELETE FROM asa_leases WHERE request_id = p_request_id;
  SELECT workspace_id INTO ws FROM asa_keys WHERE id = p_key_id;
  IF p_charge > 0 THEN
    INSERT INTO asa_credit_ledger (workspace_id, key_id, request_id, kind, delta, note)
    VALUES (ws, p_key_id, p_request_id, 'charge', -p_charge, p_note)
    ON CONFLICT (request_id) DO NOTHING;
    GET DIAGNOSTICS n = ROW_COUNT;
    IF n > 0 THEN
      UPDATE asa_workspaces SET balance = balance - p_charge WHERE id = ws;
      charged := p_charge;
    END IF;
  END IF;
  INSERT INTO asa_usage (key_id, day, requests, successes, credits)
  VALUES (p_key_id, p_day, 1, CASE WHEN p_ok THEN 1 ELSE 0 END, charged)
  ON CONFLICT (key_id, day) DO UPDATE SET
    requests = asa_usage.requests + 1,
    successes = asa_usage.successes + EXCLUDED.successes,
    credits = asa_usage.credits + EXCLUDED.credits;
  RETURN charged;
END $$;
