#!/usr/bin/env node
// `npm run build` (and `prepare`, so `npm install`/`npm ci` run it): compiles src/ and
// jobs/ to dist/ with tsc, copies the files tsc does not emit (the dashboard's browser
// JavaScript and CSS, src/display/money.js), and writes dist/BUILD with the newest source
// mtime, so bin/pricekeep.js can tell a current build from a stale one.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { newestSourceMtime, SOURCE_DIRS } from '../bin/build-freshness.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');
const started = Date.now();
rmSync(dist, { recursive: true, force: true });
let tsc;
try {
  tsc = join(dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'bin', 'tsc');
} catch {
  // Installed without dev dependencies: no compiler, and the CLI runs through tsx instead.
  process.stderr.write('pricekeep: typescript is not installed; skipping the build (the CLI runs the sources through tsx)\n');
  process.exit(0);
}
execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit', cwd: root });

let copied = 0;
function copyAssets(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) copyAssets(path);
    else if (!entry.name.endsWith('.ts')) {
      const target = join(dist, relative(root, path));
      mkdirSync(dirname(target), { recursive: true });
      copyFileSync(path, target);
      copied++;
    }
  }
}
for (const dir of SOURCE_DIRS) copyAssets(join(root, dir));
writeFileSync(join(dist, 'BUILD'), `${newestSourceMtime(root)}\n`);
process.stderr.write(`pricekeep: built dist/ (${copied} asset files copied) in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
