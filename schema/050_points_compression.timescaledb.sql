-- TimescaleDB only (issue 16): compressed batches of up to 1,000 points of a series instead
-- of the few dozen a 90-day chunk holds. Compressing a chunk now rolls it into the
-- compressed chunk before it, up to ~20 years (81 chunks of 90 days) per compressed chunk;
-- compressOldChunks (src/store/compression.ts) merges the compressed chunks of before this
-- migration the same way and rebuilds rolled-up chunks so that each series' batches fill.
-- The chunk interval stays 90 days: scraped points and change-only writes still land in a
-- small uncompressed chunk.
--
-- On an integer time column TimescaleDB 2.23 parses this setting as an interval and keeps
-- it in microseconds, which it then compares with Keepa minutes: '10497600' would mean
-- 10,497,600 seconds, i.e. no limit at all. Hence an interval of that many microseconds,
-- and the plain integer for a version that parses it as the column's type.
DO $$
BEGIN
  BEGIN
    ALTER TABLE points SET (timescaledb.compress_chunk_time_interval = '10497600 microseconds');
  EXCEPTION WHEN invalid_parameter_value OR invalid_text_representation OR datatype_mismatch THEN
    ALTER TABLE points SET (timescaledb.compress_chunk_time_interval = '10497600');
  END;
  IF (SELECT d.compress_interval_length FROM _timescaledb_catalog.dimension d
      JOIN _timescaledb_catalog.hypertable h ON h.id = d.hypertable_id
      WHERE h.table_name = 'points' AND h.schema_name = current_schema() AND d.column_name = 't') IS DISTINCT FROM 10497600 THEN
    ALTER TABLE points SET (timescaledb.compress_chunk_time_interval = '10497600');
  END IF;
END $$;
