-- Cold history (issue 16, src/store/point-archive.ts): the numeric points of a product older
-- than the archive cutoff (30 days), as one compressed blob per product (point-codec.ts),
-- ~1.8 bytes a point all told where TimescaleDB's compression left 3.7–4.3 and a plain table
-- ~86. Points newer than the cutoff, and late writes into archived time until the daily
-- archive run folds them in, stay rows of `points`; reads merge the two, a row of `points`
-- winning over the blob at the same minute.
CREATE TABLE point_archive (
  product_id integer PRIMARY KEY REFERENCES products (id) ON DELETE CASCADE,
  -- points the blob holds, and its latest minute
  points     integer NOT NULL,
  t_max      integer,
  -- written at the best compression (else the next archive run re-encodes it)
  best       boolean NOT NULL,
  data       bytea NOT NULL
);
-- already compressed: TOAST should store it out of line as it is, not try pglz on it
ALTER TABLE point_archive ALTER COLUMN data SET STORAGE EXTERNAL;

-- Each series' last archived point: the value in force at the start of any window that
-- begins after it, read in SQL without opening the blob (product list, change-only writes).
ALTER TABLE series ADD COLUMN cold_t integer, ADD COLUMN cold_value integer, ADD COLUMN cold_second integer;
