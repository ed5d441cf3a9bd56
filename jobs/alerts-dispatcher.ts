// The alerts dispatcher: expires trackings, then drains the notification outbox (webhook
// pushes signed with the key's secret, e-mails over SMTP), on the lease queue any number
// of processes can run. A pushed notification counts as read (Keepa's rule). Extra
// topics (ASA batch webhooks) plug in through `extraHandlers`.
import { createRequire } from 'node:module';
import type { Transporter } from 'nodemailer';
import type { Logger } from 'pino';
import { renderNotificationEmail } from '../src/alerts/email.js';
import type { AlertsConfig } from '../src/config.js';
import { keepaNow } from '../src/keepa/time.js';
import type { Resolver } from '../src/net/index.js';
import type { Store } from '../src/store/index.js';
import { alertSettings } from '../src/store/alert-settings.js';
import { expireTrackings } from '../src/store/expire-trackings.js';
import { markNotificationRead, notificationById, NOTIFICATION_TOPIC, purgeNotifications } from '../src/store/notifications.js';
import { drainDeliveries, type DeliveryHandler, type DrainSummary } from './lease-queue.js';
import { webhookDelivery } from './webhook-delivery.js';

/** Notifications are kept this long for feeds and `revise` pulls (Keepa deletes them after 24 h). */
export const NOTIFICATION_RETENTION_DAYS = 30;

export interface DispatcherOptions {
  readonly store: Store;
  readonly config: AlertsConfig;
  readonly worker: string;
  readonly clock?: () => number;
  readonly logger?: Logger;
  /** DNS answers for webhook hosts (tests). */
  readonly resolve?: Resolver;
  /** SMTP transport (default: from config.smtpUrl). */
  readonly mailer?: Transporter | null;
  readonly extraHandlers?: Readonly<Record<string, DeliveryHandler>>;
  readonly leaseMs?: number;
}

/** nodemailer, loaded only where SMTP is configured (it is ~2 MB of heap otherwise idle). */
function smtpTransport(url: string): Transporter {
  const nodemailer = createRequire(import.meta.url)('nodemailer') as typeof import('nodemailer');
  return nodemailer.createTransport(url);
}

export function notificationHandler(options: DispatcherOptions): DeliveryHandler {
  const clock = options.clock ?? Date.now;
  const mailer = options.mailer !== undefined ? options.mailer : options.config.smtpUrl ? smtpTransport(options.config.smtpUrl) : null;
  const webhook = webhookDelivery({
    allowPrivate: options.config.webhookAllowPrivate,
    resolve: options.resolve,
    clock,
    secretOf: async (d) => (await alertSettings(options.store.db, Number(d.payload.keyId))).webhookSecret,
  });
  return async (delivery) => {
    if (delivery.channel === 'webhook') {
      const result = await webhook(delivery);
      if (result.ok) await markNotificationRead(options.store.db, Number(delivery.subject));
      return result;
    }
    if (!mailer) return { ok: false, error: 'no SMTP server configured (PRICEKEEP_SMTP_URL)', retryable: false };
    const notification = await notificationById(options.store.db, Number(delivery.subject));
    if (!notification) return { ok: false, error: `notification ${delivery.subject} no longer exists`, retryable: false };
    const settings = await alertSettings(options.store.db, notification.keyId);
    const mail = renderNotificationEmail(notification, { feedUrl: `${options.config.publicUrl}/feed/${settings.feedToken}.xml` });
    try {
      const info = await mailer.sendMail({
        from: options.config.mailFrom,
        to: delivery.target,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        // The same Message-ID on every attempt: a mail client shows a re-sent notification once.
        messageId: `<notification-${notification.id}@pricekeep>`,
        headers: { 'X-Pricekeep-Notification': String(notification.id) },
      });
      return { ok: true, status: Number(/^(\d{3})/.exec(String(info.response))?.[1] ?? 250) };
    } catch (error) {
      const e = error as { responseCode?: number; message: string };
      // 5xx from the SMTP server is permanent (bad address, refused); anything else may pass later.
      return { ok: false, error: `smtp: ${e.message}`, status: e.responseCode ?? null, retryable: !(e.responseCode && e.responseCode >= 500) };
    }
  };
}

export interface DispatchSummary extends DrainSummary {
  readonly expired: number;
}

/** One round: expire trackings, deliver what is due, forget old notifications. */
export async function runDispatch(options: DispatcherOptions, handler = notificationHandler(options)): Promise<DispatchSummary> {
  const clock = options.clock ?? Date.now;
  const expired = await expireTrackings(options.store, keepaNow(clock));
  const drained = await drainDeliveries({
    store: options.store,
    worker: options.worker,
    clock,
    logger: options.logger,
    leaseMs: options.leaseMs,
    handlers: { [NOTIFICATION_TOPIC]: handler, ...options.extraHandlers },
  });
  await purgeNotifications(options.store.db, keepaNow(clock) - NOTIFICATION_RETENTION_DAYS * 1440);
  return { expired, ...drained };
}

export interface RunningDispatcher {
  stop(): Promise<void>;
}

/** Runs a dispatch round every `everyMs` (default 5 s); rounds never overlap. */
export function startDispatcher(options: DispatcherOptions & { everyMs?: number }): RunningDispatcher {
  const handler = notificationHandler(options);
  let running: Promise<unknown> | null = null;
  let stopped = false;
  const round = () => {
    if (running || stopped) return;
    running = runDispatch(options, handler)
      .then((s) => {
        if (s.delivered + s.failed + s.expired > 0) options.logger?.info(s, 'dispatch round');
      })
      .catch((error) => options.logger?.error({ err: error }, 'dispatch round failed'))
      .finally(() => {
        running = null;
      });
  };
  const timer = setInterval(round, options.everyMs ?? 5_000);
  round();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
