// The compiled CLI: bin/pricekeep.js runs dist/ only while it was built from the sources
// as they are (a source edited since the build sends it back to tsx), and the compiled
// modules find schema/ and README.md from dist/ as they do from src/.
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isBuildCurrent, newestSourceMtime } from '../bin/build-freshness.js';
import { PACKAGE_ROOT } from '../src/package-root.js';
import { SCHEMA_DIR } from '../src/store/migrate.js';

const roots: string[] = [];
afterEach(() => roots.splice(0).forEach((root) => rmSync(root, { recursive: true, force: true })));

function fakeRoot(): string {
  const root = mkdtempSync(join(tmpdir(), 'pricekeep-build-'));
  roots.push(root);
  mkdirSync(join(root, 'src/store'), { recursive: true });
  mkdirSync(join(root, 'jobs'));
  writeFileSync(join(root, 'src/store/a.ts'), '');
  writeFileSync(join(root, 'jobs/b.ts'), '');
  const past = new Date(Date.now() - 60_000);
  for (const file of ['src/store/a.ts', 'jobs/b.ts']) utimesSync(join(root, file), past, past);
  return root;
}

describe('compiled CLI freshness', () => {
  it('is stale without a build, current after one, and stale again once any source under src/ or jobs/ is newer', () => {
    const root = fakeRoot();
    expect(isBuildCurrent(root)).toBe(false);
    mkdirSync(join(root, 'dist'));
    writeFileSync(join(root, 'dist/BUILD'), `${newestSourceMtime(root)}\n`);
    expect(isBuildCurrent(root)).toBe(true);
    const now = new Date();
    utimesSync(join(root, 'jobs/b.ts'), now, now);
    expect(isBuildCurrent(root)).toBe(false);
    writeFileSync(join(root, 'dist/BUILD'), `${newestSourceMtime(root)}\n`);
    expect(isBuildCurrent(root)).toBe(true);
    writeFileSync(join(root, 'src/store/new.ts'), '');
    const later = new Date(Date.now() + 1000);
    utimesSync(join(root, 'src/store/new.ts'), later, later);
    expect(isBuildCurrent(root)).toBe(false);
  });

  it('a corrupt BUILD stamp is a stale build', () => {
    const root = fakeRoot();
    mkdirSync(join(root, 'dist'));
    writeFileSync(join(root, 'dist/BUILD'), 'not a number\n');
    expect(isBuildCurrent(root)).toBe(false);
  });

  it('finds the package root (schema/, README.md) from the module, not the working directory', () => {
    expect(SCHEMA_DIR).toBe(`${join(PACKAGE_ROOT, 'schema')}/`);
    expect(PACKAGE_ROOT).toBe(join(import.meta.dirname, '..'));
  });
});
