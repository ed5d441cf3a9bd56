// The `pricekeep` command. Each subcommand lives in src/cli/<name>.ts and registers
// itself on the program; this file only wires them together and maps errors to exit codes
// (src/cli/exit-error.ts).
import { Command } from 'commander';
import { registerCommands } from './cli/commands.js';
import { cliExit } from './cli/exit-error.js';

const program = new Command('pricekeep')
  .description('Self-hosted Amazon price-history tracker with a Keepa-compatible API')
  .showHelpAfterError()
  .exitOverride();

registerCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  const exit = cliExit(error);
  if (exit.message !== null) process.stderr.write(`pricekeep: ${exit.message}\n`);
  process.exitCode = exit.exitCode;
}
