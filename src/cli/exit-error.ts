// Every error a command can end with, mapped at the CLI edge to one line on stderr and an
// exit code: 2 for bad arguments or configuration, 1 for anything else. Known failures
// (a data directory held by another process, a database that does not answer, a bad
// setting) are said plainly; only a genuine bug prints a stack trace.
import { CommanderError } from 'commander';
import { ConfigError } from '../config.js';
import { LogLevelError } from '../logger.js';
import { StoreError } from '../store/store-error.js';
import { isDatabaseUnavailable } from '../store/unavailable.js';
import { CliError } from './cli-error.js';

export interface CliExit {
  readonly exitCode: number;
  /** Without the "pricekeep: " prefix; null when commander already printed it. */
  readonly message: string | null;
}

export function cliExit(error: unknown): CliExit {
  // commander exits 1 on a usage error (unknown option, missing argument, no command); ours
  // is 2, as for any bad argument. --help and --version stay 0.
  if (error instanceof CommanderError) return { exitCode: error.exitCode === 0 ? 0 : 2, message: null };
  if (error instanceof CliError) return { exitCode: error.exitCode, message: error.message };
  if (error instanceof ConfigError || error instanceof LogLevelError) return { exitCode: 2, message: error.message };
  if (error instanceof StoreError) return { exitCode: 1, message: error.message };
  if (isDatabaseUnavailable(error)) {
    return { exitCode: 1, message: `the database is unavailable (${(error as Error).message}); check DATABASE_URL or try again` };
  }
  return { exitCode: 1, message: `unexpected error: ${(error as Error)?.stack ?? String(error)}` };
}
