import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../src/store/index.js';
import { realShaped } from '../bench/storage.js';
const dataDir = mkdtempSync(join(tmpdir(), 'ar-'));
const store = await openStore({ databaseUrl: undefined, dataDir });
const q = (t: string, v?: any[]) => store.pool.query(t, v);
try {
  await realShaped(store, 5, console.log);
  const ids = (await q('SELECT id FROM series')).rows.map((r: any) => r.id);
  console.log((await q('SELECT count(*) FROM points')).rows, ids.length);
  for (const [label, text, vals] of [
    ['select any', 'SELECT series_id, t, value, second FROM points WHERE series_id = ANY($1::int[]) AND t < $2', [ids, 8e6]],
    ['explain delete any', 'EXPLAIN DELETE FROM points WHERE series_id = ANY($1::int[]) AND t < $2 RETURNING series_id, t, value, second', [ids, 8e6]],
    ['delete any', 'DELETE FROM points WHERE series_id = ANY($1::int[]) AND t < $2 RETURNING series_id, t, value, second', [ids.slice(0, 20), 8e6]],
    ['delete using', 'DELETE FROM points p USING unnest($1::int[], $2::int[]) c(id, cutoff) WHERE p.series_id = c.id AND p.t < c.cutoff RETURNING p.series_id', [ids.slice(20), ids.slice(20).map(() => 8e6)]],
  ] as const) {
    const t0 = performance.now();
    try { const r = await q(text, vals as any); console.log(label, r.rowCount, (performance.now() - t0).toFixed(0), 'ms', label.startsWith('explain') ? r.rows.slice(0, 8).map((x: any) => x['QUERY PLAN']).join('\n') : ''); }
    catch (e) { console.log(label, 'FAILED', (e as Error).message); }
  }
} finally { await store.close(); rmSync(dataDir, { recursive: true, force: true }); }
