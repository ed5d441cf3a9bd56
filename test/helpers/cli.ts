// Runs the real CLI (`bin/pricekeep.js` in a child process), as a user would, against a
// test database.
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import type { TestDatabase } from './engines.js';

const run = promisify(execFile);

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The environment that points the CLI at `database` (`scratch` holds an embedded data dir's stand-in for server databases). */
export function cliEnvFor(database: TestDatabase, scratch: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PRICEKEEP_DATA_DIR: database.config.dataDir || scratch,
    DATABASE_URL: database.config.databaseUrl ?? '',
    ...extra,
  };
}

/** `pricekeep ARGS…` with its exit code, stdout and stderr (a failing run resolves too). */
export function runCli(env: NodeJS.ProcessEnv, ...args: string[]): Promise<CliResult> {
  return run(process.execPath, ['bin/pricekeep.js', ...args], { env, maxBuffer: 64 * 1024 * 1024 }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );
}

/** `pricekeep admin set-password` with `input` piped on stdin (as the README says); its exit code and stderr. */
export function setAdminPassword(env: NodeJS.ProcessEnv, input: string): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/pricekeep.js', 'admin', 'set-password'], { env, stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stderr }));
    child.stdin.end(input);
  });
}
