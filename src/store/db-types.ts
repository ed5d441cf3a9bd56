// Row types of the tables in schema/, for kysely.
import type { ColumnType, Generated } from 'kysely';

type Json = ColumnType<Record<string, unknown>, string | Record<string, unknown>, string | Record<string, unknown>>;

export interface ProductsTable {
  id: Generated<number>;
  domain_id: number;
  asin: string;
  title: string | null;
  tracking_since: number | null;
  last_update: number | null;
  last_price_change: number | null;
  meta: Json;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface ProductCodesTable {
  domain_id: number;
  code: string;
  product_id: number;
}

export interface SeriesTable {
  id: Generated<number>;
  product_id: number;
  name: string;
  last_t: number | null;
  last_value: number | null;
  last_second: number | null;
  last_text: string[] | null;
  cold_t: number | null;
  cold_value: number | null;
  cold_second: number | null;
}

export interface PointArchiveTable {
  product_id: number;
  points: number;
  t_max: number | null;
  best: boolean;
  data: Buffer;
}

export interface PointsTable {
  series_id: number;
  t: number;
  value: number;
  second: number | null;
}

export interface TextPointsTable {
  series_id: number;
  t: number;
  vals: string[];
}

export interface SchemaMigrationsTable {
  name: string;
  status: 'applied' | 'skipped';
  applied_at: Generated<Date>;
}

export interface Database {
  products: ProductsTable;
  product_codes: ProductCodesTable;
  series: SeriesTable;
  points: PointsTable;
  point_archive: PointArchiveTable;
  text_points: TextPointsTable;
  schema_migrations: SchemaMigrationsTable;
}
