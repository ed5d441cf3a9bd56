// The compiled PGlite WebAssembly module, with PostgreSQL's buffer pool cut to a size that
// fits a small self-hosted process.
//
// Why patch bytes: PGlite 0.3 starts its single-user backend with a fixed argument list
// compiled into pglite.wasm (`-c shared_buffers=128MB`, after any setting from
// postgresql.conf, so ALTER SYSTEM cannot lower it, and PGlite.create takes no startup
// options). The 128 MB buffer pool is allocated and touched in the WASM heap at start:
// it alone is ~120 MB of the process's RSS. The argument is a NUL-terminated string in
// the module's data segment; writing a shorter value over it (same length, NUL-padded)
// and handing the compiled module to PGlite.create({ wasmModule }) is the smallest
// change that reaches it. Pages the pool does not hold are still in the OS page cache
// (PGlite reads its files through Node's fs), so a small pool costs copies, not disk.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const BUILT_IN = 'shared_buffers=128MB';

/** The buffer pool size of the embedded engine (PostgreSQL's default is 128MB). */
export const EMBEDDED_SHARED_BUFFERS = '16MB';

/**
 * Writes `shared_buffers=<size>` over the built-in argument in a copy of `wasm`. Returns
 * null when the built-in argument is not found exactly once (another PGlite build): the
 * caller then runs the module as shipped.
 */
export function patchSharedBuffers(wasm: Uint8Array, size: string): Uint8Array<ArrayBuffer> | null {
  const bytes = Buffer.from(wasm.buffer, wasm.byteOffset, wasm.byteLength);
  const needle = Buffer.from(`${BUILT_IN}\0`, 'latin1');
  const at = bytes.indexOf(needle);
  if (at < 0 || bytes.indexOf(needle, at + 1) >= 0) return null;
  const setting = Buffer.from(`shared_buffers=${size}`, 'latin1');
  if (!/^\d+(kB|MB|GB)$/.test(size) || setting.length > BUILT_IN.length) {
    throw new Error(`shared_buffers=${size}: the embedded engine takes a size of at most ${BUILT_IN.length - 15} characters such as 16MB`);
  }
  const patched = new Uint8Array(bytes.length);
  patched.set(bytes);
  patched.fill(0, at, at + needle.length);
  patched.set(setting, at);
  return patched;
}

let compiled: Promise<WebAssembly.Module | undefined> | null = null;

/**
 * The patched module, compiled once per process (every embedded store of a process
 * shares it), or undefined when this PGlite build has no such argument to patch.
 */
export function pgliteModule(): Promise<WebAssembly.Module | undefined> {
  compiled ??= (async () => {
    const dist = dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite'));
    const patched = patchSharedBuffers(await readFile(join(dist, 'pglite.wasm')), EMBEDDED_SHARED_BUFFERS);
    return patched ? WebAssembly.compile(patched) : undefined;
  })();
  return compiled;
}
