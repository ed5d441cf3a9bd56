-- ASA-compatible API (issue 13): workspaces, their keys, the credits ledger and usage.
-- A workspace owns the credit balance (ASA: "your plan's credit allowance is per
-- workspace, not per key") and at most 20 live keys; each key carries its plan's rate
-- limits (ASA: "two ceilings apply to every API key").

CREATE TABLE asa_workspaces (
  id         integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name       text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 100),
  -- The sum of this workspace's ledger rows, kept in step by the same transaction that
  -- writes each row (src/store/asa-credits.ts, asa_settle below): the admission check
  -- reads one row instead of summing the ledger.
  balance    bigint NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE asa_keys (
  id           integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  workspace_id integer NOT NULL REFERENCES asa_workspaces (id),
  name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  -- SHA-256 of the whole key; the key itself is shown once and never stored.
  key_hash     text NOT NULL UNIQUE CHECK (key_hash ~ '^[0-9a-f]{64}$'),
  -- `asa_live_` and the next 12 characters (ASA's "shortprefix"), for lists and logs.
  key_prefix   text NOT NULL,
  plan         text NOT NULL CHECK (plan IN ('free', 'vibe', 'pro', 'custom')),
  concurrency  integer NOT NULL CHECK (concurrency BETWEEN 1 AND 10000),
  rps          integer NOT NULL CHECK (rps BETWEEN 1 AND 100000),
  burst        integer NOT NULL CHECK (burst >= rps),
  created_at   timestamptz NOT NULL DEFAULT now(),
  revoked_at   timestamptz
);

CREATE UNIQUE INDEX asa_keys_live_name ON asa_keys (workspace_id, name) WHERE revoked_at IS NULL;
CREATE INDEX asa_keys_workspace ON asa_keys (workspace_id);

-- Every credit movement. A charge carries the request id it pays for (or batch:<id>:<n>
-- for a batch item); the unique index makes a second charge for the same request a no-op,
-- whatever retries happen inside or outside pricekeep.
CREATE TABLE asa_credit_ledger (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  workspace_id integer NOT NULL REFERENCES asa_workspaces (id),
  key_id       integer REFERENCES asa_keys (id),
  request_id   text UNIQUE,
  kind         text NOT NULL CHECK (kind IN ('grant', 'charge')),
  delta        bigint NOT NULL CHECK ((kind = 'grant' AND delta > 0) OR (kind = 'charge' AND delta < 0)),
  note         text,
  created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX asa_credit_ledger_workspace ON asa_credit_ledger (workspace_id, id);

-- Requests per key per UTC day (of the API's clock): answered (admitted and finished),
-- successful (2xx, charged), refused before any work (402, 429), credits charged.
CREATE TABLE asa_usage (
  key_id    integer NOT NULL REFERENCES asa_keys (id),
  day       date NOT NULL,
  requests  integer NOT NULL DEFAULT 0,
  successes integer NOT NULL DEFAULT 0,
  refused   integer NOT NULL DEFAULT 0,
  credits   bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (key_id, day)
);
