// `node bin/run-ts.js scripts/spike-analysis.ts [--pairs] [DIR…]`: what the saved Keepa responses say
// about the price spikes Keepa leaves out of max, maxInInterval and the averages of offer
// price series (issue 11). Default DIRs: ../shared/fixtures/keepa and keepa/more.
//
//   A. the points Keepa left out (every point above its all-time max), with their context;
//   B. how the left-out time is treated: removing exactly those points, with the previous
//      value holding over their time ('delete') or their time counted as no offer ('gap');
//   C. selection rules: for each candidate reference (neighbours, duration, trailing
//      mean/median/min/max of the counted series, other series at the same time), the best
//      threshold on value / reference and how many labelled points it gets wrong;
//   D. the best causal approximation found, scored on the stats entries it would change;
//   E. the cases no rule on a series' own history can reconcile.
// Labels come from test/golden/spike-labels.ts (left out: above Keepa's max; counted: Keepa's
// max point or any point at or below max in the last 365 days).
import { join, resolve } from 'node:path';
import { indexAtOrBefore, type SeriesView } from '../src/keepa/series.js';
import { readSavedResponses, type SavedResponse } from '../test/golden/saved-response.js';
import { labelSeries, OFFER_PRICE_TYPES, spikeFields, withoutPoints, type LabelledSeries } from '../test/golden/spike-labels.js';
import { MINUTES_PER_DAY } from '../src/keepa/time.js';

const DAY = MINUTES_PER_DAY;
const root = resolve(import.meta.dirname, '..');
const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const dirs = args.length > 0 ? args.map((d) => resolve(d)) : [join(root, '../shared/fixtures/keepa'), join(root, '../shared/fixtures/keepa/more')];
// Only the 365-day responses (the books): their interval fields are the 365-day window.
const responses: SavedResponse[] = dirs.flatMap((d) => readSavedResponses(d)).filter((s) => s.request.statsParam === '365');
const series: LabelledSeries[] = responses.flatMap((s) => OFFER_PRICE_TYPES.map((i) => labelSeries(s, i)).filter((x): x is LabelledSeries => x !== null));
const byFile = new Map(responses.map((s) => [s.file, s]));

const endOf = (v: SeriesView, k: number, now: number) => (k + 1 < v.length ? v.times[k + 1] : now);
const prevValid = (v: SeriesView, k: number) => { let j = k - 1; while (j >= 0 && v.values[j] < 0) j--; return j; };
const nextValid = (v: SeriesView, k: number) => { let j = k + 1; while (j < v.length && v.values[j] < 0) j++; return j < v.length ? j : -1; };
const fmt = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : '—');

// ---- A. the left-out points ---------------------------------------------------------------
console.log(`${responses.length} responses with stats=365, ${series.length} offer price series\n\nA. Points Keepa left out (above its all-time max), once per product, type and time`);
const seen = new Set<string>();
for (const s of series) {
  const { view: v, labels, now } = s;
  for (let k = 0; k < v.length; k++) {
    if (labels[k] !== 'left out') continue;
    const key = `${s.asin}|${s.csvIndex}|${v.times[k]}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const p = prevValid(v, k), n = nextValid(v, k);
    const pv = p >= 0 ? v.values[p] : NaN, nv = n >= 0 ? v.values[n] : NaN;
    const max = byFile.get(s.file)!.product.stats.max[s.csvIndex];
    console.log(`  ${s.asin} csv ${String(s.csvIndex).padStart(2)} t ${v.times[k]} v ${String(v.values[k]).padStart(6)} for ${String(endOf(v, k, now) - v.times[k]).padStart(6)} min` +
      `  prev ${pv} (×${fmt(v.values[k] / pv)})${k > 0 && v.values[k - 1] < 0 ? ' after -1' : ''}  next ${nv} (×${fmt(v.values[k] / nv)})  Keepa max ${JSON.stringify(max)}`);
  }
}

// ---- B. treatment ------------------------------------------------------------------------
type Fields = ReturnType<typeof spikeFields>;
const FIELD_NAMES = ['avg30', 'avg90', 'avg180', 'avg365', 'max', 'maxInInterval'] as const;
function score(pick: (s: LabelledSeries) => SeriesView): { equal: number; total: number; wrong: string[] } {
  let equal = 0, total = 0;
  const wrong: string[] = [];
  for (const s of series) {
    const got: Fields = spikeFields(pick(s), s.now);
    const keepa = byFile.get(s.file)!.product.stats;
    for (const f of FIELD_NAMES) {
      total++;
      if (JSON.stringify(got[f]) === JSON.stringify(keepa[f][s.csvIndex])) equal++;
      else wrong.push(`${s.file} csv ${s.csvIndex} ${f}: got ${JSON.stringify(got[f])}, Keepa ${JSON.stringify(keepa[f][s.csvIndex])}`);
    }
  }
  return { equal, total, wrong };
}
const asIs = score((s) => s.view);
const deleted = score((s) => withoutPoints(s.view, (k) => s.labels[k] === 'left out', 'delete'));
const gapped = score((s) => withoutPoints(s.view, (k) => s.labels[k] === 'left out', 'gap'));
console.log(`\nB. Treatment (avg30/90/180/365, max, maxInInterval of ${series.length} series = ${asIs.total} entries equal to Keepa's)`);
console.log(`  every point counted:                       ${asIs.equal}`);
console.log(`  left-out points deleted (previous holds):  ${deleted.equal}`);
console.log(`  left-out time counted as no offer:         ${gapped.equal}`);
console.log(`  still different after deleting them: ${deleted.wrong.length === 0 ? 'none' : ''}`);
for (const w of deleted.wrong) console.log(`    ${w}`);

// ---- C. selection rules -------------------------------------------------------------------
interface Point { label: 'left out' | 'counted'; v: number; refs: Map<string, number> }
const points: Point[] = [];
const seenPoint = new Set<string>();
const WINDOWS = [1, 7, 30, 90, 180, 365, 730];
for (const s of series) {
  const { view: v, labels, now } = s;
  const snapshot = byFile.get(s.file)!;
  // Other series as Keepa counted them (left-out points removed), for cross-series references.
  const others = new Map<number, SeriesView>();
  for (const i of [1, 2, 4, 32]) {
    const o = i === 4 ? null : labelSeries(snapshot, i);
    const flat = snapshot.product.csv?.[i];
    if (o) others.set(i, withoutPoints(o.view, (k) => o.labels[k] === 'left out'));
    else if (i === 4 && flat) others.set(i, { length: flat.length / 2, times: Int32Array.from(flat.filter((_: number, j: number) => j % 2 === 0)), values: Int32Array.from(flat.filter((_: number, j: number) => j % 2 === 1)) });
  }
  const kt: number[] = [], kv: number[] = []; // the counted series so far
  for (let k = 0; k < v.length; k++) {
    const t = v.times[k], x = v.values[k], label = labels[k];
    const key = `${s.asin}|${s.csvIndex}|${t}`;
    if (label !== 'unknown' && x >= 0 && !seenPoint.has(key)) {
      seenPoint.add(key);
      const refs = new Map<string, number>();
      const p = prevValid(v, k), n = nextValid(v, k);
      refs.set('previous value', p >= 0 ? v.values[p] : NaN);
      refs.set('next value', n >= 0 ? v.values[n] : NaN);
      refs.set('larger neighbour', Math.max(p >= 0 ? v.values[p] : NaN, n >= 0 ? v.values[n] : NaN));
      refs.set('smaller neighbour', Math.min(p >= 0 ? v.values[p] : NaN, n >= 0 ? v.values[n] : NaN));
      // Duration as a "reference": v / (v × minutes) orders points by 1 / duration.
      refs.set('1/duration', x * (endOf(v, k, now) - t));
      let lastCounted = kv.length - 1;
      while (lastCounted >= 0 && kv[lastCounted] < 0) lastCounted--;
      refs.set('last counted value', lastCounted >= 0 ? kv[lastCounted] : NaN);
      for (const w of WINDOWS) {
        const segs: Array<[number, number]> = [];
        for (let j = kt.length - 1; j >= 0; j--) {
          const a = Math.max(kt[j], t - w * DAY), b = j + 1 < kt.length ? kt[j + 1] : t;
          if (b > a && kv[j] >= 0) segs.push([kv[j], b - a]);
          if (kt[j] <= t - w * DAY) break;
        }
        const minutes = segs.reduce((acc, [, d]) => acc + d, 0);
        const sorted = [...segs].sort((a, b) => a[0] - b[0]);
        let acc = 0, median = NaN;
        for (const [val, d] of sorted) if ((acc += d) >= minutes / 2) { median = val; break; }
        refs.set(`mean ${w}d`, minutes ? segs.reduce((a2, [val, d]) => a2 + val * d, 0) / minutes : NaN);
        refs.set(`median ${w}d`, median);
        refs.set(`min ${w}d`, segs.length ? Math.min(...segs.map((q) => q[0])) : NaN);
        refs.set(`max ${w}d`, segs.length ? Math.max(...segs.map((q) => q[0])) : NaN);
      }
      for (const [i, o] of others) {
        if (i === s.csvIndex) continue;
        const j = indexAtOrBefore(o, t - 1);
        refs.set(`csv ${i} at t`, j >= 0 && o.values[j] > 0 ? o.values[j] : NaN);
      }
      points.push({ label, v: x, refs });
    }
    if (label !== 'left out') { kt.push(t); kv.push(x); }
  }
}
const leftOut = points.filter((p) => p.label === 'left out').length;
console.log(`\nC. Selection rules: "left out when value > F × reference", ${leftOut} left-out and ${points.length - leftOut} counted points`);
console.log(`  ${'reference'.padEnd(20)} ${'best F'.padStart(8)}  wrong (left out kept + counted dropped)  no reference`);
const refNames = [...new Set(points.flatMap((p) => [...p.refs.keys()]))];
for (const name of refNames) {
  const ratios = points.map((p) => ({ label: p.label, r: p.v / (p.refs.get(name) ?? NaN) }));
  const usable = ratios.filter((q) => Number.isFinite(q.r));
  const out = usable.filter((q) => q.label === 'left out').map((q) => q.r).sort((a, b) => a - b);
  const kept = usable.filter((q) => q.label === 'counted').map((q) => q.r).sort((a, b) => a - b);
  let best = { F: NaN, wrong: Infinity };
  for (const F of [...out.map((r) => r - 1e-9), ...kept]) {
    const wrong = out.filter((r) => r <= F).length + kept.filter((r) => r > F).length;
    if (wrong < best.wrong) best = { F, wrong };
  }
  const missing = ratios.filter((q) => q.label === 'left out' && !Number.isFinite(q.r)).length;
  console.log(`  ${name.padEnd(20)} ${fmt(best.F).padStart(8)}  ${String(best.wrong).padStart(5)}  (max counted ×${fmt(kept[kept.length - 1])}, min left out ×${fmt(out[0])})  ${missing}`);
}

// Pairs (--pairs, about a minute): "left out when both ratios exceed their thresholds",
// each ratio also tried reversed (below a threshold); the best pair and its wrong count.
if (process.argv.includes('--pairs')) {
  const isOut = points.map((p) => p.label === 'left out');
  const columns = refNames.flatMap((name) => {
    const col = points.map((p) => p.v / (p.refs.get(name) ?? NaN));
    return [{ name, col }, { name: `-${name}`, col: col.map((x) => -x) }];
  });
  let best = { wrong: Infinity, what: '' };
  for (let i = 0; i < columns.length; i++) {
    for (let j = 0; j < columns.length; j++) {
      if (i === j || columns[i].name.replace(/^-/, '') === columns[j].name.replace(/^-/, '')) continue;
      const x1 = columns[i].col, x2 = columns[j].col;
      const thresholds = [...new Set(x1.filter((x, k) => isOut[k] && Number.isFinite(x)))];
      for (const a of thresholds) {
        // Points passing the first test, by second ratio; sweep the second threshold.
        let missed = 0;
        const pass: Array<[number, boolean]> = [];
        for (let k = 0; k < points.length; k++) {
          if (x1[k] >= a) pass.push([Number.isFinite(x2[k]) ? x2[k] : -Infinity, isOut[k]]);
          else if (isOut[k]) missed++;
        }
        if (missed >= best.wrong) continue;
        pass.sort((p, q) => p[0] - q[0]);
        let keptAbove = pass.filter(([, o]) => !o).length; // counted points at or above b (b = lowest)
        let outBelow = 0;
        for (let k = 0; k < pass.length; k++) {
          if (k === 0 || pass[k][0] !== pass[k - 1][0]) {
            const wrong = missed + outBelow + keptAbove;
            if (wrong < best.wrong && Number.isFinite(pass[k][0])) best = { wrong, what: `${columns[i].name} ≥ ×${fmt(a)} and ${columns[j].name} ≥ ×${fmt(pass[k][0])}` };
          }
          if (pass[k][1]) outBelow++;
          else keptAbove--;
        }
      }
    }
  }
  console.log(`  best pair: ${best.what}: ${best.wrong} wrong`);
}

// ---- D. best causal approximation ----------------------------------------------------------
/** Left out when v > F × the time-weighted mean of the counted values over the last W days. */
function causalMean(view: SeriesView, days: number, F: number): SeriesView {
  const kt: number[] = [], kv: number[] = [];
  const drop = new Set<number>();
  for (let k = 0; k < view.length; k++) {
    const t = view.times[k], x = view.values[k];
    let sum = 0, minutes = 0;
    for (let j = kt.length - 1; j >= 0; j--) {
      const a = Math.max(kt[j], t - days * DAY), b = j + 1 < kt.length ? kt[j + 1] : t;
      if (b > a && kv[j] >= 0) { sum += kv[j] * (b - a); minutes += b - a; }
      if (kt[j] <= t - days * DAY) break;
    }
    if (x >= 0 && minutes > 0 && x > (F * sum) / minutes) { drop.add(k); continue; }
    kt.push(t); kv.push(x);
  }
  return withoutPoints(view, (k) => drop.has(k));
}
console.log(`\nD. Causal approximation "left out when v > F × mean of the counted values over the last W days" (${asIs.total} entries; as is ${asIs.equal}, exact labels ${deleted.equal})`);
const exactNow = new Set(asIs.wrong.map((w) => w.split(': got')[0]));
for (const days of [300, 365, 450]) {
  for (const F of [9.5, 10, 12]) {
    const r = score((s) => causalMean(s.view, days, F));
    const broken = r.wrong.filter((w) => !exactNow.has(w.split(': got')[0])).length;
    console.log(`  W ${days} d, F ${F}: ${r.equal} equal, ${broken} entries that are exact today become wrong`);
  }
}

// ---- E. what no rule on a series' own history reconciles -----------------------------------
console.log('\nE. Cases that contradict every rule tested (labels read off the responses)');
function labelOf(asin: string, csvIndex: number, t: number): string {
  for (const s of series) {
    if (s.asin !== asin || s.csvIndex !== csvIndex) continue;
    const k = [...s.view.times].indexOf(t);
    if (k >= 0) return `${s.view.values[k]} ${s.labels[k]}`;
  }
  return 'not in the data';
}
const CASES: Array<[string, string, Array<[number, number]>]> = [
  ['same offer, same price, same minute: counted in USED_GOOD, left out of USED and BUY_BOX_USED', '0135048761', [[21, 7225452], [2, 7225452], [32, 7225452]]],
  ['a decaying run after a -1: 111455 left out, 105867 (×0.95 of it) counted', '0135048761', [[20, 7331140], [20, 7331968]]],
  ['two equal ×1.25 steps: the first counted, the second left out', '0135048761', [[2, 5149930], [2, 5151536], [2, 5151732]]],
  ['a ×6 isolated spike counted', '1580626130', [[21, 3741220]]],
  ['×21 after a -1 gap counted; in USED ×30 after a gap left out, the next value (×0.73 of it) counted', '1937565750', [[21, 5508234], [2, 5482204], [2, 5487712]]],
  ['after a -1 gap: ×4.2 counted, then ×1.3 of it left out', '8498388899', [[2, 7515356], [2, 7517706]]],
];
for (const [what, asin, refs] of CASES) console.log(`  ${asin}: ${what}\n    ${refs.map(([i, t]) => `csv ${i} t ${t}: ${labelOf(asin, i, t)}`).join('; ')}`);
