// `pricekeep alerts add|list|remove|email` and `pricekeep notifications`: the alert
// rules of a key's trackings (the same store functions as /tracking?type=add), and the
// notifications they raised.
import type { Command } from 'commander';
import type { TrackingSpec } from '../alerts/tracking-spec.js';
import { parseAmount } from '../display/money.js';
import { stdout } from './cli-context.js';
import { CliError } from './cli-error.js';
import { withStore } from './open-store.js';
import { formatTable } from './table.js';
import { alertKeyId } from './alert-key.js';
import { viaServer } from './via-server.js';

interface AddOptions {
  domain: string;
  below?: string;
  above?: string;
  percent?: string;
  backInStock?: boolean;
  outOfStock?: boolean;
  series?: string;
  every?: string;
  rearm?: string;
  email?: boolean;
  key?: string;
}

async function add(asinText: string, options: AddOptions): Promise<void> {
  const { parseDomain } = await import('../keepa/domains.js');
  const { isAsin } = await import('../asins.js');
  const { CSV } = await import('../keepa/csv-type.js');
  const { parseInterval } = await import('../interval.js');
  const domain = parseDomain(options.domain);
  if (!domain) throw new CliError(`unknown domain "${options.domain}" (use a TLD like com, de, co.jp or a Keepa id)`, 2);
  const asin = asinText.trim().toUpperCase();
  if (!isAsin(asin)) throw new CliError(`not an ASIN: ${asinText}`, 2);
  const seriesName = (options.series ?? 'AMAZON').toUpperCase();
  const csvType = /^\d+$/.test(seriesName) ? Number(seriesName) : (CSV as Record<string, number>)[seriesName];
  if (csvType === undefined || csvType > 35) throw new CliError(`--series must be a csv type name (AMAZON, NEW, BUY_BOX_SHIPPING…) or index, got "${options.series}"`, 2);
  const rules = [options.below, options.above, options.percent].filter((x) => x !== undefined).length + (options.backInStock ? 1 : 0) + (options.outOfStock ? 1 : 0);
  if (rules === 0) throw new CliError('give a rule: --below PRICE, --above PRICE, --percent N, --back-in-stock or --out-of-stock', 2);
  const money = (flag: string, text: string) => {
    // The dashboard's parser: "19.99" is 1999 cents, "19.999" on .com is refused, not $19,999.
    const value = parseAmount(text, domain);
    if (value === null) throw new CliError(`${flag} must be a price like 19.99 (${domain.currency}), got "${text}"`, 2);
    return value;
  };
  let percent: number | null = null;
  if (options.percent !== undefined) {
    percent = Number(options.percent);
    if (!Number.isInteger(percent) || percent < 1 || percent > 100) throw new CliError(`--percent must be a whole number from 1 to 100, got "${options.percent}"`, 2);
  }
  const hours = options.every === undefined ? 1 : Math.round((parseInterval(options.every) ?? NaN) / 60);
  if (!Number.isInteger(hours) || hours < 1 || hours > 25) throw new CliError(`--every must be whole hours from 1h to 25h (Keepa's updateInterval), got "${options.every}"`, 2);
  let rearm = -1;
  if (options.rearm !== undefined) {
    rearm = options.rearm === 'once' ? 0 : (parseInterval(options.rearm) ?? NaN);
    if (!Number.isInteger(rearm)) throw new CliError(`--rearm must look like 30m, 6h, 1d or "once", got "${options.rearm}"`, 2);
  }
  await withStore(async (store) => {
    const { listKeyTrackings, upsertTrackings } = await import('../store/key-trackings.js');
    const { keepaNow } = await import('../keepa/time.js');
    const keyId = await alertKeyId(store, options.key);
    const [existing] = await listKeyTrackings(store, keyId, '', [asin]);
    const threshold = (thresholdValue: number, isDrop: boolean, minDeltaPercentage: number | null) => ({
      domain: domain.id, csvType, thresholdValue, isDrop, minDeltaAbsolute: null, minDeltaPercentage, deltasAreBetweenNotifications: false, thresholdValueCSV: [],
    });
    // Keepa has one threshold per domain, series and direction: --below and --percent on
    // one series share it (the price to reach, and the least drop worth a notification).
    const current = (isDrop: boolean) => existing?.thresholdValues.find((t) => t.domain === domain.id && t.csvType === csvType && t.isDrop === isDrop);
    const drop = current(true);
    const below = options.below !== undefined ? money('--below', options.below) : undefined;
    const added = [
      ...(below !== undefined || percent !== null
        // a threshold of 0 is never reached: a --percent rule alone notifies on drops only
        ? [threshold(below ?? drop?.thresholdValue ?? 0, true, percent ?? (below !== undefined ? (drop?.minDeltaPercentage ?? null) : null))]
        : []),
      ...(options.above !== undefined ? [threshold(money('--above', options.above), false, null)] : []),
    ];
    const replaced = (t: { domain: number; csvType: number; isDrop: boolean }) =>
      added.some((a) => a.domain === t.domain && a.csvType === t.csvType && a.isDrop === t.isDrop);
    const stock = [
      ...(options.outOfStock ? [{ domain: domain.id, csvType, notifyIfType: 0 as const }] : []),
      ...(options.backInStock ? [{ domain: domain.id, csvType, notifyIfType: 1 as const }] : []),
    ];
    const channels = [...(existing?.notificationType ?? [false, false, false, false, false, true, false, false])];
    if (options.email) channels[0] = true;
    const spec: TrackingSpec = {
      asin,
      mainDomainId: existing?.mainDomainId ?? domain.id,
      ttl: existing ? -1 : 0,
      expireNotify: existing?.expireNotify ?? false,
      desiredPricesInMainCurrency: true,
      thresholdValues: [...(existing?.thresholdValues.filter((t) => !replaced(t)) ?? []), ...added],
      notifyIf: [...(existing?.notifyIf ?? []), ...stock],
      notificationType: channels,
      individualNotificationInterval: options.rearm !== undefined ? rearm : (existing?.individualNotificationInterval ?? -1),
      updateInterval: options.every !== undefined ? hours : (existing?.updateInterval ?? hours),
      metaData: existing?.metaData ?? null,
    };
    const [saved] = await upsertTrackings(store, keyId, '', spec.notifyIf.length > 0 ? [{ ...spec, notifyIf: dedupe(spec.notifyIf) }] : [spec], keepaNow());
    stdout(`${asin} on amazon.${domain.tld}: ${saved!.thresholdValues.length} threshold(s), ${saved!.notifyIf.length} stock trigger(s), scraped every ${saved!.updateInterval}h\n`);
  });
}

function dedupe<T extends { domain: number; csvType: number; notifyIfType: number }>(list: readonly T[]): T[] {
  return [...new Map(list.map((n) => [`${n.domain}:${n.csvType}:${n.notifyIfType}`, n])).values()];
}

async function list(options: { key?: string; json?: boolean }): Promise<void> {
  await withStore(async (store, config) => {
    const { listKeyTrackings, trackingDeliveries } = await import('../store/key-trackings.js');
    const { alertSettings } = await import('../store/alert-settings.js');
    const { formatValue } = await import('../alerts/describe.js');
    const { CSV_TYPES } = await import('../keepa/csv-type.js');
    const { domainForId } = await import('../keepa/domains.js');
    const keyId = await alertKeyId(store, options.key);
    const trackings = await listKeyTrackings(store, keyId, null);
    const deliveries = await trackingDeliveries(store.db, trackings.map((t) => t.id));
    const settings = await alertSettings(store.db, keyId);
    if (options.json) {
      stdout(`${JSON.stringify({ trackings: trackings.map((t) => ({ ...t, deliveries: deliveries.get(t.id) ?? null })), webhookUrl: settings.webhookUrl, emailTo: settings.emailTo, feedUrl: `${config.alerts.publicUrl}/feed/${settings.feedToken}.xml` }, null, 2)}\n`);
      return;
    }
    const rows = [['ASIN', 'DOMAIN', 'RULES', 'EVERY', 'SENT', 'PUSHES (ok/pending/failed) LAST ERROR']];
    for (const t of trackings) {
      const rules = [
        ...t.thresholdValues.map((r) => {
          const series = CSV_TYPES[r.csvType]?.name ?? r.csvType;
          if (r.minDeltaPercentage !== null && r.thresholdValue === 0) return `${series} drops ${r.minDeltaPercentage}%`;
          const delta = r.minDeltaPercentage !== null ? ` (moves of ${r.minDeltaPercentage}%+)` : '';
          return `${series} ${r.isDrop ? '≤' : '≥'} ${formatValue(r.thresholdValue, r.csvType, r.domain)}${delta}`;
        }),
        ...t.notifyIf.map((n) => `${CSV_TYPES[n.csvType]?.name} ${n.notifyIfType === 1 ? 'back in stock' : 'out of stock'}`),
      ];
      const d = deliveries.get(t.id);
      rows.push([
        t.asin, domainForId(t.mainDomainId)?.tld ?? String(t.mainDomainId), rules.join(', ') || '-', `${t.updateInterval}h`, String(t.notificationCsv.length / 5),
        d ? `${d.delivered}/${d.pending}/${d.failed}${d.lastError ? ` ${d.lastError}` : ''}` : '-',
      ]);
    }
    stdout(formatTable(rows));
    stdout(`webhook: ${settings.webhookUrl ?? '(none)'}; e-mail: ${settings.emailTo ?? '(none)'}\n`);
    stdout(`feed: ${config.alerts.publicUrl}/feed/${settings.feedToken}.xml\n`);
  });
}

async function remove(asins: string[], options: { key?: string }): Promise<void> {
  const upper = asins.flatMap((a) => a.split(',')).map((a) => a.trim().toUpperCase()).filter(Boolean);
  await withStore(async (store) => {
    const { removeKeyTrackings } = await import('../store/key-trackings.js');
    const removed = await removeKeyTrackings(store, await alertKeyId(store, options.key), '', upper);
    const missing = upper.filter((a) => !removed.includes(a));
    stdout(`removed ${removed.length} alert tracking(s)${missing.length ? `; not tracked: ${missing.join(', ')}` : ''}\n`);
  });
}

async function email(address: string, options: { key?: string }): Promise<void> {
  const off = address === 'off';
  if (!off && !/^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/.test(address)) throw new CliError(`not an e-mail address: "${address}"`, 2);
  await withStore(async (store, config) => {
    const { updateAlertSettings } = await import('../store/alert-settings.js');
    await updateAlertSettings(store.db, await alertKeyId(store, options.key), { emailTo: off ? null : address });
    stdout(off ? 'e-mail notifications off\n' : `e-mail notifications to ${address}${config.alerts.smtpUrl ? '' : ' (set PRICEKEEP_SMTP_URL for them to be sent)'}\n`);
  });
}

async function notifications(options: { since?: string; all?: boolean; key?: string; json?: boolean }): Promise<void> {
  const { toKeepaMinute } = await import('../keepa/time.js');
  let since = 0;
  if (options.since !== undefined) {
    const ms = /^\d+$/.test(options.since) ? NaN : Date.parse(options.since);
    since = /^\d+$/.test(options.since) ? Number(options.since) : Number.isNaN(ms) ? NaN : toKeepaMinute(ms);
    if (!Number.isInteger(since)) throw new CliError(`--since must be an ISO date/time or a Keepa minute, got "${options.since}"`, 2);
  }
  await withStore(async (store) => {
    const { pullNotifications } = await import('../store/notifications.js');
    const { describeNotification } = await import('../alerts/describe.js');
    const { fromKeepaMinute } = await import('../keepa/time.js');
    const found = await pullNotifications(store, await alertKeyId(store, options.key), { since, revise: options.all === true, listName: null });
    if (options.json) {
      stdout(`${JSON.stringify(found.map((n) => JSON.parse(n.body)))}\n`);
      return;
    }
    const { notificationById } = await import('../store/notifications.js');
    const rows = [['ID', 'WHEN', 'WHAT']];
    for (const n of found) {
      const full = (await notificationById(store.db, n.id)) ?? n;
      rows.push([String(n.id), fromKeepaMinute(n.createDate).toISOString().slice(0, 16).replace('T', ' '), describeNotification(full).headline]);
    }
    stdout(formatTable(rows));
    stdout(`${found.length} notification(s)${options.all ? '' : ' (unread; --all for every one)'}\n`);
  });
}

export function register(program: Command): void {
  const alerts = viaServer(program.command('alerts')).description('alert rules on tracked products (price thresholds, drops, stock) for a key');
  alerts
    .command('add')
    .description('add a rule to an ASIN\'s tracking (creating the tracking)')
    .requiredOption('--domain <tld>', 'marketplace TLD or Keepa domain id')
    .option('--below <price>', 'notify when the price is at or below this (e.g. 19.99)')
    .option('--above <price>', 'notify when the price is at or above this')
    .option('--percent <n>', 'notify when the price drops n% below the last notified one (with --below: the least drop that notifies)')
    .option('--back-in-stock', 'notify when it comes back in stock')
    .option('--out-of-stock', 'notify when it goes out of stock')
    .option('--series <name>', 'csv series watched (default AMAZON; NEW, BUY_BOX_SHIPPING, …)')
    .option('--every <interval>', 'scrape interval, whole hours 1h–25h (default 1h)')
    .option('--rearm <interval>', 'quiet time after a notification: 30m, 6h, 1d, or "once" (default 1d)')
    .option('--email', 'also send e-mails (see alerts email)')
    .option('--key <name>', 'key name (default "default", created on first use)')
    .argument('<asin>', 'ASIN')
    .action(add);
  alerts.command('list').description('trackings with their rules, pushes and the feed URL').option('--key <name>', 'key name').option('--json', 'print JSON').action(list);
  alerts.command('remove').description('remove ASINs\' trackings (stops scraping what nobody else tracks)').option('--key <name>', 'key name').argument('<asins...>', 'ASINs').action(remove);
  alerts.command('email').description('address for e-mail notifications ("off" to stop)').option('--key <name>', 'key name').argument('<address>', 'e-mail address or off').action(email);
  viaServer(program.command('notifications'))
    .description('notifications of a key, newest first (marks them read)')
    .option('--since <when>', 'ISO date/time or Keepa minute')
    .option('--all', 'include notifications already read')
    .option('--key <name>', 'key name')
    .option('--json', 'Keepa Notification objects as JSON')
    .action(notifications);
}
