// `pricekeep migrate`: applies pending schema migrations and says what ran.
import type { Command } from 'commander';
import { withStore } from './open-store.js';

export function register(program: Command): void {
  program
    .command('migrate')
    .description('apply pending database migrations (also done on every start)')
    .action(async () => {
      await withStore(async (store) => {
        const { applied, skipped, timescaledb } = store.migrations;
        const engine = timescaledb ? `TimescaleDB ${timescaledb}` : 'plain PostgreSQL';
        process.stdout.write(
          `${store.engine} database, ${engine}: ${applied.length} migration(s) applied` +
            `${applied.length ? ` (${applied.join(', ')})` : ''}` +
            `${skipped.length ? `, ${skipped.length} TimescaleDB-only skipped (${skipped.join(', ')})` : ''}\n`,
        );
      });
    });
}
