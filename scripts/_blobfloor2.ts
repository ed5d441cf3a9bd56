import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, constants } from 'node:zlib';
import { openStore } from '../src/store/index.js';
import { synthetic } from '../bench/storage.js';
import { realShapedProducts } from '../bench/keepa-shapes.js';
import { splitKeepaProduct } from '../src/keepa/product-object.js';

type S = { ts: number[]; vs: number[]; ss: (number | null)[] };
function vint(x: number, out: number[]) { let z = x >= 0 ? x * 2 : -x * 2 - 1; while (z >= 128) { out.push((z % 128) | 128); z = Math.floor(z / 128); } out.push(z); }
function uvint(z: number, out: number[]) { while (z >= 128) { out.push((z % 128) | 128); z = Math.floor(z / 128); } out.push(z); }
const brot = (b: number[], win = 22) => brotliCompressSync(Uint8Array.from(b), { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_LGWIN]: win, [constants.BROTLI_PARAM_SIZE_HINT]: b.length } }).length;
const zz = (x: number) => (x >= 0 ? x * 2 : -x * 2 - 1);
function planes(xs: number[], out: number[]) { const w = Math.max(1, ...xs.map((x) => (x === 0 ? 1 : Math.ceil(Math.log2(x + 1) / 8)))); out.push(w); for (let b = 0; b < w; b++) for (const x of xs) out.push(Math.floor(x / 2 ** (8 * b)) & 255); }
const dts = (s: S) => s.ts.map((t, i) => t - (i ? s.ts[i - 1]! : 0));
const dvs = (s: S) => s.vs.map((v, i) => v - (i ? s.vs[i - 1]! : 0));
const secs = (s: S) => s.ss.filter((x) => x != null).map((x, i, a) => x! - (i ? a[i - 1]! : 0));
const enc: Record<string, (g: S[]) => number> = {
  seriescols: (g) => { const o: number[] = []; for (const s of g) { dts(s).forEach((x) => vint(x, o)); dvs(s).forEach((x) => vint(x, o)); secs(s).forEach((x) => vint(x, o)); } return brot(o); },
  prodcols: (g) => { const o: number[] = []; for (const s of g) dts(s).forEach((x) => vint(x, o)); for (const s of g) dvs(s).forEach((x) => vint(x, o)); for (const s of g) secs(s).forEach((x) => vint(x, o)); return brot(o); },
  prodcols_sep: (g) => { const a: number[] = [], b: number[] = [], c: number[] = []; for (const s of g) dts(s).forEach((x) => vint(x, a)); for (const s of g) dvs(s).forEach((x) => vint(x, b)); for (const s of g) secs(s).forEach((x) => vint(x, c)); return brot(a) + brot(b) + (c.length ? brot(c) : 0); },
  planes: (g) => { const o: number[] = []; for (const s of g) planes(dts(s).map(zz), o); for (const s of g) planes(dvs(s).map(zz), o); for (const s of g) planes(secs(s).map(zz), o); return brot(o); },
  timeline: (g) => {
    const union = [...new Set(g.flatMap((s) => s.ts))].sort((a, b) => a - b);
    const idx = new Map(union.map((t, i) => [t, i]));
    const o: number[] = [];
    union.forEach((t, i) => uvint(t - (i ? union[i - 1]! : 0), o));
    for (const s of g) { uvint(s.ts.length, o); let prev = -1; for (const t of s.ts) { const k = idx.get(t)!; uvint(k - prev - 1, o); prev = k; } }
    for (const s of g) dvs(s).forEach((x) => vint(x, o));
    for (const s of g) secs(s).forEach((x) => vint(x, o));
    return brot(o);
  },
};
function report(label: string, groups: S[][]) {
  let n = 0; const r: Record<string, number> = {};
  for (const g of groups) { for (const s of g) n += s.ts.length; for (const [k, f] of Object.entries(enc)) r[k] = (r[k] ?? 0) + f(g); }
  console.log(label, n, Object.entries(r).map(([k, x]) => `${k} ${(x / n).toFixed(3)}`).join(' | '));
}
const prods = realShapedProducts(20, 0);
report('real', prods.map((p) => [...splitKeepaProduct(p).numeric.values()].map((pts: any[]) => ({ ts: pts.map((p) => p.t), vs: pts.map((p) => p.value), ss: pts.map((p) => p.second) }))));
const cache = '/tmp/syn.json';
if (!existsSync(cache)) {
  const dataDir = mkdtempSync(join(tmpdir(), 'bf-'));
  const store = await openStore({ databaseUrl: undefined, dataDir });
  try {
    await synthetic(store, 1000, 500, () => {});
    const { rows } = await store.pool.query(`SELECT series_id, array_agg(t ORDER BY t) ts, array_agg(value ORDER BY t) vs, array_agg(second ORDER BY t) ss FROM points GROUP BY 1 ORDER BY 1`);
    writeFileSync(cache, JSON.stringify(rows));
  } finally { await store.close(); rmSync(dataDir, { recursive: true, force: true }); }
}
const syn: S[] = JSON.parse(readFileSync(cache, 'utf8'));
const sg: S[][] = []; for (let i = 0; i < syn.length; i += 4) sg.push(syn.slice(i, i + 4));
report('synthetic', sg);
