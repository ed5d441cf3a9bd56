// One row of the benchmark table: our figure, the baseline measured in the same run,
// their ratio and the target the ratio must meet.
export interface BenchRow {
  /** e.g. "ingest (embedded)". */
  readonly name: string;
  /** Our path, with its unit: "41,200 obs/s". */
  readonly figure: string;
  /** The baseline, with its unit: "88,000 rows/s (COPY)". */
  readonly baseline: string;
  /** ours ÷ baseline, oriented as the target states it (null when there is no ratio, e.g. memory). */
  readonly ratio: number | null;
  /** e.g. "≥ 0.5×", "≤ 2×", "report". */
  readonly target: string;
  /** null when the row only reports. */
  readonly met: boolean | null;
  /** What the figure means / what limits it. */
  readonly note?: string;
}

export interface BenchOptions {
  /** 1 = the full sizes; smaller for quick runs. */
  readonly scale: number;
  /** postgres:// URL of the local server for the server-mode rows; absent = skip them. */
  readonly serverUrl: string | undefined;
  /** Progress lines go here (stderr). */
  readonly log: (line: string) => void;
}

export interface Benchmark {
  readonly name: string;
  run(options: BenchOptions): Promise<BenchRow[]>;
}
