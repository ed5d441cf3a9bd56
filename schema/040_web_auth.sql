-- The dashboard's login (issue 15): one admin password (a scrypt hash, set by
-- `pricekeep admin set-password`) and the browser sessions it opened.

CREATE TABLE web_admin (
  id            smallint PRIMARY KEY CHECK (id = 1),
  password_hash text NOT NULL,
  updated_at    timestamptz NOT NULL DEFAULT now()
);

-- The cookie carries a random token; only its SHA-256 is stored, so a database dump opens
-- no session. Each session has the CSRF token its pages send with every change.
CREATE TABLE web_sessions (
  token_hash text PRIMARY KEY,
  csrf_token text NOT NULL,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL
);

CREATE INDEX web_sessions_expiry ON web_sessions (expires_at);
