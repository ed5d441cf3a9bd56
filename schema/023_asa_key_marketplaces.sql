-- A key may be limited to some marketplaces: an operator whose proxies reach only some
-- countries (or who sells a client one region) creates keys with
-- `pricekeep asa-keys create --marketplaces com,de`. A request for any other marketplace
-- is ASA's 403 forbidden_region ("egress to the requested country isn't available on your
-- plan"), refused before it takes a concurrency slot, a rate token or a credit.
ALTER TABLE asa_keys ADD COLUMN marketplaces text[] CHECK (cardinality(marketplaces) >= 1); -- null: all 20

-- asa_admit with the marketplaces the request needs (one for a scrape, every item's for a
-- batch, none for account reads): the region check first, then the admission of 021.
CREATE FUNCTION asa_admit(p_key_hash text, p_request_id text, p_now_ms bigint, p_cost bigint, p_lease_ms bigint, p_day date, p_marketplaces text[])
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  k asa_keys%ROWTYPE;
  denied text[];
BEGIN
  SELECT * INTO k FROM asa_keys WHERE key_hash = p_key_hash;
  IF FOUND AND k.revoked_at IS NULL AND k.marketplaces IS NOT NULL THEN
    denied := ARRAY(SELECT DISTINCT m FROM unnest(p_marketplaces) AS m WHERE NOT (m = ANY (k.marketplaces)) ORDER BY m);
    IF cardinality(denied) > 0 THEN
      INSERT INTO asa_usage (key_id, day, refused) VALUES (k.id, p_day, 1)
      ON CONFLICT (key_id, day) DO UPDATE SET refused = asa_usage.refused + 1;
      RETURN jsonb_build_object('outcome', 'forbidden_region', 'key_id', k.id, 'key_prefix', k.key_prefix,
        'workspace_id', k.workspace_id, 'denied', to_jsonb(denied), 'marketplaces', to_jsonb(k.marketplaces));
    END IF;
  END IF;
  RETURN asa_admit(p_key_hash, p_request_id, p_now_ms, p_cost, p_lease_ms, p_day);
END $$;
