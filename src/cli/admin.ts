// `pricekeep admin set-password`: the dashboard's login password (required whenever the
// server is not bound to a loopback address). Read from standard input — typed with echo
// off on a terminal, or piped (`echo "$PASSWORD" | pricekeep admin set-password`) — so it
// never appears in the shell history or the process list. Only a scrypt hash is stored;
// setting a new password ends every open dashboard session.
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { CliError } from './cli-error.js';
import { withStore } from './open-store.js';

async function readPiped(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

function prompt(question: string): Promise<string> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    // Echo off: only the prompt is written, never the typed characters.
    (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = (s: string) => {
      if (s.includes(question)) process.stderr.write(question);
    };
    rl.question(question, (answer) => {
      rl.close();
      process.stderr.write('\n');
      resolve(answer);
    });
  });
}

async function readPassword(): Promise<string> {
  if (!process.stdin.isTTY) return readPiped();
  const first = await prompt('New dashboard password: ');
  const second = await prompt('Repeat it: ');
  if (first !== second) throw new CliError('the two passwords differ; nothing was changed', 2);
  return first;
}

async function setPassword(): Promise<void> {
  const { hashPassword, MIN_PASSWORD_LENGTH } = await import('../auth/password.js');
  const password = await readPassword();
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new CliError(`the password must have at least ${MIN_PASSWORD_LENGTH} characters`, 2);
  }
  const hash = await hashPassword(password);
  const { setAdminPasswordHash } = await import('../store/web-auth.js');
  await withStore((store) => setAdminPasswordHash(store, hash));
  process.stderr.write('pricekeep: dashboard password set (stored as a scrypt hash); open sessions were signed out\n');
}

export function register(program: Command): void {
  const admin = program.command('admin').description('administration of the web dashboard');
  admin
    .command('set-password')
    .description('set the dashboard login password (read from stdin; required when not bound to loopback)')
    .action(setPassword);
}
