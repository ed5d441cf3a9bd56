// `pricekeep migrate`: applies pending schema migrations and says what ran.
import type { Command } from 'commander';
import { commandContext, stdout } from './cli-context.js';
import { withStore } from './open-store.js';
import { viaServer } from './via-server.js';

export function register(program: Command): void {
  viaServer(program.command('migrate'))
    .description('apply pending database migrations (also done on every start)')
    .action(async () => {
      await withStore(async (store) => {
        // In a server that holds the data directory the store has been open since its
        // start: ask again rather than report what ran then.
        const { migrate } = await import('../store/index.js');
        const { applied, skipped, timescaledb } = commandContext().store ? await migrate(store.pool) : store.migrations;
        const engine = timescaledb ? `TimescaleDB ${timescaledb}` : 'plain PostgreSQL';
        stdout(
          `${store.engine} database, ${engine}: ${applied.length} migration(s) applied` +
            `${applied.length ? ` (${applied.join(', ')})` : ''}` +
            `${skipped.length ? `, ${skipped.length} TimescaleDB-only skipped (${skipped.join(', ')})` : ''}\n`,
        );
      });
    });
}
