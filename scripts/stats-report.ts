// `node bin/run-ts.js scripts/stats-report.ts [-v]`: computes stats for each real Keepa
// response in ../shared/fixtures/keepa and prints, per Statistics Object field, how many
// entries (csv types, sellers×fields, or 1 for a scalar) match Keepa exactly and within
// one unit. -v lists every mismatch. Exit code 1 when any entry differs.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { computeStats } from '../src/keepa/stats.js';
import { STATS_GOLDEN_CASES, compareStats, goldenInput, type FieldMatch } from '../test/golden/stats-compare.js';

const fixtures = resolve(import.meta.dirname, '../../shared/fixtures/keepa');
const verbose = process.argv.includes('-v');

const results: Array<{ label: string; matches: Map<string, FieldMatch>; ms: number }> = [];
for (const golden of STATS_GOLDEN_CASES) {
  const response = JSON.parse(readFileSync(join(fixtures, golden.fixture), 'utf8'));
  const input = goldenInput(response, golden);
  const started = performance.now();
  const stats = computeStats(input);
  const ms = performance.now() - started;
  const matches = new Map(compareStats(stats, response.products[0].stats).map((m) => [m.field, m]));
  results.push({ label: golden.fixture.replace(/^product_B0D8W1YVBX_us_|\.json$/g, ''), matches, ms });
  console.log(`${golden.fixture}\n  ${golden.note}\n  now=${input.now} interval=[${input.interval.start}, ${input.interval.end})`);
}

const fields = [...new Set(results.flatMap((r) => [...r.matches.keys()]))];
const width = Math.max(...fields.map((f) => f.length));
const cell = (m: FieldMatch | undefined) =>
  m ? `${m.matched}/${m.total}${m.withinOne !== m.matched ? ` (±1: ${m.withinOne})` : ''}` : '—';
console.log(`\n${'field'.padEnd(width)}  ${results.map((r) => r.label.padEnd(30)).join('')}`);
let mismatched = 0;
for (const field of fields) {
  const cells = results.map((r) => cell(r.matches.get(field)).padEnd(30)).join('');
  const bad = results.some((r) => (r.matches.get(field)?.mismatches.length ?? 0) > 0);
  console.log(`${field.padEnd(width)}  ${cells}${bad ? '  ✗' : ''}`);
  for (const r of results) {
    const m = r.matches.get(field);
    if (!m || m.mismatches.length === 0) continue;
    mismatched += m.mismatches.length;
    if (verbose) for (const line of m.mismatches) console.log(`    ${r.label}: ${line}`);
  }
}
const total = results.reduce((n, r) => n + [...r.matches.values()].reduce((k, m) => k + m.total, 0), 0);
console.log(`\n${total - mismatched}/${total} entries match; computeStats took ${results.map((r) => `${r.ms.toFixed(2)} ms`).join(', ')}`);
process.exitCode = mismatched > 0 ? 1 : 0;
