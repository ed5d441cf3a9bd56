// Fresh databases for benchmarks: a temporary embedded data directory, or a database
// created on the local server and dropped afterwards.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
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
      // BENCH_KEEP_DATABASE=1 leaves the database behind, to look at its plans afterwards.
      if (process.env.BENCH_KEEP_DATABASE === '1') {
        process.stderr.write(`[bench] kept database ${name}\n`);
        return;
      }
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

/** Lines joined into ~1 MB chunks: one stream chunk per line is slower than the COPY itself. */
function* chunked(lines: Iterable<string>): Generator<string> {
  let chunk: string[] = [];
  let size = 0;
  for (const line of lines) {
    chunk.push(line);
    size += line.length;
    if (size > 1 << 20) {
      yield chunk.join('');
      chunk = [];
      size = 0;
    }
  }
  if (chunk.length > 0) yield chunk.join('');
}

/** COPY FROM STDIN of tab-separated lines into `table (columns)`. */
export async function copyLines(store: Store, table: string, columns: string, lines: Iterable<string>): Promise<void> {
  const client = await store.pool.connect();
  try {
    await pipeline(Readable.from(chunked(lines)), client.query(copyFrom(`COPY ${table} (${columns}) FROM STDIN`)));
  } finally {
    client.release();
  }
}
