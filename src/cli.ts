// The `pricekeep` command. Each subcommand lives in src/cli/<name>.ts and registers
// itself on the program; this file only wires them together and maps errors to exit codes.
import { Command, CommanderError } from 'commander';
import { registerCommands } from './cli/commands.js';
import { CliError } from './cli/cli-error.js';
import { ConfigError } from './config.js';

const program = new Command('pricekeep')
  .description('Self-hosted Amazon price-history tracker with a Keepa-compatible API')
  .showHelpAfterError()
  .exitOverride();

registerCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode;
  } else if (error instanceof CliError || error instanceof ConfigError) {
    process.stderr.write(`pricekeep: ${error.message}\n`);
    process.exitCode = error instanceof CliError ? error.exitCode : 2;
  } else {
    process.stderr.write(`pricekeep: unexpected error: ${(error as Error)?.stack ?? String(error)}\n`);
    process.exitCode = 1;
  }
}
