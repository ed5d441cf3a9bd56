-- TimescaleDB only: points become a hypertable partitioned by Keepa minute (90-day chunks),
-- compressed per series ordered by time once a chunk is older than 30 days.
SELECT create_hypertable('points', by_range('t', 129600), migrate_data => true);
SELECT set_integer_now_func('points', 'keepa_now');
ALTER TABLE points SET (
  timescaledb.compress,
  timescaledb.compress_segmentby = 'series_id',
  timescaledb.compress_orderby = 't'
);
SELECT add_compression_policy('points', compress_after => 43200);
