// The server side of the admin API: runs a CLI command sent by another process inside
// this one, on this process's open store, with the command's output sent to `sink`
// instead of the terminal. Only commands marked viaServer run; each run gets a program
// of its own, so concurrent commands do not share state.
import type { Config } from '../config.js';
import type { Store } from '../store/index.js';
import { runInContext } from './cli-context.js';
import { createProgram, reportError } from './program.js';
import { viaServerCommand } from './via-server.js';

export interface CliSink {
  stdout(text: string): void;
  stderr(text: string): void;
}

/** Runs `argv` (the words after `pricekeep`) as if typed in `cwd`; resolves to the exit code. */
export type RunCli = (argv: readonly string[], cwd: string, sink: CliSink) => Promise<number>;

export function createCliRunner(options: { store: Store; config: Config; afterCommand?: () => void }): RunCli {
  return async (argv, cwd, sink) => {
    const program = createProgram({ writeOut: sink.stdout, writeErr: sink.stderr });
    if (!viaServerCommand(program, argv)) {
      sink.stderr(`pricekeep: "${argv.join(' ')}" does not run through the server; stop the server to run it\n`);
      return 2;
    }
    let exitCode = 0;
    const context = {
      stdout: sink.stdout,
      stderr: sink.stderr,
      cwd,
      setExitCode: (code: number) => void (exitCode = code),
      store: options.store,
      config: options.config,
    };
    try {
      await runInContext(context, () => program.parseAsync([...argv], { from: 'user' }));
    } catch (error) {
      exitCode = reportError(error, sink.stderr);
    } finally {
      // e.g. `track add`: the scheduler looks at the queue now, not at its next wake-up
      options.afterCommand?.();
    }
    return exitCode;
  };
}
