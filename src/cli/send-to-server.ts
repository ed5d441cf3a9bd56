// The client side of the admin API: when a server publishes itself in the embedded data
// directory (server-file.ts), a command marked viaServer is sent to it instead of opening
// the directory (which the server holds). The server streams the command's stdout,
// stderr and exit code back as NDJSON lines, so the user sees what a local run prints.
// With DATABASE_URL every process opens the database itself: nothing is sent.
import type { Command } from 'commander';
import { CliError } from './cli-error.js';
import { processIsAlive, readServerFile } from './server-file.js';
import { viaServerCommand } from './via-server.js';

/** One line of the admin API's answer to POST /admin/cli. */
export type CliStreamLine = { readonly stdout: string } | { readonly stderr: string } | { readonly exit: number } | Record<string, never>;

/** Runs `argv` in the server holding the data directory; false when there is none (run it here). */
export async function sendToServer(program: Command, argv: readonly string[]): Promise<boolean> {
  if (!viaServerCommand(program, argv)) return false;
  const { loadConfig } = await import('../config.js');
  const config = loadConfig();
  if (config.store.databaseUrl) return false;
  const server = readServerFile(config.store.dataDir);
  // no server, or a stale file of a killed one (the data directory's lock says the same)
  if (!server || server.pid === process.pid || !processIsAlive(server.pid)) return false;
  const where = `the server in process ${server.pid} holds ${config.store.dataDir}`;
  let response: Response;
  try {
    response = await fetch(`${server.url}/admin/cli`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.secret}`, 'content-type': 'application/json', accept: 'application/x-ndjson' },
      body: JSON.stringify({ argv, cwd: process.cwd() }),
    });
  } catch (error) {
    const cause = (error as { cause?: { message?: string } }).cause?.message ?? (error as Error).message;
    throw new CliError(`${where}, but its admin API at ${server.url} does not answer (${cause})`);
  }
  if (!response.ok || !response.body) {
    const text = await response.text().catch(() => '');
    let message = text;
    try {
      message = (JSON.parse(text) as { message?: string }).message ?? text;
    } catch {
      // not JSON: the text as it is
    }
    throw new CliError(`${where}, and its admin API refused the command (${response.status}: ${message})`);
  }
  const exit = await relay(response.body);
  if (exit === null) throw new CliError(`${where}; it stopped before the command finished`);
  process.exitCode = exit;
  return true;
}

/** Writes the streamed lines to this process's stdout/stderr; returns the exit code (null: none came). */
async function relay(body: ReadableStream<Uint8Array>): Promise<number | null> {
  const decoder = new TextDecoder();
  let buffered = '';
  let exit: number | null = null;
  const handle = (line: string) => {
    if (line.trim() === '') return;
    const value = JSON.parse(line) as { stdout?: string; stderr?: string; exit?: number };
    if (typeof value.stdout === 'string') process.stdout.write(value.stdout);
    else if (typeof value.stderr === 'string') process.stderr.write(value.stderr);
    else if (typeof value.exit === 'number') exit = value.exit;
  };
  for await (const chunk of body) {
    buffered += decoder.decode(chunk, { stream: true });
    let newline: number;
    while ((newline = buffered.indexOf('\n')) !== -1) {
      handle(buffered.slice(0, newline));
      buffered = buffered.slice(newline + 1);
    }
  }
  handle(buffered + decoder.decode());
  return exit;
}
