#!/usr/bin/env node
// Runs the TypeScript CLI directly through tsx: no build step, so `npx pricekeep`
// works right after `npm install` on a fresh clone.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli.ts');
