-- The outbox of outbound deliveries (webhook pushes, e-mails). A row is written in the
-- same transaction as the event that causes it (a notification, a finished batch) and
-- delivered at least once by jobs/lease-queue.ts: any number of dispatcher processes
-- claim due rows with FOR UPDATE SKIP LOCKED and a lease; a dispatcher that dies
-- mid-delivery leaves a lease that runs out, and the row is claimed again.
CREATE TABLE deliveries (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- Which handler delivers it: 'keepa.notification', 'asa.batch', …
  topic           text NOT NULL CHECK (length(topic) BETWEEN 1 AND 64),
  channel         text NOT NULL CHECK (channel IN ('webhook', 'email')),
  -- The event's stable id (a notification id, a batch id): receivers deduplicate on it,
  -- and the unique key below makes enqueueing the same event twice a no-op.
  subject         text NOT NULL,
  -- Where it goes (URL, e-mail address), as it was when the event happened.
  target          text NOT NULL,
  -- The exact request body of a webhook (kept as text: jsonb would reorder its fields).
  body            text,
  -- Whatever else the topic's handler needs (owner key id, rendering inputs).
  payload         jsonb NOT NULL DEFAULT '{}'::jsonb,
  status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts        integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  lease_owner     text,
  lease_until     timestamptz,
  last_attempt_at timestamptz,
  last_status     integer,
  last_error      text,
  delivered_at    timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (topic, channel, subject)
) WITH (fillfactor = 70); -- claims and outcomes rewrite unindexed columns only: HOT updates

CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE status = 'pending';
