// The embedded engine: PGlite (WASM PostgreSQL) with the TimescaleDB extension, served on
// a loopback port (pglite-wire.ts) so that the ordinary `pg` driver talks to it. PGlite
// has one session, hence a pool of one connection in embedded mode.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pgliteModule } from './pglite-module.js';
import { serveWire } from './pglite-wire.js';
import { StoreError } from './store-error.js';

export interface EmbeddedServer {
  readonly host: string;
  readonly port: number;
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
    const server = await serveWire(pglite);
    return {
      host: server.host,
      port: server.port,
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
