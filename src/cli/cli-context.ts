// Where a command's output goes and which store it uses. A command run in the terminal
// writes to the process's stdout/stderr and opens the configured store; the same command
// run inside a server for a second CLI process (src/cli/run-in-server.ts) writes to that
// request's stream and uses the server's open store. Commands write through stdout() and
// stderr() below, never process.stdout directly, so both print the same thing.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Config } from '../config.js';
import type { Store } from '../store/index.js';

export interface CommandContext {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** The directory relative paths in arguments are resolved against (the caller's cwd). */
  readonly cwd: string;
  setExitCode(code: number): void;
  /** An open store to use instead of opening one (the server's). */
  readonly store?: Store;
  readonly config?: Config;
}

const storage = new AsyncLocalStorage<CommandContext>();

const terminal: CommandContext = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
  get cwd() {
    return process.cwd();
  },
  setExitCode(code) {
    process.exitCode = code;
  },
};

export function commandContext(): CommandContext {
  return storage.getStore() ?? terminal;
}

export function runInContext<T>(context: CommandContext, run: () => Promise<T>): Promise<T> {
  return storage.run(context, run);
}

/** Writes to the command's stdout. */
export function stdout(text: string): void {
  commandContext().stdout(text);
}

/** Writes to the command's stderr. */
export function stderr(text: string): void {
  commandContext().stderr(text);
}

export function setExitCode(code: number): void {
  commandContext().setExitCode(code);
}
