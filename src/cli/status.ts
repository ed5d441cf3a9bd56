// `pricekeep status`: what GET /status shows (queue depth, success rates, errors by ASA
// code), through the running server or straight from the database.
import type { Command } from 'commander';
import { stdout } from './cli-context.js';
import { withStore } from './open-store.js';
import { viaServer } from './via-server.js';

function rate(window: { scrapes: number; ok: number; successRate: number | null }): string {
  const percent = window.successRate === null ? '-' : `${(window.successRate * 100).toFixed(1)}%`;
  return `${window.scrapes} scrapes, ${window.ok} ok (${percent})`;
}

export function register(program: Command): void {
  viaServer(program.command('status'))
    .description('the scheduler queue, success rates and errors by code (what GET /status shows)')
    .option('--json', 'print the JSON GET /status answers')
    .action(async (options: { json?: boolean }) => {
      const { statusReport } = await import('../products/status-report.js');
      const report = await withStore((store) => statusReport(store));
      if (options.json) {
        stdout(`${JSON.stringify(report, null, 2)}\n`);
        return;
      }
      const q = report.queue;
      const errors = Object.entries(report.errorsByCode).map(([code, n]) => `${code} ${n}`).join(', ');
      stdout(
        [
          `tracked:    ${q.tracked} (${q.active} active, ${q.inactive} inactive)`,
          `due now:    ${q.due}`,
          `leased:     ${q.leased}`,
          `last hour:  ${rate(report.lastHour)}`,
          `last day:   ${rate(report.lastDay)}`,
          `errors:     ${errors || 'none'} (last day)`,
        ].join('\n') + '\n',
      );
    });
}
