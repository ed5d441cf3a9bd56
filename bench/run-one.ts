// Runs one benchmark in this process and sends its rows to the parent (bench/run.ts), so
// that every benchmark starts from a fresh process: no heap, engine or timer left behind
// by an earlier one weighs on its figures or on its baseline.
import type { BenchRow } from './bench-types.js';
import { ALL_BENCHMARKS } from './benchmarks.js';

const [name, scale, serverUrl] = process.argv.slice(2);
const bench = ALL_BENCHMARKS.find((b) => b.name === name);
if (!bench || !process.send) {
  console.error(`usage: forked by bench/run.ts with a benchmark name (${ALL_BENCHMARKS.map((b) => b.name).join(', ')})`);
  process.exit(2);
}
let rows: BenchRow[];
try {
  rows = await bench.run({
    scale: Number(scale),
    serverUrl: serverUrl || undefined,
    log: (line) => process.stderr.write(`[bench] ${line}\n`),
  });
} catch (error) {
  rows = [{ name: bench.name, figure: 'failed', baseline: '-', ratio: null, target: '-', met: false, note: (error as Error).message }];
}
process.send(rows, () => process.exit(0));
