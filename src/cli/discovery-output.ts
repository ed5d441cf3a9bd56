// Shared by `pricekeep find` and `pricekeep deals`: the selection argument (a file or inline
// JSON), the store opened with its summaries caught up, and the three output formats.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DiscoveryRequestError } from '../keepa/discovery-fields.js';
import { commandContext, stdout } from './cli-context.js';
import { CliError } from './cli-error.js';
import { formatTable } from './table.js';

export type OutputFormat = 'table' | 'json' | 'csv';

export function formatOf(options: { json?: boolean; csv?: boolean }): OutputFormat {
  if (options.json && options.csv) throw new CliError('--json and --csv exclude each other', 2);
  return options.json ? 'json' : options.csv ? 'csv' : 'table';
}

/** `--selection` as a file path (relative to the caller's directory) or as JSON text. */
export function readSelection(argument: string): unknown {
  const path = resolve(commandContext().cwd, argument);
  const text = existsSync(path) ? readFileSync(path, 'utf8') : argument;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CliError(`--selection is neither a readable file nor valid JSON: ${(error as Error).message}`, 2);
  }
}

/** A parser's field error as a usage error (exit 2). */
export function cliParsed<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof DiscoveryRequestError) throw new CliError(error.message, 2);
    throw error;
  }
}

const csvCell = (value: string) => (/[",\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);

/** Rows of named columns in the chosen format; `extra` goes into the JSON object beside `rows`. */
export function printRows(format: OutputFormat, columns: readonly string[], rows: ReadonlyArray<Record<string, string | number | null>>, extra: Record<string, unknown>): void {
  if (format === 'json') {
    stdout(`${JSON.stringify({ ...extra, rows }, null, 2)}\n`);
    return;
  }
  const cell = (v: string | number | null | undefined) => (v === null || v === undefined ? '' : String(v));
  if (format === 'csv') {
    const lines = [columns.join(','), ...rows.map((r) => columns.map((c) => csvCell(cell(r[c]))).join(','))];
    stdout(`${lines.join('\n')}\n`);
    return;
  }
  stdout(formatTable([columns.map((c) => c.toUpperCase()), ...rows.map((r) => columns.map((c) => cell(r[c]).slice(0, 70)))]));
}
