// The `pricekeep` program with every command registered, and how an error of a command
// becomes a message and an exit code. Shared by the terminal (src/cli.ts) and a server
// running a command for another CLI process (run-in-server.ts), so both behave alike.
import { Command } from 'commander';
import { registerCommands } from './commands.js';
import { cliExit } from './exit-error.js';

export function createProgram(output?: { writeOut(text: string): void; writeErr(text: string): void }): Command {
  const program = new Command('pricekeep')
    .description('Self-hosted Amazon price-history tracker with a Keepa-compatible API')
    .showHelpAfterError()
    .exitOverride();
  if (output) program.configureOutput({ writeOut: output.writeOut, writeErr: output.writeErr });
  // after the settings above: subcommands inherit them when created
  registerCommands(program);
  return program;
}

/** Writes what the user should see of `error` (exit-error.ts) and returns the exit code. */
export function reportError(error: unknown, writeErr: (text: string) => void): number {
  const exit = cliExit(error);
  if (exit.message !== null) writeErr(`pricekeep: ${exit.message}\n`);
  return exit.exitCode;
}
