// Memory: RSS of `npm start` (API + scheduler) idle, and its peak while 100 concurrent
// /product requests run: on the embedded engine (targets ≤ 250 MB idle, ≤ 400 MB peak)
// and on the PostgreSQL server (a temporary database on --server; reported, the database
// server's own memory not included).
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { request } from 'undici';
import type { Benchmark, BenchRow } from './bench-types.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const FIXTURE = fileURLToPath(new URL('../../shared/fixtures/keepa/product_B0D8W1YVBX_us_stats180_buybox_rating.json', import.meta.url));

/** VmRSS's parts (anonymous, file-backed, shared memory) in MB, for the note. */
function rssParts(pid: number): string {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const mb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN) / 1024;
  return `anon ${mb('RssAnon').toFixed(0)}, file ${mb('RssFile').toFixed(0)}, shmem ${mb('RssShmem').toFixed(0)} MB`;
}

function rssMb(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : NaN;
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const IDLE_TARGET_MB = 250;
const PEAK_TARGET_MB = 400;

interface Footprint {
  readonly idle: number;
  readonly peak: number;
  readonly rounds: number;
  /** RSS's parts when idle. */
  readonly idleParts: string;
}

/** The arguments after `node` of package.json's start script. */
const START_ARGS: string[] = (() => {
  const start = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start.trim().split(/\s+/);
  if (start[0] !== 'node') throw new Error(`package.json's start script does not run node: ${start.join(' ')}`);
  return start.slice(1);
})();

/** Imports the fixture, starts `pricekeep start` with `extraEnv`, and samples its RSS. */
async function footprint(extraEnv: Record<string, string>, scale: number, log: (line: string) => void, label: string): Promise<Footprint> {
  const dataDir = mkdtempSync(join(tmpdir(), 'pricekeep-bench-mem-'));
  const port = await freePort();
  const env = { ...process.env, PRICEKEEP_DATA_DIR: dataDir, PORT: String(port), PRICEKEEP_LOG_LEVEL: 'warn', DATABASE_URL: '', ...extraEnv };
  const cli = (...args: string[]) => run(process.execPath, ['bin/pricekeep.js', ...args], { cwd: ROOT, env });
  try {
    await cli('import', FIXTURE);
    const key = (await cli('keys', 'create', '--name', 'bench', '--refill-rate', '1000000')).stdout.trim().split(/\s+/).find((w) => /^[A-Za-z0-9]{64}$/.test(w));
    if (!key) throw new Error('keys create printed no key');
    // What `npm start` runs (package.json's start script, its node flags included), without npm's own process.
    const child = spawn(process.execPath, START_ARGS, { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'inherit'] });
    try {
      const base = `http://127.0.0.1:${port}`;
      for (let i = 0; ; i++) {
        if (i > 120) throw new Error('npm start did not answer /health within 60 s');
        try {
          if ((await request(`${base}/health`)).statusCode === 200) break;
        } catch {
          /* not listening yet */
        }
        await sleep(500);
      }
      await sleep(5000);
      const idle = rssMb(child.pid!);
      const idleParts = rssParts(child.pid!);
      log(`memory (${label}): idle ${idle.toFixed(0)} MB; loading with 100 concurrent /product requests`);
      const url = `${base}/product?key=${key}&domain=1&asin=B0D8W1YVBX&stats=180&history=1`;
      let peak = idle;
      const sampler = setInterval(() => (peak = Math.max(peak, rssMb(child.pid!))), 50);
      const rounds = Math.max(2, Math.round(5 * scale));
      try {
        for (let r = 0; r < rounds; r++) {
          await Promise.all(Array.from({ length: 100 }, async () => {
            const response = await request(url);
            await response.body.text();
            if (response.statusCode !== 200) throw new Error(`/product answered ${response.statusCode}`);
          }));
        }
      } finally {
        clearInterval(sampler);
      }
      peak = Math.max(peak, rssMb(child.pid!));
      return { idle, peak, rounds, idleParts };
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** A database of its own on the server for the run, dropped afterwards. */
async function withServerDatabase<T>(serverUrl: string, use: (url: string) => Promise<T>): Promise<T> {
  const name = `pricekeep_bench_mem_${process.pid}_${Date.now().toString(36)}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  try {
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    return await use(url.toString());
  } finally {
    await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
}

const LOAD_NOTE = 'waves of 100 concurrent stats=180&history=1 requests for one 15.8k-point product, RSS sampled every 50 ms';

export const memoryBenchmark: Benchmark = {
  name: 'memory',
  async run({ scale, serverUrl, log }): Promise<BenchRow[]> {
    const embedded = await footprint({}, scale, log, 'embedded');
    const rows: BenchRow[] = [
      { name: 'memory: npm start idle (embedded)', figure: `${embedded.idle.toFixed(0)} MB RSS`, baseline: '-', ratio: null,
        target: `≤ ${IDLE_TARGET_MB} MB`, met: embedded.idle <= IDLE_TARGET_MB,
        note: `API + scheduler on the embedded TimescaleDB (PGlite WASM heap included), one product of 15.8k points stored, 5 s after /health answers (${embedded.idleParts})` },
      { name: 'memory: 100 concurrent /product (embedded)', figure: `${embedded.peak.toFixed(0)} MB peak RSS`, baseline: `${embedded.idle.toFixed(0)} MB idle`,
        ratio: embedded.peak / embedded.idle, target: `≤ ${PEAK_TARGET_MB} MB`, met: embedded.peak <= PEAK_TARGET_MB,
        note: `${embedded.rounds} ${LOAD_NOTE}` },
    ];
    if (!serverUrl) return rows;
    const server = await withServerDatabase(serverUrl, (url) => footprint({ DATABASE_URL: url }, scale, log, 'server'));
    rows.push(
      { name: 'memory: npm start idle (server)', figure: `${server.idle.toFixed(0)} MB RSS`, baseline: '-', ratio: null, target: 'report', met: null,
        note: `the same process on the PostgreSQL server (a temporary database; the server's own memory is not counted; ${server.idleParts})` },
      { name: 'memory: 100 concurrent /product (server)', figure: `${server.peak.toFixed(0)} MB peak RSS`, baseline: `${server.idle.toFixed(0)} MB idle`,
        ratio: server.peak / server.idle, target: 'report', met: null, note: `${server.rounds} ${LOAD_NOTE}` },
    );
    return rows;
  },
};
