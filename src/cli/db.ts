// `pricekeep db`: engine, TimescaleDB version, counts, size and compression state.
import type { Command } from 'commander';
import { stderr, stdout } from './cli-context.js';
import { viaServer } from './via-server.js';
import { withStore } from './open-store.js';

function bytes(n: number | null): string {
  if (n === null) return '-';
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

export function register(program: Command): void {
  viaServer(program.command('db'))
    .description('show the database engine, TimescaleDB version, counts and on-disk size')
    .option('--json', 'print JSON')
    .option('--compress', 'archive points older than 30 days into compressed per-product blobs, and compress point chunks older than 30 days, now')
    .option('--compress-all', 'as --compress, then compress every point chunk whatever its age or size')
    .action(async (options: { json?: boolean; compress?: boolean; compressAll?: boolean }) => {
      await withStore(async (store) => {
        const { dbInfo, compressOldChunks, compressAllChunks, archiveColdPoints } = await import('../store/index.js');
        if (options.compress || options.compressAll) {
          let shown = 0;
          const archived = await archiveColdPoints(store, {
            onProgress: ({ products, of, points }) => {
              // a line per ~5% (a run over a big store takes minutes)
              if (products === of || products - shown >= Math.max(1, (of ?? 2000) / 20)) {
                shown = products;
                stderr(`archive: ${products}${of === null ? '' : `/${of}`} products, ${points} points moved into blobs\n`);
              }
            },
          });
          if (archived.droppedChunks > 0) stderr(`archive: ${archived.droppedChunks} emptied chunks dropped\n`);
          if (options.compressAll) await compressAllChunks(store);
          else await compressOldChunks(store);
        }
        const info = await dbInfo(store);
        if (options.json) {
          stdout(`${JSON.stringify(info, null, 2)}\n`);
          return;
        }
        const c = info.compression;
        const lines = [
          `engine:       ${info.engine}`,
          `timescaledb:  ${info.timescaledb ?? 'none (plain PostgreSQL)'}`,
          `products:     ${info.products}`,
          `series:       ${info.series}`,
          `points:       ${info.points} (+ ${info.textPoints} text points), ${info.archive.points} of them archived in ${info.archive.products} blobs; ${bytes(info.pointBytes)}` +
            (info.points > 0 ? `, ${(info.pointBytes / info.points).toFixed(2)} bytes/point` : ''),
          `database:     ${bytes(info.databaseBytes)}${info.dataDirBytes !== null ? `, data dir ${bytes(info.dataDirBytes)} on disk` : ''}`,
          `compression:  ${
            c
              ? `${c.enabled ? 'enabled' : 'disabled'}, ${c.compressedChunks}/${c.chunks} chunks compressed` +
                (c.bytesBefore !== null ? ` (${bytes(c.bytesBefore)} → ${bytes(c.bytesAfter)})` : '')
              : 'not available (plain PostgreSQL)'
          }`,
        ];
        stdout(`${lines.join('\n')}\n`);
      });
    });
}
