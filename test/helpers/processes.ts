// Real pricekeep processes for end-to-end tests: `serve` on a free loopback port and
// `worker`, each with its own environment, stopped (SIGTERM, or SIGKILL on demand) and
// reaped by the test. Waits are bounded: a process that does not come up fails the test.
import { spawn, type ChildProcess } from 'node:child_process';

export interface RunningProcess {
  readonly child: ChildProcess;
  /** Everything the process wrote to stderr (its pino log) so far. */
  readonly stderr: () => string;
  readonly exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL if it has not exited after 20 s. */
  stop(): Promise<number | null>;
}

function launch(env: NodeJS.ProcessEnv, args: string[]): RunningProcess {
  const child = spawn(process.execPath, ['bin/pricekeep.js', ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    stderr: () => stderr,
    exited,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

function waitForLog(proc: RunningProcess, pattern: RegExp, what: string): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const match = pattern.exec(proc.stderr());
      if (match) {
        clearTimeout(timer);
        proc.child.stderr!.off('data', check);
        resolve(match);
      }
    };
    const timer = setTimeout(() => reject(new Error(`${what} did not start: ${proc.stderr().slice(-2000)}`)), 90_000);
    proc.child.stderr!.on('data', check);
    void proc.exited.then((code) => reject(new Error(`${what} exited (${code}): ${proc.stderr().slice(-2000)}`)));
    check();
  });
}

export async function startServe(env: NodeJS.ProcessEnv): Promise<RunningProcess & { url: string }> {
  const proc = launch(env, ['serve', '--port', '0']);
  const match = await waitForLog(proc, /"url":"(http:\/\/[^"]+)"[^\n]*"API listening"/, 'pricekeep serve');
  return Object.assign(proc, { url: match[1]! });
}

export async function startWorker(env: NodeJS.ProcessEnv): Promise<RunningProcess> {
  const proc = launch(env, ['worker']);
  await waitForLog(proc, /"worker started"/, 'pricekeep worker');
  return proc;
}
