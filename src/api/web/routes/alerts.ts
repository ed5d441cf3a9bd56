// A product's alert rules (threshold per price series and direction, stock triggers) and
// the alerts page (every rule, the newest notifications). Changes go through
// alert-rules.ts into the default key's Keepa trackings; each needs the CSRF header (auth.ts).
import type { FastifyInstance } from 'fastify';
import { causeWords } from '../../../alerts/describe.js';
import { TRACKING_NOTIFICATION_CAUSES } from '../../../alerts/enums.js';
import { parseAmount } from '../../../display/money.js';
import { domainForId } from '../../../keepa/domains.js';
import { CSV_TYPE_COUNT, CSV_TYPES, isPriceType } from '../../../keepa/csv-type.js';
import { DEFAULT_ALERT_KEY, liveKey } from '../../../store/alert-key.js';
import { listKeyTrackings } from '../../../store/key-trackings.js';
import { feedNotifications } from '../../../store/notifications.js';
import { findProducts } from '../../../store/products.js';
import { changeAlerts, rulesOf, type AlertChange } from '../alert-rules.js';
import { WebError } from '../web-error.js';
import { integerField, productParams } from './params.js';

const RECENT_NOTIFICATIONS = 50;

function csvType(raw: unknown): number {
  return integerField('csvType', String(raw ?? ''), 0, CSV_TYPE_COUNT - 1);
}

/** New rules from the page watch prices (the amount is money); existing ones may watch anything. */
function priceType(raw: unknown): number {
  const index = csvType(raw);
  if (!isPriceType(index)) throw new WebError('bad_request', `csvType ${index} is not a price series`);
  return index;
}

function direction(raw: unknown): boolean {
  if (raw === 'drop' || raw === true) return true;
  if (raw === 'rise' || raw === false) return false;
  throw new WebError('bad_request', `direction must be "drop" (at or below) or "rise" (at or above), got ${JSON.stringify(raw)}`);
}

function stockType(raw: unknown): 0 | 1 {
  if (raw === 'out' || raw === 0) return 0;
  if (raw === 'back' || raw === 1) return 1;
  throw new WebError('bad_request', `stock must be "out" (out of stock) or "back" (back in stock), got ${JSON.stringify(raw)}`);
}

/** "19.99" in the marketplace's currency → 1999: digit by digit (money.js), never through a float. */
function amountOf(raw: unknown, domainId: number): number {
  const domain = domainForId(domainId)!;
  const value = typeof raw === 'string' ? parseAmount(raw, domain) : null;
  if (value === null) throw new WebError('bad_request', `amount must be a price in ${domain.currency} like ${domain.minorDigits ? '19.99' : '1980'}, got ${JSON.stringify(raw)}`);
  return value;
}

export async function alertsRoutes(app: FastifyInstance): Promise<void> {
  const { store, clock } = app.pricekeep;
  const base = '/app/api/products/:domainId/:asin/alerts';
  const change = async (params: unknown, make: (domainId: number) => AlertChange) => {
    const { domainId, asin } = productParams(params);
    return changeAlerts(store, clock, domainId, asin, make(domainId));
  };

  // Sets a threshold (a new value for an existing series and direction edits it);
  // `replaces` moves an existing rule to another series or direction.
  app.post(base, async (request) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    return change(request.params, (domainId) => {
      const replaces = body.replaces as Record<string, unknown> | undefined;
      return {
        kind: 'setThreshold',
        rule: { csvType: priceType(body.csvType), isDrop: direction(body.direction), thresholdValue: amountOf(body.amount, domainId) },
        ...(replaces && { replaces: { csvType: csvType(replaces.csvType), isDrop: direction(replaces.direction) } }),
      };
    });
  });

  app.delete(`${base}/threshold/:csvType/:direction`, async (request) => {
    const p = request.params as Record<string, string>;
    return change(request.params, () => ({ kind: 'removeThreshold', csvType: csvType(p.csvType), isDrop: direction(p.direction) }));
  });

  app.post(`${base}/stock`, async (request) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    return change(request.params, () => ({ kind: 'addStock', rule: { csvType: priceType(body.csvType), notifyIfType: stockType(body.stock) } }));
  });

  app.delete(`${base}/stock/:csvType/:stock`, async (request) => {
    const p = request.params as Record<string, string>;
    return change(request.params, () => ({ kind: 'removeStock', rule: { csvType: csvType(p.csvType), notifyIfType: stockType(p.stock) } }));
  });

  app.get('/app/api/alerts', async () => {
    const key = await liveKey(store, DEFAULT_ALERT_KEY);
    if (!key) return { key: null, rules: [], notifications: [] };
    const [trackings, notifications] = await Promise.all([
      listKeyTrackings(store, key.id, ''),
      feedNotifications(store.db, key.id, { limit: RECENT_NOTIFICATIONS }),
    ]);
    const rules = trackings.flatMap((t) =>
      [...new Set([...t.thresholdValues, ...t.notifyIf].map((r) => r.domain))].map((domainId) => ({ domainId, asin: t.asin, ...rulesOf(t, domainId) })),
    );
    const titles = new Map<string, string | null>();
    for (const domainId of new Set(rules.map((r) => r.domainId))) {
      const rows = await findProducts(store.db, domainId, rules.filter((r) => r.domainId === domainId).map((r) => r.asin));
      for (const row of rows) titles.set(`${domainId}:${row.asin}`, row.title);
    }
    return {
      key: { name: key.name, keyPrefix: key.keyPrefix },
      rules: rules.map((r) => ({ ...r, title: titles.get(`${r.domainId}:${r.asin}`) ?? null })),
      notifications: notifications.map((n) => {
        const cause = TRACKING_NOTIFICATION_CAUSES[n.cause] ?? 'PRICE_CHANGE';
        return {
          id: n.id,
          createDate: n.createDate,
          domainId: n.notificationDomainId,
          asin: n.asin,
          title: n.title,
          csvType: n.csvType,
          series: CSV_TYPES[n.csvType]?.name ?? `csv ${n.csvType}`,
          kind: CSV_TYPES[n.csvType]?.kind ?? 'price',
          cause,
          causeText: causeWords(cause),
          oldValue: n.oldValue,
          newValue: n.newValue,
        };
      }),
    };
  });
}
