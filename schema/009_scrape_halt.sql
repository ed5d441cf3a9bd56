-- Issue 17 (failure policy). A `halt` error (the hosted scraper rejects our key, credits
-- are gone) stops scraping for every product until an operator resumes it: one row while
-- halted, visible to every worker and to `track list`/`GET /status`.
CREATE TABLE scrape_halt (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  code      text NOT NULL,
  message   text NOT NULL,
  since     timestamptz NOT NULL,
  worker    text NOT NULL,
  tracked_id integer REFERENCES tracked_products (id) ON DELETE SET NULL
);

-- asin_mismatch: the ASIN Amazon redirected the tracked one to (the tracked one is stale).
ALTER TABLE tracked_products ADD COLUMN redirected_to text CHECK (redirected_to ~ '^[0-9A-Z]{10}$');
