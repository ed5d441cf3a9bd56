// Every benchmark, in the order `npm run bench` runs them. One module each.
import type { Benchmark } from './bench-types.js';
import { discoveryBenchmark } from './discovery.js';
import { cliStartupBenchmark } from './cli-startup.js';
import { dashboardBenchmark } from './dashboard.js';
import { extractionBenchmark } from './extraction.js';
import { importBenchmark } from './import.js';
import { ingestBenchmark } from './ingest.js';
import { memoryBenchmark } from './memory.js';
import { readBenchmark } from './read.js';
import { schedulerBenchmark } from './scheduler.js';
import { scaleBenchmark } from './scale.js';
import { storageBenchmark } from './storage.js';
export const BENCHMARKS: Benchmark[] = [ingestBenchmark, importBenchmark, storageBenchmark, readBenchmark, extractionBenchmark, schedulerBenchmark, memoryBenchmark, discoveryBenchmark, dashboardBenchmark, cliStartupBenchmark];


/** Run only when named (`--only scale`): they take long and only report. */
export const OPT_IN_BENCHMARKS: Benchmark[] = [scaleBenchmark];

export const ALL_BENCHMARKS: Benchmark[] = [...BENCHMARKS, ...OPT_IN_BENCHMARKS];
