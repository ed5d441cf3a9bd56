// `pricekeep asa-keys create|list|revoke|add-credits`: keys and credits of the
// ASA-compatible API. A key is printed once at creation; the database keeps its hash.
import type { Command } from 'commander';
import { stderr, stdout } from './cli-context.js';
import { CliError } from './cli-error.js';
import { integerOption } from './integer-option.js';
import { withStore } from './open-store.js';
import { formatTable } from './table.js';
import { viaServer } from './via-server.js';

const MAX_CREDITS = 1_000_000_000_000;

interface CreateOptions {
  name: string;
  workspace: string;
  credits: string;
  plan: string;
  concurrency?: string;
  rps?: string;
  burst?: string;
  marketplaces?: string;
}

/** `--marketplaces com,de`: TLDs of the 20 marketplaces, as the API's `domain` parameter takes them. */
async function marketplacesOption(raw: string | undefined): Promise<string[] | null> {
  if (raw === undefined) return null;
  const { MARKETPLACES, isMarketplaceTld } = await import('../marketplaces.js');
  const tlds = [...new Set(raw.split(',').map((t) => t.trim().toLowerCase()).filter(Boolean))];
  const unknown = tlds.filter((t) => !isMarketplaceTld(t));
  if (tlds.length === 0 || unknown.length > 0) {
    throw new CliError(`--marketplaces takes a comma-separated list of ${[...MARKETPLACES.keys()].join(', ')}${unknown.length ? `; unknown: ${unknown.join(', ')}` : ''}`, 2);
  }
  return tlds;
}

function textOption(flag: string, raw: string): string {
  const value = raw.trim();
  if (value.length === 0 || value.length > 100) throw new CliError(`${flag} must be 1 to 100 characters`, 2);
  return value;
}

async function create(options: CreateOptions): Promise<void> {
  const name = textOption('--name', options.name);
  const workspace = textOption('--workspace', options.workspace);
  const credits = integerOption('--credits', options.credits, 0, MAX_CREDITS);
  const { ASA_PLANS, ASA_PLAN_NAMES, isAsaPlan } = await import('../asa/plans.js');
  if (!isAsaPlan(options.plan)) throw new CliError(`--plan must be one of ${ASA_PLAN_NAMES.join(', ')}, got "${options.plan}"`, 2);
  const base = ASA_PLANS[options.plan];
  const overridden = options.concurrency !== undefined || options.rps !== undefined || options.burst !== undefined;
  if (overridden && options.plan !== 'custom') throw new CliError('--concurrency, --rps and --burst go with --plan custom', 2);
  const concurrency = options.concurrency === undefined ? base.concurrency : integerOption('--concurrency', options.concurrency, 1, 10_000);
  const rps = options.rps === undefined ? base.rps : integerOption('--rps', options.rps, 1, 100_000);
  const burst = options.burst !== undefined ? integerOption('--burst', options.burst, rps, 200_000) : options.rps !== undefined ? rps * 2 : base.burst;
  const marketplaces = await marketplacesOption(options.marketplaces);
  const { generateAsaKey, hashAsaKey, asaKeyShortPrefix } = await import('../asa/key-format.js');
  const { createAsaKey } = await import('../store/asa-keys.js');
  const key = generateAsaKey();
  await withStore(async (store) => {
    const result = await createAsaKey(store.db, {
      workspace, name, keyHash: hashAsaKey(key), keyPrefix: asaKeyShortPrefix(key), plan: options.plan as never,
      limits: { concurrency, rps, burst }, credits, nowMs: Date.now(), marketplaces,
    });
    if (!result.created) {
      throw new CliError(result.reason === 'name_taken'
        ? `workspace "${workspace}" has a live key named "${name}" already (revoke it or pick another name)`
        : `workspace "${workspace}" has 20 live keys already (revoke one first)`);
    }
    stderr(
      `pricekeep: ASA key ${result.id} "${name}" in workspace "${workspace}" (${options.plan}: ${concurrency} in flight, ` +
        `${rps} rps, burst ${burst}; marketplaces: ${marketplaces?.join(', ') ?? 'all'}); workspace balance ${result.balance} credits. ` +
        `It is shown only now; only its hash is stored.\n`,
    );
  });
  stdout(`${key}\n`);
}

async function list(options: { all?: boolean; json?: boolean }): Promise<void> {
  const { listAsaKeys } = await import('../store/asa-keys.js');
  await withStore(async (store) => {
    const keys = (await listAsaKeys(store.db, { includeRevoked: options.all === true })).map((k) => ({
      id: k.id, workspace: k.workspace, name: k.name, prefix: k.keyPrefix, plan: k.plan, ...k.limits,
      marketplaces: k.marketplaces, balance: k.balance, createdAt: k.createdAt.toISOString(), revokedAt: k.revokedAt?.toISOString() ?? null,
    }));
    if (options.json) {
      stdout(`${JSON.stringify(keys)}\n`);
      return;
    }
    if (keys.length === 0) {
      stdout('no ASA keys (create one with `pricekeep asa-keys create --name NAME --credits 500`)\n');
      return;
    }
    stdout(formatTable([
      ['ID', 'WORKSPACE', 'NAME', 'KEY', 'PLAN', 'CONC', 'RPS', 'BURST', 'MARKETPLACES', 'BALANCE', 'CREATED', 'REVOKED'],
      ...keys.map((k) => [String(k.id), k.workspace, k.name, `${k.prefix}…`, k.plan, String(k.concurrency), String(k.rps),
        String(k.burst), k.marketplaces?.join(',') ?? 'all', String(k.balance), k.createdAt, k.revokedAt ?? '-']),
    ]));
  });
}

async function revoke(which: string, options: { workspace?: string }): Promise<void> {
  const { revokeAsaKey } = await import('../store/asa-keys.js');
  await withStore(async (store) => {
    const result = await revokeAsaKey(store.db, which.trim().replace(/…$/, ''), options.workspace);
    if (!result.revoked) {
      throw new CliError(result.reason === 'ambiguous'
        ? `${result.matches} live keys match "${which}"; name the key by id or add --workspace`
        : `no live ASA key with id, prefix or name "${which}"`);
    }
    stdout(`revoked ASA key ${result.id} "${result.name}" (workspace "${result.workspace}")\n`);
  });
}

async function addCredits(credits: string, options: { workspace: string; note?: string }): Promise<void> {
  const amount = integerOption('<credits>', credits, 1, MAX_CREDITS);
  const { grantCredits } = await import('../store/asa-keys.js');
  await withStore(async (store) => {
    const balance = await grantCredits(store.db, options.workspace, amount, options.note ?? 'top-up');
    if (balance === null) throw new CliError(`no workspace "${options.workspace}" (it is created with its first key)`);
    stdout(`workspace "${options.workspace}": +${amount} credits, balance ${balance}\n`);
  });
}

export function register(program: Command): void {
  const asa = viaServer(program.command('asa-keys')).description('manage keys and credits of the ASA-compatible API (/api/v1/…)');
  asa
    .command('create')
    .description('create an asa_live_… key and print it (shown only once)')
    .requiredOption('--name <name>', 'who or what the key is for')
    .option('--workspace <name>', 'workspace that owns the key and its credits (created if new)', 'default')
    .option('--credits <n>', 'credits to add to the workspace now (5 per successful request)', '0')
    .option('--plan <plan>', 'rate limits: free, vibe, pro or custom (see README)', 'free')
    .option('--concurrency <n>', 'custom plan: requests in flight at once')
    .option('--rps <n>', 'custom plan: sustained requests per second')
    .option('--burst <n>', 'custom plan: burst ceiling in requests per second (default 2 × rps)')
    .option('--marketplaces <tlds>', 'limit the key to these marketplaces, e.g. com,de (others: 403 forbidden_region); default all')
    .action(create);
  asa.command('list').description('list keys with plan, limits and workspace balance').option('--all', 'include revoked keys').option('--json', 'print JSON').action(list);
  asa
    .command('revoke')
    .description('revoke a key by id, shown prefix or name; requests with it get 401 revoked at once')
    .argument('<key>', 'key id, asa_live_… prefix or name')
    .option('--workspace <name>', 'look for the name in this workspace only')
    .action(revoke);
  asa
    .command('add-credits')
    .description("add credits to a workspace's balance (the credits ledger records it)")
    .argument('<credits>', 'credits to add')
    .option('--workspace <name>', 'workspace to credit', 'default')
    .option('--note <text>', 'note for the ledger row')
    .action(addCredits);
}
