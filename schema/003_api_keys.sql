-- API keys of the Keepa-compatible API and their token buckets.
-- Keys are stored as SHA-256 hashes only; `key_prefix` (first 8 characters) lets an
-- operator recognise a key in `pricekeep keys list` without the key being recoverable.

CREATE TABLE api_keys (
  id          integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  key_hash    text NOT NULL UNIQUE CHECK (key_hash ~ '^[0-9a-f]{64}$'),
  key_prefix  text NOT NULL,
  -- tokens added per minute; a bucket holds at most 60 minutes' worth (older tokens expire)
  refill_rate integer NOT NULL CHECK (refill_rate BETWEEN 1 AND 1000000),
  created_at  timestamptz NOT NULL DEFAULT now(),
  revoked_at  timestamptz
);

-- A name identifies one live key; revoked keys keep theirs for the record.
CREATE UNIQUE INDEX api_keys_live_name ON api_keys (name) WHERE revoked_at IS NULL;

-- One bucket per key. `tokens` may be negative (a request runs while the balance is
-- positive and is charged in full). `refilled_at` is the unix-ms instant of the last
-- refill tick; ticks come every 60 000 ms after it. Both move only through the single
-- UPDATE in src/store/token-buckets.ts, so concurrent API processes share one bucket.
CREATE TABLE token_buckets (
  key_id      integer PRIMARY KEY REFERENCES api_keys (id) ON DELETE CASCADE,
  tokens      bigint NOT NULL,
  refilled_at bigint NOT NULL
);
