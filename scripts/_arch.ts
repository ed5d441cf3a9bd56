import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, archiveColdPoints, dbInfo } from '../src/store/index.js';
import { realShaped, synthetic } from '../bench/storage.js';
const dataDir = mkdtempSync(join(tmpdir(), 'ar-'));
const store = await openStore({ databaseUrl: undefined, dataDir });
try {
  if (process.argv[2] === 'syn') await synthetic(store, 400, 500, console.log); else await realShaped(store, Number(process.argv[3] ?? 10), console.log);
  const t0 = performance.now();
  const r = await archiveColdPoints(store, { batchProducts: Number(process.argv[4] ?? 10), onProgress: (p) => console.log(p, ((performance.now() - t0) / 1000).toFixed(1), process.memoryUsage().rss >> 20) });
  console.log(r, await dbInfo(store));
} finally { await store.close(); rmSync(dataDir, { recursive: true, force: true }); }
