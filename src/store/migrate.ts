// Runs the numbered SQL files of schema/ once each, in order, recording what ran.
// `NNN_name.sql` runs everywhere; `NNN_name.timescaledb.sql` only where the TimescaleDB
// extension exists (recorded as skipped on plain PostgreSQL). An advisory lock makes two
// processes starting at once take turns; each file runs in its own transaction.
import { readdirSync, readFileSync } from 'node:fs';
import type pg from 'pg';
import { StoreError } from './store-error.js';
import { packagePath } from '../package-root.js';

export const SCHEMA_DIR = `${packagePath('schema')}/`;
const FILE_PATTERN = /^(\d{3})_[a-z0-9_]+(\.timescaledb)?\.sql$/;
const LOCK_KEY = 7_202_611; // arbitrary, constant: "pricekeep migrations"

export interface MigrationFile {
  readonly name: string;
  readonly timescaleOnly: boolean;
  readonly sql: string;
}

export function listMigrations(dir = SCHEMA_DIR): MigrationFile[] {
  return readdirSync(dir)
    .filter((name) => FILE_PATTERN.test(name))
    .sort()
    .map((name) => ({
      name,
      timescaleOnly: name.endsWith('.timescaledb.sql'),
      sql: readFileSync(`${dir}/${name}`, 'utf8'),
    }));
}

export interface MigrationReport {
  readonly applied: string[];
  readonly skipped: string[];
  readonly timescaledb: string | null;
}

async function ensureTimescale(client: pg.PoolClient): Promise<string | null> {
  const available = await client.query(`SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb'`);
  if (available.rowCount === 0) return null;
  await client.query('CREATE EXTENSION IF NOT EXISTS timescaledb');
  const version = await client.query<{ extversion: string }>(
    `SELECT extversion FROM pg_extension WHERE extname = 'timescaledb'`,
  );
  return version.rows[0]?.extversion ?? null;
}

export async function migrate(pool: pg.Pool, files = listMigrations()): Promise<MigrationReport> {
  const client = await pool.connect();
  const applied: string[] = [];
  const skipped: string[] = [];
  try {
    await client.query('SELECT pg_advisory_lock($1)', [LOCK_KEY]);
    try {
      const timescaledb = await ensureTimescale(client);
      await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
        name text PRIMARY KEY,
        status text NOT NULL CHECK (status IN ('applied', 'skipped')),
        applied_at timestamptz NOT NULL DEFAULT now())`);
      const done = new Set(
        (await client.query<{ name: string }>('SELECT name FROM schema_migrations')).rows.map((r) => r.name),
      );
      for (const file of files) {
        if (done.has(file.name)) continue;
        const skip = file.timescaleOnly && timescaledb === null;
        await client.query('BEGIN');
        try {
          if (!skip) await client.query(file.sql);
          await client.query('INSERT INTO schema_migrations (name, status) VALUES ($1, $2)', [
            file.name,
            skip ? 'skipped' : 'applied',
          ]);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK');
          throw new StoreError('migration_failed', `migration ${file.name} failed: ${(error as Error).message}`, {
            cause: error,
          });
        }
        (skip ? skipped : applied).push(file.name);
      }
      return { applied, skipped, timescaledb };
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [LOCK_KEY]);
    }
  } finally {
    client.release();
  }
}
