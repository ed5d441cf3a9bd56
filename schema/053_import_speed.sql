-- Bulk import speed (issue 16, src/store/import-batch.ts).
--
-- products.meta (the Keepa object but its histories, mostly offers: ~95 kB a product) is
-- compressed by TOAST on every write; lz4 does it in about a third of pglz's time, for a
-- similar size (100 real-shaped products: -0.2 s of server CPU on a 1.4 s import). Kept
-- as pglz where the server was built without lz4 (the embedded engine).
DO $$
BEGIN
  ALTER TABLE products ALTER COLUMN meta SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
  RAISE NOTICE 'lz4 is not available: products.meta stays pglz';
END $$;

-- No foreign key from text points to series, as for points (001_core.sql): it was checked
-- on every row an import writes (~3 µs each). Series rows are never deleted.
ALTER TABLE text_points DROP CONSTRAINT IF EXISTS text_points_series_id_fkey;
