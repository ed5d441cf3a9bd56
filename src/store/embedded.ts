// The embedded engine: PGlite (WASM PostgreSQL) with the TimescaleDB extension, served on
// a loopback port (pglite-wire.ts) so that the ordinary `pg` driver talks to it. PGlite
// has one session, hence a pool of one connection in embedded mode.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pgliteModule } from './pglite-module.js';
import { serveWire } from './pglite-wire.js';
import { StoreError } from './store-error.js';
import { CHANGES_CHANNEL } from './change-feed.js';

export interface EmbeddedServer {
  readonly host: string;
  readonly port: number;
  /** Calls `onPayload` with each `pricekeep_changes` notification (change-feed.ts). */
  onChange(onPayload: (payload: string) => void): () => void;
  stop(): Promise<void>;
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** One process per data directory: PGlite would corrupt files shared by two writers. */
function takeLock(dataDir: string): () => void {
  const lockFile = join(dataDir, 'pricekeep.lock');
  try {
    const holder = Number(readFileSync(lockFile, 'utf8'));
    if (holder && holder !== process.pid && processIsAlive(holder)) {
      throw new StoreError(
        'embedded_in_use',
        `the embedded database in ${dataDir} is open in process ${holder}; stop it, or run a ` +
          'TimescaleDB/PostgreSQL server and set DATABASE_URL to share one database between processes',
      );
    }
  } catch (error) {
    if (error instanceof StoreError) throw error;
  }
  writeFileSync(lockFile, String(process.pid));
  return () => rmSync(lockFile, { force: true });
}

interface MemFs {
  readdir(path: string): string[];
  unlink(path: string): void;
}

const EXTENSION_DIR = '/tmp/pglite/share/postgresql/extension';
/** `timescaledb--2.9.0--2.23.0-dev.sql`: an upgrade from one version to another. */
const UPDATE_SCRIPT = /^timescaledb--[^-]+(-dev)?--[^-]+(-dev)?\.sql$/;

/**
 * PGlite unpacks the TimescaleDB extension into its in-memory file system, including ~90
 * scripts that upgrade older TimescaleDB versions (~10 MB held in memory for the process's
 * life). The embedded engine only ever runs the one version its PGlite build ships
 * (migrations create the extension, nothing runs ALTER EXTENSION UPDATE), so they go.
 * Reaches PGlite's Emscripten FS (`mod.FS`, not a public API): without it nothing is lost
 * but the memory.
 */
function dropExtensionUpdateScripts(pglite: object): void {
  const fs = (pglite as { mod?: { FS?: MemFs } }).mod?.FS;
  if (!fs) return;
  try {
    for (const name of fs.readdir(EXTENSION_DIR)) if (UPDATE_SCRIPT.test(name)) fs.unlink(`${EXTENSION_DIR}/${name}`);
  } catch {
    /* another layout: keep them */
  }
}

export async function startEmbedded(dataDir: string): Promise<EmbeddedServer> {
  mkdirSync(dataDir, { recursive: true });
  const releaseLock = takeLock(dataDir);
  try {
    const [{ PGlite }, { timescaledb }, wasmModule] = await Promise.all([
      import('@electric-sql/pglite'),
      import('@electric-sql/pglite/timescaledb'),
      pgliteModule(),
    ]);
    // PostgreSQL's files live in a subdirectory: initdb wants an empty directory, and the
    // lock file sits beside it.
    const pglite = await PGlite.create({ dataDir: join(dataDir, 'pg'), extensions: { timescaledb }, ...(wasmModule && { wasmModule }) });
    // Without shared_preload_libraries, a reopened PGlite resolves TimescaleDB's functions
    // lazily and never loads the TSL module: compressed chunks then read as empty and
    // compress_chunk fails with "not supported under the current license". Loading the
    // loader first, on every start, restores the full extension.
    await pglite.exec(`LOAD 'timescaledb'`);
    dropExtensionUpdateScripts(pglite);
    // The one session LISTENs before any client connects: it is never inside a client's
    // transaction then, and every later write's notification reaches it.
    const changeListeners = new Set<(payload: string) => void>();
    await pglite.listen(CHANGES_CHANNEL, (payload) => {
      for (const listener of changeListeners) listener(payload);
    });
    const server = await serveWire(pglite);
    return {
      host: server.host,
      port: server.port,
      onChange(onPayload) {
        changeListeners.add(onPayload);
        return () => changeListeners.delete(onPayload);
      },
      async stop() {
        await server.close();
        await pglite.close();
        releaseLock();
      },
    };
  } catch (error) {
    releaseLock();
    throw error;
  }
}
