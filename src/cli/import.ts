// `pricekeep import FILE…`: stores Keepa /product responses exactly as Keepa sent them.
// Files are streamed (a file of any size is read in memory bounded by its largest
// product); a bad product is reported with its index and skipped, the others imported.
import { createReadStream, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { commandContext, stderr, stdout } from './cli-context.js';
import { viaServer } from './via-server.js';
import type { ProductItem } from '../keepa/product-stream.js';
import type { ImportItem, Store } from '../store/index.js';
import { CliError } from './cli-error.js';
import { importProgress, type ImportProgress } from './import-progress.js';
import { withStore } from './open-store.js';

interface FileOutcome {
  /** Problem with the file as a whole (unreadable, not JSON, not a Keepa response). */
  readonly failure: string | null;
  readonly rejected: number;
  /** Products written from this file. */
  readonly imported: number;
}

/** The file's bytes, counting them for the progress display. */
async function* countedChunks(file: string, onBytes: (n: number) => void): AsyncGenerator<Buffer> {
  for await (const chunk of createReadStream(resolve(commandContext().cwd, file), { highWaterMark: 1 << 20 })) {
    onBytes((chunk as Buffer).length);
    yield chunk as Buffer;
  }
}

async function importFile(store: Store, file: string, batchPoints: number, progress: ImportProgress): Promise<FileOutcome> {
  const { productsOfStream } = await import('../keepa/product-stream.js');
  const { importKeepaProducts } = await import('../store/index.js');
  const say = (text: string) => {
    progress.clear();
    stderr(`pricekeep: ${file}: ${text}\n`);
  };
  let totalBytes: number;
  try {
    totalBytes = statSync(resolve(commandContext().cwd, file)).size;
  } catch (error) {
    return { failure: `${file}: cannot read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, rejected: 0, imported: 0 };
  }
  let bytesRead = 0;
  let rejected = 0;
  let products = 0;
  let points = 0;
  const asins: string[] = [];
  async function* accepted(items: AsyncIterable<ProductItem>): AsyncGenerator<ImportItem> {
    for await (const item of items) {
      if (item.kind === 'rejected') {
        rejected++;
        say(`${item.message} (skipped)`);
        continue;
      }
      if (item.cleaned > 0) {
        say(`products[${item.index}] ${item.parts.asin}: ${item.cleaned} text value(s) held characters PostgreSQL cannot store (NUL, lone UTF-16 surrogate); replaced by U+FFFD`);
      }
      if (asins.length <= 10) asins.push(item.parts.asin);
      yield item;
    }
  }
  let failure: string | null = null;
  let result = { inserted: 0, updated: 0, unchanged: 0, products: 0 };
  try {
    result = await importKeepaProducts(store, accepted(productsOfStream(countedChunks(file, (n) => (bytesRead += n)))), {
      onCommitted(batch) {
        products += batch.products;
        points += batch.points;
        progress.update({ file, products, points, bytesRead, totalBytes });
      },
      onRejected(item, error) {
        rejected++;
        say(`products[${item.index}] ${item.parts.asin}: the database refused it: ${error.message} (skipped)`);
      },
    }, { batchPoints });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if ((error as Error).name === 'KeepaFormatError') failure = `${file}: ${(error as Error).message}`;
    else if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') failure = `${file}: cannot read: ${code}`;
    else throw error;
  }
  progress.clear();
  if (failure && result.products === 0 && rejected === 0) return { failure, rejected, imported: 0 };
  const shown = asins.length > 10 ? `${asins.slice(0, 10).join(',')},…` : asins.join(',') || '-';
  stdout(
    `${file}: ${result.products} product(s) [${shown}], ${result.inserted} new points, ` +
      `${result.updated} changed, ${result.unchanged} already stored` +
      (rejected > 0 ? `, ${rejected} product(s) skipped` : '') + '\n',
  );
  return { failure, rejected, imported: result.products };
}

export function register(program: Command): void {
  viaServer(program.command('import'))
    .description('import Keepa /product responses (envelope, product or array); idempotent')
    .argument('<files...>', 'Keepa JSON files')
    .action(async (files: string[]) => {
      let failedFiles = 0;
      let rejected = 0;
      await withStore(async (store, config) => {
        const { createLogger } = await import('../logger.js');
        const progress = importProgress({
          // Run inside a server for another process, there is no terminal of ours to draw on.
          tty: process.stderr.isTTY && !commandContext().store ? process.stderr : null,
          logger: createLogger(config.logLevel),
        });
        for (const file of files) {
          const outcome = await importFile(store, file, config.import.batchPoints, progress);
          rejected += outcome.rejected;
          if (outcome.failure) {
            failedFiles++;
            const kept = outcome.imported > 0 ? `the ${outcome.imported} product(s) before the fault were imported` : 'nothing written';
            stderr(`pricekeep: ${outcome.failure} (${kept})\n`);
          }
        }
      });
      const problems = [
        failedFiles > 0 ? `${failedFiles} of ${files.length} file(s) could not be imported` : '',
        rejected > 0 ? `${rejected} product(s) were skipped` : '',
      ].filter(Boolean);
      if (problems.length > 0) throw new CliError(problems.join('; '));
    });
}
