// Progress of `pricekeep import`: a bar redrawn in place on a terminal (products, points,
// rate, ETA from the bytes read), plain pino lines otherwise (a log, a pipe, CI).
import type { Logger } from '../logger.js';

export interface ImportProgressState {
  readonly file: string;
  readonly products: number;
  readonly points: number;
  readonly bytesRead: number;
  readonly totalBytes: number;
}

export interface ImportProgress {
  update(state: ImportProgressState): void;
  /** Clears the bar before a message or at the end. */
  clear(): void;
}

export interface ProgressOptions {
  /** The terminal to draw on, or null for log lines. */
  readonly tty: { write(text: string): unknown; columns?: number } | null;
  readonly logger: Logger;
  readonly now?: () => number;
  /** Least time between two log lines (the first comes at once). */
  readonly logEveryMs?: number;
}

const compact = (n: number) =>
  n >= 1e6 ? `${(n / 1e6).toFixed(1)}M` : n >= 1e4 ? `${(n / 1e3).toFixed(0)}k` : String(Math.round(n));

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.max(0, Math.round(seconds));
  return s >= 3600 ? `${Math.floor(s / 3600)}h${String(Math.floor(s / 60) % 60).padStart(2, '0')}m` : `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

export function importProgress(options: ProgressOptions): ImportProgress {
  const now = options.now ?? Date.now;
  const started = now();
  const logEvery = options.logEveryMs ?? 5000;
  let lastLog = -Infinity;
  let drawn = false;

  const figures = (state: ImportProgressState) => {
    const elapsed = Math.max(1e-3, (now() - started) / 1000);
    const fraction = state.totalBytes > 0 ? Math.min(1, state.bytesRead / state.totalBytes) : 0;
    const eta = fraction > 0 ? (elapsed * (1 - fraction)) / fraction : Infinity;
    return { fraction, rate: state.points / elapsed, eta };
  };

  return {
    update(state) {
      const { fraction, rate, eta } = figures(state);
      if (options.tty) {
        const width = 24;
        const filled = Math.round(fraction * width);
        const text = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}% ` +
          `${state.products.toLocaleString('en-US')} products  ${compact(state.points)} points  ${compact(rate)} points/s  ETA ${duration(eta)}`;
        options.tty.write(`\r${text.slice(0, (options.tty.columns ?? 120) - 1)}\x1b[K`);
        drawn = true;
        return;
      }
      if (now() - lastLog < logEvery) return;
      lastLog = now();
      options.logger.info({
        file: state.file, products: state.products, points: state.points,
        pointsPerSecond: Math.round(rate), percent: Math.round(fraction * 100), etaSeconds: Number.isFinite(eta) ? Math.round(eta) : null,
      }, 'import progress');
    },
    clear() {
      if (drawn) options.tty?.write('\r\x1b[K');
      drawn = false;
    },
  };
}
