// The `pricekeep` command. Each subcommand lives in src/cli/<name>.ts and registers
// itself on the program (src/cli/commands.ts). A command marked viaServer is sent to the
// server holding the embedded data directory when one does (src/cli/send-to-server.ts).
import { createProgram, reportError } from './cli/program.js';
import { sendToServer } from './cli/send-to-server.js';

const program = createProgram();

try {
  if (!(await sendToServer(program, process.argv.slice(2)))) await program.parseAsync(process.argv);
} catch (error) {
  process.exitCode = reportError(error, (text) => void process.stderr.write(text));
}
