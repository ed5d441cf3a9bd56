import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync, brotliCompressSync, constants } from 'node:zlib';
import { openStore } from '../src/store/index.js';
import { synthetic } from '../bench/storage.js';
import { realShapedProducts } from '../bench/keepa-shapes.js';
import { splitKeepaProduct } from '../src/keepa/product-object.js';

type S = { ts: number[]; vs: number[]; ss: (number | null)[] };
function vint(x: number, out: number[]) { let z = x >= 0 ? x * 2 : -x * 2 - 1; while (z >= 128) { out.push((z % 128) | 128); z = Math.floor(z / 128); } out.push(z); }
const defl = (b: number[]) => deflateRawSync(Uint8Array.from(b), { level: 9 }).length;
const brot = (b: number[]) => brotliCompressSync(Uint8Array.from(b), { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_LGWIN]: 16, [constants.BROTLI_PARAM_SIZE_HINT]: b.length } }).length;
function cols(s: S, mode: string): number[] {
  const t: number[] = [], v: number[] = [], sec: number[] = [];
  for (let i = 0; i < s.ts.length; i++) {
    const dt = s.ts[i]! - (i ? s.ts[i - 1]! : 0);
    if (mode.includes('dod') && i > 1) vint(dt - (s.ts[i - 1]! - s.ts[i - 2]!), t); else vint(dt, t);
    if (mode.includes('raw')) vint(s.vs[i]!, v); else vint(s.vs[i]! - (i ? s.vs[i - 1]! : 0), v);
    if (s.ss[i] !== null && s.ss[i] !== undefined) vint(s.ss[i]! - (i && s.ss[i-1] != null ? s.ss[i - 1]! : 0), sec);
  }
  return [...t, ...v, ...sec];
}
function inter(s: S): number[] { const o: number[] = []; for (let i = 0; i < s.ts.length; i++) { vint(s.ts[i]! - (i ? s.ts[i - 1]! : 0), o); vint(s.vs[i]! - (i ? s.vs[i - 1]! : 0), o); } return o; }
function report(label: string, groups: S[][]) {
  let n = 0; const r: Record<string, number> = {};
  const add = (k: string, x: number) => { r[k] = (r[k] ?? 0) + x; };
  for (const g of groups) {
    const all: number[] = [];
    for (const s of g) {
      n += s.ts.length;
      add('inter+defl', defl(inter(s)));
      const c = cols(s, 'delta'); add('cols', c.length); add('cols+defl', defl(c)); add('cols+brot', brot(c));
      add('dod+brot', brot(cols(s, 'dod'))); add('raw+brot', brot(cols(s, 'raw')));
      all.push(...c);
    }
    add('product cols+brot', brot(all)); add('product cols+defl', defl(all));
  }
  console.log(label, n, Object.entries(r).map(([k, x]) => `${k} ${(x / n).toFixed(3)}`).join(' | '));
}
// real-shaped
const prods = realShapedProducts(40, 0);
const groups: S[][] = prods.map((p) => [...splitKeepaProduct(p).numeric.values()].map((pts: any[]) => ({ ts: pts.map((p) => p.t), vs: pts.map((p) => p.value), ss: pts.map((p) => p.second) })));
report('real', groups);
const dataDir = mkdtempSync(join(tmpdir(), 'bf-'));
const store = await openStore({ databaseUrl: undefined, dataDir });
try {
  await synthetic(store, 2000, 500, () => {});
  const { rows } = await store.pool.query(`SELECT series_id, array_agg(t ORDER BY t) ts, array_agg(value ORDER BY t) vs, array_agg(second ORDER BY t) ss FROM points GROUP BY 1`);
  report('synthetic', rows.map((r: any) => [r]));
} finally { await store.close(); rmSync(dataDir, { recursive: true, force: true }); }
