// The list of subcommands: one src/cli/<name>.ts module each, exporting `register`.
// Command modules keep heavy imports (fastify, cheerio, the database) inside their
// actions, so `pricekeep --help` stays fast.
import type { Command } from 'commander';

type Register = (program: Command) => void;

const registrations: Register[] = [];

export function registerCommands(program: Command): void {
  for (const register of registrations) register(program);
}
