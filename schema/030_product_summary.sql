-- The discovery summary (issue 14): per product, what /query, /deal, /bestsellers,
-- /category and /search filter and sort on, computed by the stats engine
-- (src/keepa/stats-summary.ts) and written by src/store/summary-refresh.ts.
-- Runs on plain PostgreSQL and TimescaleDB alike (ordinary tables and b-tree/GIN indexes:
-- the summary is one row per product, not a time series, so nothing here needs a hypertable).

-- Products whose summary no longer matches their stored data: every write path (change-only
-- observations, Keepa imports) adds its products here in its own transaction; the summarizer
-- empties it. A queue instead of a recomputation inside the write keeps the hot ingest path
-- at one extra statement per call.
CREATE TABLE product_summary_stale (
  product_id integer PRIMARY KEY
);

CREATE TABLE product_summary (
  product_id          integer PRIMARY KEY REFERENCES products (id) ON DELETE CASCADE,
  domain_id           smallint NOT NULL,
  asin                text NOT NULL,
  -- Keepa minute the statistics were computed at (time-aged fields are as of then).
  as_of               integer NOT NULL,
  title               text,
  title_search        tsvector,
  -- Text attributes in lower case (Keepa's string filters are case-insensitive).
  brand               text,
  manufacturer        text,
  product_group       text,
  product_type        smallint,
  root_category       bigint,
  -- Categories the product is listed in directly, and every node of its category tree.
  categories          bigint[] NOT NULL DEFAULT '{}',
  category_tree       bigint[] NOT NULL DEFAULT '{}',
  parent_asin         text,
  image               text,
  monthly_sold        integer,
  rating              integer,
  review_count        integer,
  sales_rank_drops30  integer,
  sales_rank_drops90  integer,
  sales_rank_drops180 integer,
  sales_rank_drops365 integer,
  last_update         integer,
  last_price_change   integer
);
CREATE INDEX product_summary_root ON product_summary (domain_id, root_category);
CREATE INDEX product_summary_categories ON product_summary USING gin (categories);
CREATE INDEX product_summary_tree ON product_summary USING gin (category_tree);
CREATE INDEX product_summary_title ON product_summary USING gin (title_search);
CREATE INDEX product_summary_as_of ON product_summary (as_of);
CREATE INDEX product_summary_group ON product_summary (domain_id, product_group);

-- One row per product and csv type that has a series. NULL = no data (Keepa's -1).
CREATE TABLE product_summary_types (
  product_id      integer NOT NULL REFERENCES product_summary (product_id) ON DELETE CASCADE,
  csv_type        smallint NOT NULL,
  current         integer,
  avg1            integer,
  avg7            integer,
  avg30           integer,
  avg90           integer,
  avg180          integer,
  avg365          integer,
  delta1          integer,
  delta7          integer,
  delta30         integer,
  delta90         integer,
  delta_percent1  integer,
  delta_percent7  integer,
  delta_percent30 integer,
  delta_percent90 integer,
  delta_last      integer,
  is_lowest       boolean NOT NULL,
  is_lowest90     boolean NOT NULL,
  last_change     integer,
  back_in_stock   boolean NOT NULL,
  back_in_stock_day  boolean NOT NULL,
  out_of_stock_day   boolean NOT NULL,
  out_of_stock_percentage90 integer,
  PRIMARY KEY (product_id, csv_type)
);
-- The finder's default order (current sales rank) and the usual range filters, and the
-- deals' "dropped by N% over the interval" per price type.
CREATE INDEX product_summary_types_current ON product_summary_types (csv_type, current);
CREATE INDEX product_summary_types_dp1 ON product_summary_types (csv_type, delta_percent1) WHERE delta_percent1 > 0;
CREATE INDEX product_summary_types_dp7 ON product_summary_types (csv_type, delta_percent7) WHERE delta_percent7 > 0;
CREATE INDEX product_summary_types_dp30 ON product_summary_types (csv_type, delta_percent30) WHERE delta_percent30 > 0;
CREATE INDEX product_summary_types_dp90 ON product_summary_types (csv_type, delta_percent90) WHERE delta_percent90 > 0;

-- Sales rank per category (the salesRanks histories): current and 30/90/180-day averages,
-- for /bestsellers and the categories' rank range.
CREATE TABLE product_category_ranks (
  product_id  integer NOT NULL REFERENCES product_summary (product_id) ON DELETE CASCADE,
  category_id bigint NOT NULL,
  current     integer,
  avg30       integer,
  avg90       integer,
  avg180      integer,
  PRIMARY KEY (product_id, category_id)
);
CREATE INDEX product_category_ranks_current ON product_category_ranks (category_id, current);

-- Category nodes as the stored products' category trees name them (root first).
CREATE TABLE categories (
  domain_id smallint NOT NULL,
  cat_id    bigint NOT NULL,
  name      text NOT NULL,
  parent    bigint NOT NULL,
  PRIMARY KEY (domain_id, cat_id)
);
CREATE INDEX categories_parent ON categories (domain_id, parent);

-- The full-text configuration of a marketplace's titles ('simple' where PostgreSQL has no
-- stemmer for the language, or the build lacks it).
CREATE FUNCTION pricekeep_text_config(domain smallint) RETURNS regconfig LANGUAGE sql STABLE AS $$
  SELECT coalesce(
    (SELECT c.oid::regconfig FROM pg_ts_config c WHERE c.cfgname = CASE domain
       WHEN 1 THEN 'english' WHEN 2 THEN 'english' WHEN 6 THEN 'english' WHEN 10 THEN 'english'
       WHEN 3 THEN 'german' WHEN 4 THEN 'french' WHEN 8 THEN 'italian'
       WHEN 9 THEN 'spanish' WHEN 11 THEN 'spanish' WHEN 12 THEN 'portuguese'
       ELSE 'simple' END),
    'simple'::regconfig)
$$;

-- What existed before this migration has no summary yet.
INSERT INTO product_summary_stale (product_id) SELECT id FROM products;
