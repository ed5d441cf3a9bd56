import { brotliCompressSync, constants, deflateRawSync } from 'node:zlib';
import { realShapedProducts } from '../bench/keepa-shapes.js';
import { splitKeepaProduct } from '../src/keepa/product-object.js';
function vint(x: number, out: number[]) { let z = x >= 0 ? x * 2 : -x * 2 - 1; while (z >= 128) { out.push((z % 128) | 128); z = Math.floor(z / 128); } out.push(z); }
const blobs: Uint8Array[] = []; let n = 0;
for (const p of realShapedProducts(20, 0)) { const o: number[] = []; for (const pts of splitKeepaProduct(p).numeric.values() as any) { n += pts.length; pts.forEach((x: any, i: number) => vint(x.t - (i ? pts[i-1].t : 0), o)); pts.forEach((x: any, i: number) => vint(x.value - (i ? pts[i-1].value : 0), o)); } blobs.push(Uint8Array.from(o)); }
const raw = blobs.reduce((s, b) => s + b.length, 0);
console.log('points', n, 'raw', (raw / n).toFixed(3));
for (const q of [1, 3, 5, 6, 7, 8, 9, 10, 11]) for (const w of [18, 22]) {
  const t0 = performance.now(); let size = 0;
  for (const b of blobs) size += brotliCompressSync(b, { params: { [constants.BROTLI_PARAM_QUALITY]: q, [constants.BROTLI_PARAM_LGWIN]: w, [constants.BROTLI_PARAM_SIZE_HINT]: b.length } }).length;
  const ms = performance.now() - t0;
  console.log(`q${q} w${w} ${(size / n).toFixed(3)} B/pt, ${(raw / 1e6 / (ms / 1000)).toFixed(1)} MB/s, ${(n / 1e6 / (ms / 1000)).toFixed(2)} Mpts/s`);
}
const t0 = performance.now(); let size = 0; for (const b of blobs) size += deflateRawSync(b, { level: 6 }).length; console.log('deflate6', (size / n).toFixed(3), ((performance.now() - t0)).toFixed(0), 'ms');
