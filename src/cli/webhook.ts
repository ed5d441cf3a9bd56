// `pricekeep webhook set URL|off|test`: the key's webhook, checked against the SSRF
// policy when set; `test` pushes a sample notification now, signed like real ones.
import type { Command } from 'commander';
import { stdout } from './cli-context.js';
import { CliError } from './cli-error.js';
import { withStore } from './open-store.js';
import { alertKeyId } from './alert-key.js';
import { viaServer } from './via-server.js';

/** A sample Notification (the shape of Keepa's own "send test notification" body). */
export function testNotificationBody(nowMinute: number): string {
  return JSON.stringify({
    asin: 'B00N150YS4', title: 'pricekeep test notification', image: '', createDate: nowMinute, domainId: 1,
    notificationDomainId: 1, csvType: 0, trackingNotificationCause: 1,
    currentPrices: Array.from({ length: 36 }, (_, i) => (i === 0 ? 1099 : -1)),
    sentNotificationVia: [false, false, false, false, false, true, false, false], metaData: 'test', trackingListName: null,
    isDrop: true, coupon: 0, notificationId: 'test', previousValue: 1248, currentValue: 1099,
  });
}

export function register(program: Command): void {
  const webhook = viaServer(program.command('webhook')).description('the webhook that notifications are pushed to');
  webhook
    .command('set')
    .description('set the webhook URL (http/https; private addresses need PRICEKEEP_WEBHOOK_ALLOW_PRIVATE=1)')
    .option('--key <name>', 'key name (default "default")')
    .option('--rotate-secret', 'also make a new signing secret')
    .argument('<url>', 'webhook URL, or "off"')
    .action(async (url: string, options: { key?: string; rotateSecret?: boolean }) => {
      await withStore(async (store, config) => {
        const { checkWebhookUrl } = await import('../net/index.js');
        const { updateAlertSettings } = await import('../store/alert-settings.js');
        if (url !== 'off') {
          const checked = await checkWebhookUrl(url, { allowPrivate: config.alerts.webhookAllowPrivate });
          if (!checked.ok) throw new CliError(checked.message, 2);
        }
        const settings = await updateAlertSettings(store.db, await alertKeyId(store, options.key), {
          webhookUrl: url === 'off' ? null : url,
          rotateSecret: options.rotateSecret === true,
        });
        if (!settings.webhookUrl) stdout('webhook off\n');
        else stdout(`webhook ${settings.webhookUrl}\nsigning secret ${settings.webhookSecret}\n`);
      });
    });
  webhook
    .command('test')
    .description('push a sample notification to the webhook now and show the answer')
    .option('--key <name>', 'key name (default "default")')
    .action(async (options: { key?: string }) => {
      await withStore(async (store, config) => {
        const { alertSettings } = await import('../store/alert-settings.js');
        const { postWebhook, signPayload, SIGNATURE_HEADER } = await import('../net/index.js');
        const { keepaNow } = await import('../keepa/time.js');
        const settings = await alertSettings(store.db, await alertKeyId(store, options.key));
        if (!settings.webhookUrl) throw new CliError('no webhook set (pricekeep webhook set URL)', 2);
        const body = testNotificationBody(keepaNow());
        const outcome = await postWebhook(settings.webhookUrl, body, {
          [SIGNATURE_HEADER]: signPayload(settings.webhookSecret, body, Math.floor(Date.now() / 1000)),
          'x-pricekeep-delivery': 'keepa.notification:test',
          'x-pricekeep-attempt': '1',
        }, { allowPrivate: config.alerts.webhookAllowPrivate });
        if (!outcome.ok) throw new CliError(`webhook test failed: ${outcome.code}: ${outcome.message}`);
        stdout(`delivered: ${outcome.status} in ${outcome.durationMs} ms\n`);
      });
    });
}
