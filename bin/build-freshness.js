// Whether dist/ (scripts/build.js) was built from the sources as they are now: the build
// records the newest mtime under src/ and jobs/; a source edited since makes it stale.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const SOURCE_DIRS = ['src', 'jobs'];

function newestIn(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestIn(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** The newest modification time (ms) of any file under the source directories. */
export function newestSourceMtime(root) {
  return Math.max(...SOURCE_DIRS.map((dir) => newestIn(join(root, dir))));
}

/** True when dist/ exists and no source file is newer than the build. */
export function isBuildCurrent(root) {
  let built;
  try {
    built = Number(readFileSync(join(root, 'dist', 'BUILD'), 'utf8'));
  } catch {
    return false;
  }
  return Number.isFinite(built) && newestSourceMtime(root) <= built;
}
