// The list of subcommands: one src/cli/<name>.ts module each, exporting `register`.
// Command modules keep heavy imports (fastify, cheerio, the database) inside their
// actions, so `pricekeep --help` stays fast.
import type { Command } from 'commander';
import { register as admin } from './admin.js';
import { register as db } from './db.js';
import { register as exportCommand } from './export.js';
import { register as extract } from './extract.js';
import { register as importCommand } from './import.js';
import { register as keys } from './keys.js';
import { register as migrate } from './migrate.js';
import { register as runOnce } from './run-once.js';
import { register as scrape } from './scrape.js';
import { register as search } from './search.js';
import { register as serve } from './serve.js';
import { register as start } from './start.js';
import { register as track } from './track.js';

type Register = (program: Command) => void;

const registrations: Register[] = [start, serve, keys, importCommand, exportCommand, migrate, db, extract, scrape, search, track, runOnce, admin];

export function registerCommands(program: Command): void {
  for (const register of registrations) register(program);
}
