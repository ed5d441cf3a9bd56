-- Products, their named series, and the points of those series.
-- Runs on TimescaleDB and on plain PostgreSQL >= 15 alike; 002 adds TimescaleDB storage.

CREATE TABLE products (
  id                integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  domain_id         smallint NOT NULL,
  asin              text NOT NULL CHECK (asin ~ '^[0-9A-Z]{10}$'),
  title             text,
  -- Keepa minutes
  tracking_since    integer,
  last_update       integer,
  last_price_change integer,
  -- Every other Keepa product field as last imported/observed (images, categories, aPlus…).
  meta              jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  UNIQUE (domain_id, asin)
);

-- EAN/UPC codes for `GET /product?code=`.
CREATE TABLE product_codes (
  domain_id  smallint NOT NULL,
  code       text NOT NULL,
  product_id integer NOT NULL REFERENCES products (id) ON DELETE CASCADE,
  PRIMARY KEY (domain_id, code, product_id)
);

-- One row per history of a product: `csv:0`, `salesRanks:3760911`, `buyBoxSellerIdHistory`…
-- The last point is cached here so a change-only write compares without reading points,
-- and the row lock serialises concurrent writers of the same series.
CREATE TABLE series (
  id          integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  product_id  integer NOT NULL REFERENCES products (id) ON DELETE CASCADE,
  name        text NOT NULL,
  last_t      integer,
  last_value  integer,
  last_second integer,
  last_text   text[],
  UNIQUE (product_id, name)
);

-- Numeric points (csv series, sales ranks, coupons, monthly sold, review counts).
-- `second` is the shipping cost of *_SHIPPING types or the subscribe-and-save coupon.
-- No foreign key: it would be checked on every insert of the hot path; series rows are
-- never deleted without their points (see src/store).
CREATE TABLE points (
  series_id integer NOT NULL,
  t         integer NOT NULL,
  value     integer NOT NULL,
  second    integer,
  PRIMARY KEY (series_id, t)
);

-- Text points (buy box seller ids, parent ASINs, sales-rank reference categories).
CREATE TABLE text_points (
  series_id integer NOT NULL REFERENCES series (id) ON DELETE CASCADE,
  t         integer NOT NULL,
  vals      text[] NOT NULL,
  PRIMARY KEY (series_id, t)
);

-- The current Keepa minute, for TimescaleDB's integer time and for SQL defaults.
CREATE FUNCTION keepa_now() RETURNS integer LANGUAGE sql STABLE AS
$$ SELECT (floor(extract(epoch FROM now()) / 60) - 21564000)::integer $$;
