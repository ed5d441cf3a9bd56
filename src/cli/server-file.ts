// The discovery file a server holding an embedded data directory publishes in it:
// `<dataDir>/server.json` = {pid, url, secret, startedAt}, mode 0600 (owner only), so a
// second CLI process of the same user finds the admin API and proves it may use it.
// Written atomically (temp file, rename); removed when the server stops.
import { randomBytes } from 'node:crypto';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const SERVER_FILE = 'server.json';

export interface ServerFile {
  readonly pid: number;
  /** Loopback base URL of the API, e.g. http://127.0.0.1:8080 */
  readonly url: string;
  /** Bearer secret of the admin API (64 hex characters). */
  readonly secret: string;
  readonly startedAt: string;
}

export function newAdminSecret(): string {
  return randomBytes(32).toString('hex');
}

export function writeServerFile(dataDir: string, file: ServerFile): void {
  const path = join(dataDir, SERVER_FILE);
  const temp = `${path}.${process.pid}.tmp`;
  // The mode applies at creation, before any byte of the secret is written (hence no
  // leftover temp file of another mode).
  rmSync(temp, { force: true });
  writeFileSync(temp, `${JSON.stringify(file)}\n`, { mode: 0o600, flag: 'w' });
  renameSync(temp, path);
}

/** Removes the file if it is this process's (a newer server may have replaced it). */
export function removeServerFile(dataDir: string, pid = process.pid): void {
  if (readServerFile(dataDir)?.pid === pid) rmSync(join(dataDir, SERVER_FILE), { force: true });
}

/** The published file, or null when there is none or it is not one of ours. */
export function readServerFile(dataDir: string): ServerFile | null {
  let text: string;
  try {
    text = readFileSync(join(dataDir, SERVER_FILE), 'utf8');
  } catch {
    return null;
  }
  try {
    const value = JSON.parse(text) as Partial<ServerFile>;
    if (Number.isInteger(value.pid) && typeof value.url === 'string' && typeof value.secret === 'string') {
      return { pid: value.pid!, url: value.url, secret: value.secret, startedAt: String(value.startedAt ?? '') };
    }
  } catch {
    // a torn or foreign file: as if there were none
  }
  return null;
}

export function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
