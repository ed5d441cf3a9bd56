// `pricekeep import FILE…`: stores Keepa /product responses exactly as Keepa sent them.
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { StoredProductParts } from '../keepa/product-object.js';
import { CliError } from './cli-error.js';
import { withStore } from './open-store.js';

interface ParsedFile {
  readonly file: string;
  readonly products: StoredProductParts[];
}

async function parseFile(file: string): Promise<ParsedFile> {
  const { productsOfResponse } = await import('../keepa/response-file.js');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new CliError(`${file}: cannot read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new CliError(`${file}: not valid JSON: ${(error as Error).message}`);
  }
  try {
    return { file, products: productsOfResponse(json) };
  } catch (error) {
    throw new CliError(`${file}: ${(error as Error).message}`);
  }
}

export function register(program: Command): void {
  program
    .command('import')
    .description('import Keepa /product responses (envelope, product or array); idempotent')
    .argument('<files...>', 'Keepa JSON files')
    .action(async (files: string[]) => {
      // Each file is read and validated in full before its first write, so a bad file is
      // reported and skipped with nothing of it written; the good ones are imported.
      const parsed: ParsedFile[] = [];
      const problems: string[] = [];
      for (const file of files) {
        try {
          parsed.push(await parseFile(file));
        } catch (error) {
          problems.push((error as Error).message);
          process.stderr.write(`pricekeep: ${(error as Error).message} (skipped, nothing written)\n`);
        }
      }
      if (parsed.length > 0) {
        await withStore(async (store) => {
          const { importKeepaProduct } = await import('../store/index.js');
          for (const { file, products } of parsed) {
            let inserted = 0;
            let updated = 0;
            let unchanged = 0;
            for (const product of products) {
              const counts = await importKeepaProduct(store, product);
              inserted += counts.inserted;
              updated += counts.updated;
              unchanged += counts.unchanged;
            }
            const asins = products.map((p) => p.asin).join(',') || '-';
            process.stdout.write(
              `${file}: ${products.length} product(s) [${asins}], ${inserted} new points, ` +
                `${updated} changed, ${unchanged} already stored\n`,
            );
          }
        });
      }
      if (problems.length > 0) {
        throw new CliError(`${problems.length} of ${files.length} file(s) could not be imported`);
      }
    });
}
