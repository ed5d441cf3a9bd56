// `npm run bench [-- --scale 0.1] [--only ingest,read]`: runs every benchmark, each in a
// process of its own (bench/run-one.ts), prints one table (figure, baseline, ratio,
// target) and writes bench/results.md (a run with --only writes bench/results-<names>.md). Never part of npm test.
import { fork } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import type { Benchmark, BenchRow } from './bench-types.js';
import { ALL_BENCHMARKS, BENCHMARKS } from './benchmarks.js';
import { writeReadmeTable } from './readme-table.js';

const { values } = parseArgs({
  options: {
    scale: { type: 'string', default: process.env.BENCH_SCALE ?? '' },
    only: { type: 'string', default: '' },
    server: { type: 'string', default: process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test' },
    'no-server': { type: 'boolean', default: false },
  },
});

const only = new Set(values.only.split(',').map((s) => s.trim()).filter(Boolean));
const selected: Benchmark[] = only.size === 0 ? BENCHMARKS : ALL_BENCHMARKS.filter((b) => only.has(b.name));
const scaleText = values.scale || '';
const options = {
  scale: scaleText ? Number(scaleText) : NaN,
  serverUrl: values['no-server'] ? undefined : values.server,
  log: (line: string) => process.stderr.write(`[bench] ${line}\n`),
};

/** Runs one benchmark in a child process; its progress goes to our stderr. */
function runInChild(bench: Benchmark, scale: number): Promise<BenchRow[]> {
  const runner = fileURLToPath(new URL('../bin/run-ts.js', import.meta.url));
  const entry = fileURLToPath(new URL('./run-one.ts', import.meta.url));
  return new Promise((resolve) => {
    let rows: BenchRow[] | undefined;
    const child = fork(runner, [entry, bench.name, String(scale), options.serverUrl ?? ''], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.on('message', (message) => (rows = message as BenchRow[]));
    child.on('exit', (code, signal) =>
      resolve(rows ?? [{ name: bench.name, figure: 'failed', baseline: '-', ratio: null, target: '-', met: false, note: `benchmark process exited (${signal ?? code}) without results` }]),
    );
  });
}

const rows: BenchRow[] = [];
const started = Date.now();
for (const bench of selected) {
  options.log(`${bench.name}: start`);
  const t0 = Date.now();
  rows.push(...(await runInChild(bench, Number.isNaN(options.scale) ? 1 : options.scale)));
  options.log(`${bench.name}: done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

const header = ['benchmark', 'figure', 'baseline', 'ratio', 'target', 'met'];
const table = rows.map((r) => [
  r.name, r.figure, r.baseline, r.ratio === null ? '-' : `${r.ratio.toFixed(2)}×`, r.target, r.met === null ? '-' : r.met ? 'yes' : 'NO',
]);
const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i]!.length)));
const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
process.stdout.write(`${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n${table.map(line).join('\n')}\n`);
for (const r of rows) if (r.note) process.stdout.write(`  ${r.name}: ${r.note}\n`);

const md = [
  '# Benchmark results',
  '',
  `Written by \`npm run bench\` on ${new Date().toISOString()}: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), ` +
    `Node ${process.version}, scale ${Number.isNaN(options.scale) ? 1 : options.scale}, ${((Date.now() - started) / 1000).toFixed(0)} s in all.`,
  '',
  `| ${header.join(' | ')} |`,
  `|${header.map(() => '---').join('|')}|`,
  ...table.map((row) => `| ${row.map((c) => c.replaceAll('|', '\\|')).join(' | ')} |`),
  '',
  ...rows.filter((r) => r.note).map((r) => `- **${r.name}**: ${r.note}`),
  '',
].join('\n');
// A partial run (--only) writes its own file, so it never replaces the full table.
const file = only.size === 0 ? 'results.md' : `results-${[...only].sort().join('-')}.md`;
writeFileSync(new URL(`./${file}`, import.meta.url), md);
process.stderr.write(`[bench] wrote bench/${file}\n`);
if (only.size === 0) {
  writeReadmeTable(md, new URL('../README.md', import.meta.url));
  process.stderr.write('[bench] wrote the table into README.md\n');
}
