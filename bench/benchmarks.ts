// Every benchmark, in the order `npm run bench` runs them. One module each.
import type { Benchmark } from './bench-types.js';

export const BENCHMARKS: Benchmark[] = [];
