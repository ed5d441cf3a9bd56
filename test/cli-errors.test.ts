// Known failures end a command with one clear line on stderr and a documented exit code,
// never "unexpected error" and a stack trace.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';

const scratch = mkdtempSync(join(tmpdir(), 'pricekeep-cli-errors-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function expectOneLine(stderr: string, pattern: RegExp) {
  const lines = stderr.trim().split('\n');
  expect(lines, stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^pricekeep: /);
  expect(lines[0]).toMatch(pattern);
  expect(stderr).not.toMatch(/unexpected error|\n\s+at /);
}

describe('CLI errors at the edge', () => {
  it('a data directory held by another process: one line, exit 1', async () => {
    const dataDir = join(scratch, 'held');
    // This test process is alive: the lock names it as the holder.
    await import('node:fs').then((fs) => fs.mkdirSync(dataDir, { recursive: true }));
    writeFileSync(join(dataDir, 'pricekeep.lock'), String(process.pid));
    const result = await runCli({ ...process.env, DATABASE_URL: '', PRICEKEEP_DATA_DIR: dataDir }, 'db');
    expect(result.code).toBe(1);
    expectOneLine(result.stderr, new RegExp(`is open in process ${process.pid}`));
  });

  it('a database server that does not answer: one line, exit 1', async () => {
    const result = await runCli({ ...process.env, DATABASE_URL: 'postgres://postgres@127.0.0.1:1/nothing' }, 'track', 'list');
    expect(result.code).toBe(1);
    expectOneLine(result.stderr, /cannot connect to postgres:\/\/postgres@127\.0\.0\.1:1\/nothing/);
  });

  it('an invalid log level: one line, exit 2 (configuration)', async () => {
    const result = await runCli({ ...process.env, PRICEKEEP_LOG_LEVEL: 'loud', PRICEKEEP_DATA_DIR: join(scratch, 'x') }, 'db');
    expect(result.code).toBe(2);
    expectOneLine(result.stderr, /PRICEKEEP_LOG_LEVEL must be one of .*got "loud"/);
  });

  it('a usage error commander catches (missing option, unknown option, no command): exit 2, help still exit 0', async () => {
    const env = { ...process.env, PRICEKEEP_DATA_DIR: join(scratch, 'usage') };
    const missing = await runCli(env, 'scrape', 'B09HN3Q81F');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^error: required option '--domain <tld>' not specified/);
    expect((await runCli(env, 'keys', 'list', '--colour')).code).toBe(2);
    expect((await runCli(env, 'track')).code).toBe(2);
    expect((await runCli(env, 'track', '--help')).code).toBe(0);
  });
});
