// `pricekeep admin set-password` as a user runs it: the password piped on stdin, only a
// scrypt hash stored, a short password refused.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { verifyPassword } from '../src/auth/password.js';
import { adminPasswordHash } from '../src/store/web-auth.js';
import { cliEnvFor, setAdminPassword } from './helpers/cli.js';
import { testEngines, useTestStore } from './helpers/engines.js';

// The server engine only: the embedded database is one process at a time, and the CLI is
// a second process (issue 18 routes CLI commands through a running server).
const engine = testEngines().find((e) => e.name === 'server');

describe.skipIf(!engine)('pricekeep admin set-password', () => {
  const db = useTestStore(engine!);
  const scratch = mkdtempSync(join(tmpdir(), 'pricekeep-admin-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('stores a scrypt hash of the piped password, never the password', async () => {
    const env = cliEnvFor(db.database, scratch);
    const short = await setAdminPassword(env, 'short\n');
    expect(short.code).toBe(2);
    expect(short.stderr).toContain('at least 10 characters');
    expect(await adminPasswordHash(db.store)).toBeNull();
    const ok = await setAdminPassword(env, 'a very good password\n');
    expect(ok.code).toBe(0);
    const hash = (await adminPasswordHash(db.store))!;
    expect(hash).toMatch(/^scrypt\$/);
    expect(hash).not.toContain('a very good password');
    expect(await verifyPassword('a very good password', hash)).toBe(true);
  });
});
