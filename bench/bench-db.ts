// Fresh databases for benchmarks: a temporary embedded data directory, or a database
// created on the local server and dropped afterwards.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openStore, type Store } from '../src/store/index.js';

export interface BenchDatabase {
  readonly store: Store;
  readonly label: string;
  dispose(): Promise<void>;
}

export async function embeddedDatabase(): Promise<BenchDatabase> {
  const dataDir = mkdtempSync(join(tmpdir(), 'pricekeep-bench-'));
  const store = await openStore({ databaseUrl: undefined, dataDir });
  return {
    store,
    label: 'embedded',
    async dispose() {
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function serverDatabase(baseUrl: string, poolSize = 4): Promise<BenchDatabase> {
  const name = `pricekeep_bench_${process.pid}_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  const store = await openStore({ databaseUrl: url.toString(), dataDir: '' }, { poolSize });
  return {
    store,
    label: 'PostgreSQL',
    async dispose() {
      await store.close();
      const client = new pg.Client({ connectionString: baseUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
