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

function counts(c: { pending: number; delivered: number; failed: number }): string {
  return `${c.delivered} delivered, ${c.pending} pending, ${c.failed} failed`;
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
      const halt = report.halt;
      stdout(
        [
          ...(halt ? [`HALTED:     scraping stopped since ${new Date(halt.since).toISOString()} (${halt.code}: ${halt.message}); fix it, then \`pricekeep track resume\``] : []),
          `tracked:    ${q.tracked} (${q.active} active, ${q.inactive} inactive)`,
          `due now:    ${q.due}`,
          `leased:     ${q.leased}`,
          `last hour:  ${rate(report.lastHour)}`,
          `last day:   ${rate(report.lastDay)}`,
          `errors:     ${errors || 'none'} (last day)`,
          `webhooks:   ${counts(report.deliveries.webhook)}`,
          `e-mails:    ${counts(report.deliveries.email)}`,
          ...(report.deliveries.lastFailure
            ? [`last failed delivery: ${report.deliveries.lastFailure.channel} ${report.deliveries.lastFailure.topic} ${report.deliveries.lastFailure.subject} at ${report.deliveries.lastFailure.at ?? '-'}: ${report.deliveries.lastFailure.error ?? 'no error recorded'}`]
            : []),
        ].join('\n') + '\n',
      );
    });
}
