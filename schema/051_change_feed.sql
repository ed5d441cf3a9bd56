-- The change feed (src/store/change-feed.ts): every process caching what it read (the
-- /product response cache, token leases) LISTENs on `pricekeep_changes` and forgets what
-- a committed write made stale, whichever process wrote. NOTIFY is delivered on commit.
--   'p D:ASIN,D:ASIN…'  products written (inserted, updated, deleted); 'p *' for more than 200
--   'k ID'              an API key changed (revoked, rate changed) or was deleted

-- Statement-level with transition tables: a bulk import of 100k products sends one
-- notification per statement instead of one per row.
CREATE FUNCTION pricekeep_notify_products() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  changed text;
BEGIN
  SELECT CASE WHEN count(*) > 200 THEN '*' ELSE string_agg(domain_id || ':' || asin, ',') END
  INTO changed FROM changed_rows;
  IF changed IS NOT NULL THEN
    PERFORM pg_notify('pricekeep_changes', 'p ' || changed);
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER products_notify_insert AFTER INSERT ON products
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION pricekeep_notify_products();
CREATE TRIGGER products_notify_update AFTER UPDATE ON products
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION pricekeep_notify_products();
CREATE TRIGGER products_notify_delete AFTER DELETE ON products
  REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION pricekeep_notify_products();

CREATE FUNCTION pricekeep_notify_keys() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('pricekeep_changes', 'k ' || OLD.id);
  RETURN NULL;
END $$;

CREATE TRIGGER api_keys_notify AFTER UPDATE OR DELETE ON api_keys
  FOR EACH ROW EXECUTE FUNCTION pricekeep_notify_keys();
