// Which commands go through a running server. When a server (`start`, `serve`) holds the
// embedded data directory, no other process may open it; a command marked here is then
// sent to the server's admin API and run there, on the server's store, with the same
// output. Opting a command in is one call in its register(): `viaServer(command)`.
import type { Command } from 'commander';

const marked = new WeakSet<Command>();

/** Marks a top-level command (and its subcommands) to run through a server holding the data directory. */
export function viaServer<C extends Command>(command: C): C {
  marked.add(command);
  return command;
}

/** The top-level command `argv` names, if it is marked. */
export function viaServerCommand(program: Command, argv: readonly string[]): Command | undefined {
  const name = argv.find((arg) => !arg.startsWith('-'));
  if (name === undefined) return undefined;
  const command = program.commands.find((c) => c.name() === name || c.aliases().includes(name));
  return command && marked.has(command) ? command : undefined;
}
