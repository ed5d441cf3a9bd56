// `pricekeep alerts`, `notifications` and `webhook` as a user runs them, on the default key.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnvFor, runCli } from './helpers/cli.js';
import { testEngines, type TestDatabase } from './helpers/engines.js';

describe.each(testEngines())('alerts CLI on $name', (engine) => {
  let database: TestDatabase;
  let env: NodeJS.ProcessEnv;
  const scratch = mkdtempSync(join(tmpdir(), 'pricekeep-alerts-cli-'));
  beforeAll(async () => {
    database = await engine.create();
    env = cliEnvFor(database, scratch, { PRICEKEEP_LOG_LEVEL: 'warn' });
  });
  afterAll(async () => {
    await database?.drop();
    rmSync(scratch, { recursive: true, force: true });
  });
  const pricekeep = (...args: string[]) => runCli(env, ...args);

  it('adds rules to the default key, lists them with the feed, refuses a loopback webhook, removes them', async () => {
    const added = await pricekeep('alerts', 'add', '--domain', 'com', '--below', '19.99', '--back-in-stock', 'B00N150YS4');
    expect(added).toMatchObject({ code: 0, stdout: 'B00N150YS4 on amazon.com: 1 threshold(s), 1 stock trigger(s), scraped every 1h\n' });
    expect(added.stderr).toMatch(/created the key "default" for alerts; its API key \(shown only now\): [a-z0-9]{64}/);
    const more = await pricekeep('alerts', 'add', '--domain', 'com', '--percent', '10', '--rearm', '6h', 'B00N150YS4');
    expect(more.stdout).toBe('B00N150YS4 on amazon.com: 1 threshold(s), 1 stock trigger(s), scraped every 1h\n');
    const listed = await pricekeep('alerts', 'list');
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain('AMAZON ≤ $19.99 (moves of 10%+), AMAZON back in stock');
    expect(listed.stdout).toMatch(/^B00N150YS4 +com +AMAZON/m); // the marketplace as track list names it
    expect(listed.stdout).toMatch(/^feed: http:\/\/127\.0\.0\.1:8080\/feed\/[A-Za-z0-9_-]{32}\.xml$/m);
    const refused = await pricekeep('webhook', 'set', 'http://127.0.0.1:9/hook');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('webhook target refused: 127.0.0.1 is a loopback address (PRICEKEEP_WEBHOOK_ALLOW_PRIVATE=1 allows private targets)');
    const badPrice = await pricekeep('alerts', 'add', '--domain', 'com', '--below', '19.999', 'B00N150YS4');
    expect(badPrice).toMatchObject({ code: 2, stderr: expect.stringContaining('--below must be a price like 19.99 (USD)') });
    const removed = await pricekeep('alerts', 'remove', 'B00N150YS4');
    expect(removed.stdout).toBe('removed 1 alert tracking(s)\n');
    const none = await pricekeep('notifications', '--all');
    expect(none).toMatchObject({ code: 0, stdout: expect.stringContaining('0 notification(s)') });
  }, 600_000);
});
