// `pricekeep keys create|list|revoke`: API keys of the Keepa-compatible API. A key is
// printed once at creation; the database keeps only its SHA-256 hash.
import type { Command } from 'commander';
import { stderr, stdout } from './cli-context.js';
import { viaServer } from './via-server.js';
import { CliError } from './cli-error.js';
import { integerOption } from './integer-option.js';
import { formatTable } from './table.js';
import { withStore } from './open-store.js';

const DEFAULT_REFILL_RATE = 20;

function refillRateOf(raw: string): number {
  return integerOption('--refill-rate', raw, 1, 1_000_000, 'tokens per minute');
}

async function create(options: { name: string; refillRate: string }): Promise<void> {
  const name = options.name.trim();
  if (name.length === 0 || name.length > 100) throw new CliError('--name must be 1 to 100 characters', 2);
  const refillRate = refillRateOf(options.refillRate);
  const { generateApiKey, hashApiKey, apiKeyPrefix } = await import('../auth/api-key.js');
  const { newBucket } = await import('../keepa/envelope.js');
  const { insertApiKey } = await import('../store/api-keys.js');
  const key = generateApiKey();
  const bucket = newBucket(refillRate, Date.now());
  await withStore(async (store) => {
    const result = await insertApiKey(store.db, {
      name,
      keyHash: hashApiKey(key),
      keyPrefix: apiKeyPrefix(key),
      refillRate,
      tokens: bucket.tokens,
      refilledAt: bucket.refilledAt,
    });
    if (!result.created) throw new CliError(`a live key named "${name}" exists already (revoke it or pick another name)`);
    stderr(
      `pricekeep: key ${result.id} "${name}": ${refillRate} tokens/minute, ${bucket.tokens} to start. ` +
        `It is shown only now; only its hash is stored.\n`,
    );
  });
  stdout(`${key}\n`);
}

async function list(options: { all?: boolean; json?: boolean }): Promise<void> {
  const { listApiKeys } = await import('../store/api-keys.js');
  const { refillBucket } = await import('../keepa/envelope.js');
  await withStore(async (store) => {
    const now = Date.now();
    const keys = (await listApiKeys(store.db, { includeRevoked: options.all === true })).map((key) => ({
      id: key.id,
      name: key.name,
      prefix: key.keyPrefix,
      refillRate: key.refillRate,
      // What the next request will see: stored balance plus the refills due since.
      tokens: key.revokedAt ? key.tokens : refillBucket({ tokens: key.tokens, refilledAt: key.refilledAt }, key.refillRate, now).tokens,
      createdAt: key.createdAt.toISOString(),
      revokedAt: key.revokedAt?.toISOString() ?? null,
    }));
    if (options.json) {
      stdout(`${JSON.stringify(keys)}\n`);
      return;
    }
    if (keys.length === 0) {
      stdout('no keys (create one with `pricekeep keys create --name NAME`)\n');
      return;
    }
    const rows = [
      ['ID', 'NAME', 'KEY', 'REFILL/MIN', 'TOKENS', 'CREATED', 'REVOKED'],
      ...keys.map((k) => [String(k.id), k.name, `${k.prefix}…`, String(k.refillRate), String(k.tokens), k.createdAt, k.revokedAt ?? '-']),
    ];
    stdout(formatTable(rows));
  });
}

async function revoke(idOrName: string): Promise<void> {
  const { revokeApiKey } = await import('../store/api-keys.js');
  await withStore(async (store) => {
    const revoked = await revokeApiKey(store.db, idOrName.trim());
    if (!revoked) throw new CliError(`no live key with id or name "${idOrName}"`);
    stdout(`revoked key ${revoked.id} "${revoked.name}"\n`);
  });
}

export function register(program: Command): void {
  const keys = viaServer(program.command('keys')).description('manage API keys of the Keepa-compatible API');
  keys
    .command('create')
    .description('create a key and print it (64 characters; shown only once)')
    .requiredOption('--name <name>', 'who or what the key is for')
    .option('--refill-rate <tokens>', 'tokens added per minute (the bucket holds 60 minutes of them)', String(DEFAULT_REFILL_RATE))
    .action(create);
  keys
    .command('list')
    .description('list keys with their current token balance')
    .option('--all', 'include revoked keys')
    .option('--json', 'print JSON')
    .action(list);
  keys
    .command('revoke')
    .description('revoke a key by id or name; requests with it get 400 invalidKey')
    .argument('<id-or-name>', 'key id (from `keys list`) or name')
    .action(revoke);
}
