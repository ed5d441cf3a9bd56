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

/**
 * The buffer pool size of the embedded engine (PostgreSQL's default is 128MB). Reading a
 * 15.8k-point product took the same CPU time with 8MB as with 16MB; each 8MB is ~7 MB RSS.
 */
export const EMBEDDED_SHARED_BUFFERS = '8MB';

/**
 * Writes `shared_buffers=<size>` over the built-in argument in a copy of `wasm` (in `wasm`
 * itself with `inPlace`: the 9 MB file is read for this alone). Returns
 * null when the built-in argument is not found exactly once (another PGlite build): the
 * caller then runs the module as shipped.
 */
export function patchSharedBuffers(wasm: Uint8Array<ArrayBuffer>, size: string, inPlace = false): Uint8Array<ArrayBuffer> | null {
  const bytes = Buffer.from(wasm.buffer, wasm.byteOffset, wasm.byteLength);
  const needle = Buffer.from(`${BUILT_IN}\0`, 'latin1');
  const at = bytes.indexOf(needle);
  if (at < 0 || bytes.indexOf(needle, at + 1) >= 0) return null;
  const setting = Buffer.from(`shared_buffers=${size}`, 'latin1');
  if (!/^\d+(kB|MB|GB)$/.test(size) || setting.length > BUILT_IN.length) {
    throw new Error(`shared_buffers=${size}: the embedded engine takes a size of at most ${BUILT_IN.length - 15} characters such as 16MB`);
  }
  const patched = inPlace ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) : new Uint8Array(bytes);
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
    const wasm = await readFile(join(dist, 'pglite.wasm'));
    const patched = patchSharedBuffers(new Uint8Array(wasm.buffer, wasm.byteOffset, wasm.byteLength), EMBEDDED_SHARED_BUFFERS, true);
    return patched ? WebAssembly.compile(patched) : undefined;
  })();
  return compiled;
}
