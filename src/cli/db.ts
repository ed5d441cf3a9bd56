// `pricekeep db`: engine, TimescaleDB version, counts, size and compression state.
import type { Command } from 'commander';
import { stdout } from './cli-context.js';
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
    .option('--compress', 'compress point chunks older than 30 days now')
    .option('--compress-all', 'compress every point chunk now')
    .action(async (options: { json?: boolean; compress?: boolean; compressAll?: boolean }) => {
      await withStore(async (store) => {
        const { dbInfo, compressOldChunks, compressAllChunks } = await import('../store/index.js');
        if (options.compressAll) await compressAllChunks(store);
        else if (options.compress) await compressOldChunks(store);
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
          `points:       ${info.points} (+ ${info.textPoints} text points)`,
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
