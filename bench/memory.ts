// Memory: RSS of `npm start` (API + scheduler on the embedded database) idle, and its peak
// while 100 concurrent /product requests run. Report only (no baseline ratio).
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import type { Benchmark, BenchRow } from './bench-types.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const FIXTURE = fileURLToPath(new URL('../../shared/fixtures/keepa/product_B0D8W1YVBX_us_stats180_buybox_rating.json', import.meta.url));

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

export const memoryBenchmark: Benchmark = {
  name: 'memory',
  async run({ scale, log }): Promise<BenchRow[]> {
    const dataDir = mkdtempSync(join(tmpdir(), 'pricekeep-bench-mem-'));
    const port = await freePort();
    const env = { ...process.env, PRICEKEEP_DATA_DIR: dataDir, PORT: String(port), PRICEKEEP_LOG_LEVEL: 'warn', DATABASE_URL: '' };
    const cli = (...args: string[]) => run(process.execPath, ['bin/pricekeep.js', ...args], { cwd: ROOT, env });
    await cli('import', FIXTURE);
    const key = (await cli('keys', 'create', '--name', 'bench', '--refill-rate', '1000000')).stdout.trim().split(/\s+/).find((w) => /^[A-Za-z0-9]{64}$/.test(w));
    if (!key) throw new Error('keys create printed no key');
    // `node bin/pricekeep.js start` is what `npm start` runs, without npm's own process.
    const child = spawn(process.execPath, ['bin/pricekeep.js', 'start'], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'inherit'] });
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
      log(`memory: idle ${idle.toFixed(0)} MB; loading with 100 concurrent /product requests`);
      const url = `${base}/product?key=${key}&domain=1&asin=B0D8W1YVBX&stats=180&history=1`;
      let peak = idle;
      const sampler = setInterval(() => (peak = Math.max(peak, rssMb(child.pid!))), 50);
      const rounds = Math.max(2, Math.round(5 * scale));
      for (let r = 0; r < rounds; r++) {
        await Promise.all(Array.from({ length: 100 }, async () => {
          const response = await request(url);
          await response.body.text();
          if (response.statusCode !== 200) throw new Error(`/product answered ${response.statusCode}`);
        }));
      }
      clearInterval(sampler);
      return [
        { name: 'memory: npm start idle', figure: `${idle.toFixed(0)} MB RSS`, baseline: '-', ratio: null, target: 'report', met: null,
          note: 'API + scheduler on the embedded TimescaleDB (PGlite WASM heap included), one product of 15.8k points stored' },
        { name: 'memory: 100 concurrent /product', figure: `${peak.toFixed(0)} MB peak RSS`, baseline: `${idle.toFixed(0)} MB idle`, ratio: peak / idle, target: 'report', met: null,
          note: `${rounds} waves of 100 concurrent stats=180&history=1 requests, RSS sampled every 50 ms` },
      ];
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
};
