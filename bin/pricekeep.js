#!/usr/bin/env node
// The CLI. Runs the compiled JavaScript in dist/ (built by `npm install` through
// `prepare`, or `npm run build`) when it is current; otherwise, while sources are being
// edited or before a build, the TypeScript itself through tsx. PRICEKEEP_TS=1 forces tsx.
import { fileURLToPath } from 'node:url';
import { isBuildCurrent } from './build-freshness.js';

const root = fileURLToPath(new URL('..', import.meta.url));
if (process.env.PRICEKEEP_TS !== '1' && isBuildCurrent(root)) {
  await import('../dist/src/cli.js');
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli.ts');
}
