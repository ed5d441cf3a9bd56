// The ASA protocol across real processes on one PostgreSQL database (skipped without
// TEST_DATABASE_URL): two `pricekeep serve` under 200 concurrent requests for one key
// with a concurrency ceiling of 10 (never more than 10 scrapes in flight, one charge per
// 2xx, none lost or doubled), revocation seen by both at once, and a 300-item batch worked
// by two `pricekeep worker`s, one SIGKILLed mid-batch (every item one result, no ASIN
// scraped twice at once, one webhook with a valid signature, credits = successes).
import { execFile } from 'node:child_process';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fastScraperEnv } from './helpers/asa-api.js';
import { cliEnvFor, runCli } from './helpers/cli.js';
import { serverEngineFor, serverTestUrl, type TestDatabase } from './helpers/engines.js';
import { startServe, startWorker, type RunningProcess } from './helpers/processes.js';
import { standInAmazon, type StandInAmazon } from './helpers/stand-in-amazon.js';

const run = promisify(execFile);
const url = serverTestUrl();
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `probe` every `everyMs` until it returns a value, at most `tries` times. */
async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, tries = 1200, everyMs = 100): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const value = await probe();
    if (value) return value;
    await pause(everyMs);
  }
  throw new Error(`gave up waiting for ${what}`);
}

let pythonOk = true;
try {
  await run('python3', ['-c', 'import hmac, hashlib']);
} catch {
  pythonOk = false;
  console.warn('asa-processes: python3 is missing; the Python signature verifier is skipped');
}

describe.skipIf(!url)('ASA across processes on one PostgreSQL database', () => {
  let database: TestDatabase;
  let amazon: StandInAmazon;
  let env: NodeJS.ProcessEnv;
  let db: pg.Client;
  const processes: RunningProcess[] = [];
  const scratch = mkdtempSync(join(tmpdir(), 'pricekeep-asa-processes-'));
  const pricekeep = (...args: string[]) => runCli(env, ...args);

  beforeAll(async () => {
    amazon = await standInAmazon({ delayMs: 40 });
    database = await serverEngineFor(url!).create();
    env = cliEnvFor(database, scratch, {
      // A loaded machine can starve a loopback fetch for seconds: 15 s per attempt here.
      ...fastScraperEnv(amazon.url), PRICEKEEP_FETCH_TIMEOUT_MS: '15000', PRICEKEEP_LOG_LEVEL: 'info', PRICEKEEP_WEBHOOK_ALLOW_PRIVATE: '1',
      PRICEKEEP_ASA_BATCH_POLL_MS: '100', PRICEKEEP_ASA_BATCH_LEASE_MS: '40000', PRICEKEEP_ASA_BATCH_CONCURRENCY: '4',
    });
    expect((await pricekeep('migrate')).code).toBe(0);
    db = new pg.Client({ connectionString: database.config.databaseUrl });
    await db.connect();
  }, 300_000);
  afterAll(async () => {
    for (const p of processes) await p.stop();
    await db?.end();
    await amazon?.close();
    await database?.drop();
    rmSync(scratch, { recursive: true, force: true });
  }, 120_000);

  async function createKey(...args: string[]): Promise<string> {
    const created = await pricekeep('asa-keys', 'create', ...args);
    expect(created.code, created.stderr).toBe(0);
    return created.stdout.trim();
  }

  const balance = async (workspace: string) =>
    Number((await db.query('SELECT balance FROM asa_workspaces WHERE name = $1', [workspace])).rows[0].balance);

  it('two API processes hold one key to 10 in flight under 200 concurrent requests and charge each 2xx once', async () => {
    const key = await createKey('--name', 'load', '--workspace', 'load', '--credits', '100000', '--plan', 'custom', '--concurrency', '10', '--rps', '10000');
    const servers = [await startServe(env), await startServe(env)];
    processes.push(...servers);
    const statuses: number[] = [];
    const inFlightSeen: number[] = [];
    const failures: string[] = [];
    await Promise.all(Array.from({ length: 200 }, async (_, n) => {
      const base = servers[n % 2]!.url;
      // A polite client: up to 5 tries, retrying 429s after a short pause.
      for (let attempt = 1; attempt <= 5; attempt++) {
        const res = await fetch(`${base}/api/v1/amazon/product?query=B0JPLD${String(n).padStart(4, '0')}&domain=co.jp`, {
          headers: { authorization: `Bearer ${key}` }, signal: AbortSignal.timeout(60_000),
        });
        const body = await res.json();
        statuses.push(res.status);
        if (res.status === 200) {
          inFlightSeen.push(Number(res.headers.get('asa-concurrency')!.split('/')[0]));
          expect(res.headers.get('asa-cost')).toBe('5');
          return;
        }
        expect(res.headers.get('asa-cost')).toBe('0');
        if (res.status !== 429) {
          // A scrape that failed (the machine may be loaded): free, not retried.
          failures.push(`${res.status} ${body.error}: ${body.message}`);
          return;
        }
        expect([body.error, res.headers.get('retry-after')]).toEqual(['rate_limited', '1']);
        await pause(20);
      }
    }));
    const successes = statuses.filter((s) => s === 200).length;
    if (failures.length > 0) console.warn(`asa-processes: ${failures.length} scrape(s) failed (free):\n${failures.join('\n')}`);
    expect(failures.length).toBeLessThan(20);
    expect(successes).toBeGreaterThanOrEqual(10);
    expect(amazon.maxInFlight()).toBeLessThanOrEqual(10);
    expect(Math.max(...inFlightSeen)).toBeLessThanOrEqual(10);
    const ledger = (await db.query(`SELECT count(*)::int AS n, coalesce(sum(delta), 0)::int AS total FROM asa_credit_ledger l JOIN asa_workspaces w ON w.id = l.workspace_id WHERE w.name = 'load' AND kind = 'charge'`)).rows[0];
    expect(ledger).toEqual({ n: successes, total: -5 * successes });
    expect(await balance('load')).toBe(100000 - 5 * successes);
    const usage = (await db.query(`SELECT sum(requests)::int AS requests, sum(successes)::int AS successes, sum(refused)::int AS refused FROM asa_usage`)).rows[0];
    expect(usage).toEqual({ requests: successes + failures.length, successes, refused: statuses.length - successes - failures.length });
    expect((await db.query('SELECT count(*)::int AS n FROM asa_leases')).rows[0].n).toBe(0);
    console.info(`asa-processes: 200 clients, ${statuses.length} requests, ${successes} answered 200, ${statuses.length - successes} got 429; most in flight at the stand-in: ${amazon.maxInFlight()}`);

    // Revoking is seen by both processes on their next request.
    const revoked = await pricekeep('asa-keys', 'revoke', 'load', '--workspace', 'load');
    expect(revoked.code, revoked.stderr).toBe(0);
    for (const server of servers) {
      const res = await fetch(`${server.url}/api/v1/account`, { headers: { authorization: `Bearer ${key}` } });
      expect([res.status, (await res.json()).error]).toEqual([401, 'revoked']);
    }
  }, 300_000);

  it('works a 300-item batch with two workers, one SIGKILLed mid-batch: one result per item, one signed webhook, credits = successes', async () => {
    const received: Array<{ headers: IncomingMessage['headers']; rawBody: Buffer }> = [];
    const hook: Server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ headers: req.headers, rawBody: Buffer.concat(chunks) });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
    try {
      const hookUrl = `http://127.0.0.1:${(hook.address() as { port: number }).port}/webhooks/amazon-scrapes`;
      const key = await createKey('--name', 'batch', '--workspace', 'batch', '--credits', '100000');
      const serve = await startServe(env);
      processes.push(serve);
      const items = Array.from({ length: 300 }, (_, i) => {
        const n = String(i).padStart(6, '0');
        const query = i % 10 === 3 ? `B0CAP${n.slice(1)}` : i % 10 === 7 ? `B0NOTF${n.slice(2)}` : `B0JP${n}`;
        return { query, domain: 'co.jp' };
      });
      const res = await fetch(`${serve.url}/api/v1/amazon/batch`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ endpoint: 'amazon.product', items, webhook_url: hookUrl }),
      });
      expect(res.status).toBe(201);
      const batch = await res.json();
      const [doomed, survivor] = [await startWorker(env), await startWorker(env)];
      processes.push(doomed, survivor);
      const doomedName = `${hostname()}:${doomed.child.pid}`;
      const progress = async () => (await db.query('SELECT processed_count FROM asa_batches WHERE id = $1', [batch.id])).rows[0].processed_count as number;
      // Kill the first worker while it holds leased items, once the batch is under way. It is
      // stopped (SIGSTOP) while its leases are counted, so what it holds cannot change before the kill.
      let orphaned = 0;
      await until('the doomed worker to hold items mid-batch', async () => {
        if ((await progress()) < 30) return false;
        doomed.child.kill('SIGSTOP');
        orphaned = (await db.query('SELECT count(*)::int AS n FROM asa_batch_items WHERE batch_id = $1 AND lease_owner = $2 AND status = $3', [batch.id, doomedName, 'pending'])).rows[0].n;
        if (orphaned === 0) {
          doomed.child.kill('SIGCONT');
          return false;
        }
        return doomed.child.kill('SIGKILL');
      }, 1200, 50);
      const killedAt = await progress();
      expect(killedAt).toBeLessThan(300);
      expect(await doomed.exited).toBeNull();
      const done = await until('the batch and its webhook', async () => {
        const poll = await fetch(`${serve.url}${batch.poll_url}`, { headers: { authorization: `Bearer ${key}` } });
        const body = await poll.json();
        return body.webhook_delivery_status === 'delivered' ? body : null;
      }, 3000);
      expect(done).toMatchObject({ status: 'complete', total_count: 300, processed_count: 300, success_count: 240, failure_count: 60, credits_charged: 1200 });
      expect(done.results).toHaveLength(300);
      expect(done.results.map((r: { input: { query: string } }) => r.input.query)).toEqual(items.map((i) => i.query));
      for (const [i, r] of done.results.entries()) {
        const expected = i % 10 === 3 ? ['error', 422] : i % 10 === 7 ? ['error', 404] : ['ok', 200];
        expect([r.status, r.http_status], items[i]!.query).toEqual(expected);
      }
      // Taken over: the killed worker's leased items were claimed again, and no ASIN was fetched twice at once.
      expect(orphaned).toBeGreaterThan(0);
      expect((await db.query('SELECT count(*)::int AS n FROM asa_batch_items WHERE batch_id = $1 AND claims > 1', [batch.id])).rows[0].n).toBe(orphaned);
      expect(Math.max(...items.map((i) => amazon.maxInFlightByAsin.get(i.query) ?? 0))).toBe(1);
      expect(await balance('batch')).toBe(100000 - 1200);
      const charges = (await db.query(`SELECT count(*)::int AS n FROM asa_credit_ledger WHERE request_id LIKE $1`, [`batch:${batch.id}:%`])).rows[0].n;
      expect(charges).toBe(240);

      expect(received).toHaveLength(1);
      const [delivery] = received;
      expect(delivery!.headers).toMatchObject({ 'x-asa-batch-id': batch.id, 'x-asa-event': 'batch.completed' });
      // The docs' Node verifier.
      const verifyWebhook = (req: { headers: IncomingMessage['headers']; rawBody: Buffer }, secret: string) => {
        const sig = req.headers['x-asa-signature'] as string;
        const expected = `sha256=${createHmac('sha256', secret).update(req.rawBody).digest('hex')}`;
        return timingSafeEqual(Buffer.from(sig), Buffer.from(expected));
      };
      expect(verifyWebhook(delivery!, batch.webhook_signature_secret)).toBe(true);
      if (pythonOk) {
        // The docs' Python verifier, fed the raw body as received.
        const bodyFile = join(scratch, 'webhook-body.json');
        const script = join(scratch, 'verify.py');
        writeFileSync(bodyFile, delivery!.rawBody);
        writeFileSync(script, [
          'import hmac, hashlib, sys',
          'def verify_webhook(signature_header: str, raw_body: bytes, secret: str) -> bool:',
          '    expected = "sha256=" + hmac.new(secret.encode(), raw_body, hashlib.sha256).hexdigest()',
          '    return hmac.compare_digest(signature_header, expected)',
          'print(verify_webhook(sys.argv[1], open(sys.argv[2], "rb").read(), sys.argv[3]))',
          '',
        ].join('\n'));
        const good = await run('python3', [script, delivery!.headers['x-asa-signature'] as string, bodyFile, batch.webhook_signature_secret]);
        const bad = await run('python3', [script, delivery!.headers['x-asa-signature'] as string, bodyFile, 'whsec_not_the_secret']);
        expect([good.stdout, bad.stdout]).toEqual(['True\n', 'False\n']);
      }
      const payload = JSON.parse(delivery!.rawBody.toString());
      expect(payload).toMatchObject({ id: batch.id, status: 'complete', success_count: 240, credits_charged: 1200 });
      expect(payload.results).toHaveLength(300);
      console.info(`asa-processes: batch of 300, worker killed at ${killedAt} processed; webhook body ${delivery!.rawBody.length} bytes`);
    } finally {
      await new Promise<void>((resolve) => hook.close(() => resolve()));
    }
  }, 900_000);
});
