// The archive job (issue 16): once a day, rows of `points` older than 30 days move into
// their products' compressed blobs (point-archive.ts), blobs an import wrote fast are
// re-encoded at the best compression, and on TimescaleDB the chunks left are compressed
// (compression.ts). Two processes may both run it: the per-product archive locks make the
// second one's work a no-op.
import cron from 'node-cron';
import type { Logger } from 'pino';
import { archiveColdPoints, compressOldChunks, type Store } from '../src/store/index.js';

export interface RunningArchiveJob {
  stop(): Promise<void>;
}

export async function runArchiveTick(store: Store, logger?: Logger): Promise<void> {
  const started = Date.now();
  const archived = await archiveColdPoints(store);
  const compressed = await compressOldChunks(store);
  if (archived.products + compressed > 0) {
    logger?.info({ ...archived, compressedChunks: compressed, ms: Date.now() - started }, 'cold points archived');
  }
}

/** Runs daily at 03:17 (node-cron; `schedule` overrides), never two at once in a process. */
export function startArchiveJob(options: { store: Store; logger?: Logger; schedule?: string }): RunningArchiveJob {
  let running: Promise<unknown> | null = null;
  const task = cron.schedule(options.schedule ?? '17 3 * * *', () => {
    if (running) return;
    running = runArchiveTick(options.store, options.logger)
      .catch((error) => options.logger?.error({ err: error }, 'archive run failed'))
      .finally(() => {
        running = null;
      });
  }, { noOverlap: true });
  return {
    async stop() {
      await task.stop();
      await running;
    },
  };
}
