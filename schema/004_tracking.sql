-- Tracked products and the log of their scrapes.

CREATE TABLE tracked_products (
  id                 integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  domain_id          smallint NOT NULL,
  asin               text NOT NULL CHECK (asin ~ '^[0-9A-Z]{10}$'),
  interval_minutes   integer NOT NULL CHECK (interval_minutes >= 1),
  next_due           timestamptz NOT NULL DEFAULT now(),
  -- A claimed product is leased to one worker until lease_until; an expired lease (a
  -- crashed worker) makes it claimable again.
  lease_owner        text,
  lease_until        timestamptz,
  active             boolean NOT NULL DEFAULT true,
  inactive_reason    text,
  failures           integer NOT NULL DEFAULT 0,
  last_scrape_at     timestamptz,
  last_success_at    timestamptz,
  last_error_code    text,
  last_error_message text,
  created_at         timestamptz NOT NULL DEFAULT now(),
  UNIQUE (domain_id, asin)
) WITH (fillfactor = 70); -- room on each page for HOT updates: a claim rewrites only unindexed lease columns

-- The claim query walks due products in next_due order; only active ones matter.
CREATE INDEX tracked_products_due ON tracked_products (next_due) WHERE active;

CREATE TABLE scrape_attempts (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tracked_id     integer NOT NULL REFERENCES tracked_products (id) ON DELETE CASCADE,
  worker         text NOT NULL,
  started_at     timestamptz NOT NULL,
  duration_ms    integer NOT NULL,
  ok             boolean NOT NULL,
  error_code     text,
  error_message  text,
  http_status    integer,
  attempts       integer NOT NULL,
  points_written integer NOT NULL DEFAULT 0
);

CREATE INDEX scrape_attempts_recent ON scrape_attempts (started_at DESC);
CREATE INDEX scrape_attempts_tracked ON scrape_attempts (tracked_id, started_at DESC);
