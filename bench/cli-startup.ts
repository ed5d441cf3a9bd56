// CLI start-up: `pricekeep --help` and `pricekeep db` (open the database, print its
// figures) as a user runs them, from the compiled dist/ (built here first if stale),
// against the floor of any Node CLI that opens our database: `node -e ''` plus
// openStore + close through the same compiled store module, measured in the same run.
// Median of RUNS each; the tsx path (PRICEKEEP_TS=1) is reported beside it.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { isBuildCurrent } from '../bin/build-freshness.js';
import type { Benchmark, BenchRow } from './bench-types.js';
import { median } from './bench-db.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RUNS = 7;

async function timed(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const t0 = performance.now();
  await run(process.execPath, args, { cwd: ROOT, env, maxBuffer: 1 << 24 });
  return performance.now() - t0;
}

async function medianOf(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) times.push(await timed(args, env));
  return median(times);
}

const ms = (n: number) => `${n.toFixed(0)} ms`;

export const cliStartupBenchmark: Benchmark = {
  name: 'cli',
  async run({ serverUrl, log }): Promise<BenchRow[]> {
    if (!isBuildCurrent(ROOT)) {
      log('cli: dist/ is stale or missing; building it (npm run build)');
      await run(process.execPath, ['scripts/build.js'], { cwd: ROOT });
    }
    const storeModule = pathToFileURL(join(ROOT, 'dist/src/store/index.js')).href;
    const openClose = `const { openStore } = await import(${JSON.stringify(storeModule)}); ` +
      'const s = await openStore({ databaseUrl: process.env.DATABASE_URL || undefined, dataDir: process.env.PRICEKEEP_DATA_DIR }); await s.close();';
    const dataDir = mkdtempSync(join(tmpdir(), 'pricekeep-bench-cli-'));
    const rows: BenchRow[] = [];
    try {
      const base = { ...process.env, PRICEKEEP_DATA_DIR: dataDir, DATABASE_URL: '', PRICEKEEP_LOG_LEVEL: 'warn' };
      await timed(['bin/pricekeep.js', 'db'], base); // creates and migrates the database once
      const bare = await medianOf(['-e', ''], base);
      const floorEmbedded = await medianOf(['--input-type=module', '-e', openClose], base);
      const help = await medianOf(['bin/pricekeep.js', '--help'], base);
      const helpTs = await medianOf(['bin/pricekeep.js', '--help'], { ...base, PRICEKEEP_TS: '1' });
      const dbEmbedded = await medianOf(['bin/pricekeep.js', 'db'], base);
      const dbEmbeddedTs = await medianOf(['bin/pricekeep.js', 'db'], { ...base, PRICEKEEP_TS: '1' });
      log(`cli: node -e '' ${ms(bare)}, + embedded open ${ms(floorEmbedded)}; --help ${ms(help)} (tsx ${ms(helpTs)}); db ${ms(dbEmbedded)} (tsx ${ms(dbEmbeddedTs)})`);
      rows.push(
        { name: 'CLI: pricekeep --help', figure: ms(help), baseline: `${ms(floorEmbedded)} (node -e '' + embedded open)`, ratio: help / floorEmbedded, target: '≤ 2×', met: help <= 2 * floorEmbedded,
          note: `compiled dist/; through tsx it takes ${ms(helpTs)}; node -e '' alone ${ms(bare)}; median of ${RUNS}` },
        { name: 'CLI: pricekeep db (embedded)', figure: ms(dbEmbedded), baseline: `${ms(floorEmbedded)} (node -e '' + embedded open)`, ratio: dbEmbedded / floorEmbedded, target: '≤ 2×', met: dbEmbedded <= 2 * floorEmbedded,
          note: `compiled dist/; through tsx ${ms(dbEmbeddedTs)}; the floor opens the same data directory with the compiled openStore and closes it` },
      );
      if (serverUrl) {
        const name = `pricekeep_bench_cli_${process.pid}`;
        const admin = new pg.Client({ connectionString: serverUrl });
        await admin.connect();
        await admin.query(`DROP DATABASE IF EXISTS ${name}`);
        await admin.query(`CREATE DATABASE ${name}`);
        try {
          const url = new URL(serverUrl);
          url.pathname = `/${name}`;
          const server = { ...base, DATABASE_URL: url.toString() };
          await timed(['bin/pricekeep.js', 'db'], server);
          const floor = await medianOf(['--input-type=module', '-e', openClose], server);
          const db = await medianOf(['bin/pricekeep.js', 'db'], server);
          const dbTs = await medianOf(['bin/pricekeep.js', 'db'], { ...server, PRICEKEEP_TS: '1' });
          rows.push({ name: 'CLI: pricekeep db (PostgreSQL)', figure: ms(db), baseline: `${ms(floor)} (node -e '' + pg open)`, ratio: db / floor, target: '≤ 2×', met: db <= 2 * floor,
            note: `compiled dist/; through tsx ${ms(dbTs)}; local PostgreSQL` });
        } finally {
          await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
          await admin.end();
        }
      }
      return rows;
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
};
