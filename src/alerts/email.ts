// The e-mail of a notification: subject, a plain-text and an HTML body with the product,
// the old and new value and a link to the product page.
import { fromKeepaMinute } from '../keepa/time.js';
import { describeNotification, escapeXml, type DescribableNotification } from './describe.js';

export interface NotificationEmail {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

export function renderNotificationEmail(n: DescribableNotification, options: { feedUrl?: string } = {}): NotificationEmail {
  const d = describeNotification(n);
  const when = fromKeepaMinute(n.createDate).toISOString().replace('T', ' ').replace(/:00\.000Z$/, ' UTC');
  const lines = [
    d.headline,
    '',
    `Product: ${d.product} (${n.asin})`,
    `Series:  ${d.series}`,
    ...(d.before !== null ? [`Before:  ${d.before}`] : []),
    ...(d.after !== null ? [`Now:     ${d.after}`] : []),
    `When:    ${when}`,
    '',
    d.productUrl,
    ...(options.feedUrl ? ['', `All notifications: ${options.feedUrl}`] : []),
    '',
    `pricekeep notification ${n.id}`,
  ];
  const row = (label: string, value: string) => `<tr><th align="left">${label}</th><td>${escapeXml(value)}</td></tr>`;
  const html = [
    '<!doctype html><html><body>',
    `<h2>${escapeXml(d.headline)}</h2>`,
    '<table>',
    row('Product', `${d.product} (${n.asin})`),
    row('Series', d.series),
    ...(d.before !== null ? [row('Before', d.before)] : []),
    ...(d.after !== null ? [row('Now', d.after)] : []),
    row('When', when),
    '</table>',
    `<p><a href="${escapeXml(d.productUrl)}">${escapeXml(d.productUrl)}</a></p>`,
    ...(options.feedUrl ? [`<p><a href="${escapeXml(options.feedUrl)}">All notifications (feed)</a></p>`] : []),
    `<p style="color:#888">pricekeep notification ${n.id}</p>`,
    '</body></html>',
  ].join('\n');
  return { subject: d.headline, text: `${lines.join('\n')}\n`, html };
}
