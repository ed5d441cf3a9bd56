// Where the compressed bytes of a pricekeep database go (bench/storage-breakdown.ts), for
// a stopped embedded data directory or the server named by DATABASE_URL. Opens the
// database without running migrations and changes nothing.
//
//   node bin/run-ts.js scripts/storage-breakdown.ts [data-dir]   (default ./data)
import { openStore } from '../src/store/index.js';
import { formatBreakdown, storageBreakdown } from '../bench/storage-breakdown.js';

const store = await openStore({ databaseUrl: process.env.DATABASE_URL, dataDir: process.argv[2] ?? './data' }, { migrate: false });
try {
  if (!store.timescaledb) throw new Error('no TimescaleDB here: points are not compressed');
  process.stdout.write(`${formatBreakdown(await storageBreakdown(store))}\n`);
} finally {
  await store.close();
}
