// One pino logger for CLI and jobs (the API server hands the same options to fastify).
// Logs go to stderr so that stdout stays clean for JSON output (`export`, `extract`).
import pino, { type Logger } from 'pino';

export type { Logger };

export function createLogger(level = process.env.PRICEKEEP_LOG_LEVEL ?? 'info'): Logger {
  return pino({ level, base: { app: 'pricekeep' } }, pino.destination(2));
}
