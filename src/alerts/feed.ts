// RSS 2.0 and Atom feeds of notifications. Each item's id is `urn:pricekeep:notification:<id>`,
// the notification's own stable id, so a reader shows each change exactly once however
// often it polls, and the feed's order and dates come from the notification itself.
import { fromKeepaMinute } from '../keepa/time.js';
import { describeNotification, escapeXml, type DescribableNotification } from './describe.js';

export interface FeedInput {
  readonly title: string;
  /** The feed's own URL. */
  readonly selfUrl: string;
  readonly items: readonly DescribableNotification[];
  /** When the feed is empty: the time to report as its last change (unix ms). */
  readonly emptyUpdated: number;
}

export const guidOf = (id: number): string => `urn:pricekeep:notification:${id}`;

export function renderRss(feed: FeedInput): string {
  const items = feed.items.map((n) => {
    const d = describeNotification(n);
    return [
      '<item>',
      `<title>${escapeXml(d.headline)}</title>`,
      `<link>${escapeXml(d.productUrl)}</link>`,
      `<guid isPermaLink="false">${guidOf(n.id)}</guid>`,
      `<pubDate>${fromKeepaMinute(n.createDate).toUTCString()}</pubDate>`,
      `<description>${escapeXml(`${d.product} (${n.asin}), ${d.series}${d.before !== null ? `: ${d.before}` : ''}${d.after !== null ? ` → ${d.after}` : ''}`)}</description>`,
      '</item>',
    ].join('');
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel>',
    `<title>${escapeXml(feed.title)}</title>`,
    `<link>${escapeXml(feed.selfUrl)}</link>`,
    `<atom:link href="${escapeXml(feed.selfUrl)}" rel="self" type="application/rss+xml"/>`,
    `<description>${escapeXml(feed.title)}</description>`,
    ...items,
    '</channel></rss>',
    '',
  ].join('\n');
}

export function renderAtom(feed: FeedInput): string {
  const updated = feed.items.length ? fromKeepaMinute(Math.max(...feed.items.map((n) => n.createDate))) : new Date(feed.emptyUpdated);
  const entries = feed.items.map((n) => {
    const d = describeNotification(n);
    return [
      '<entry>',
      `<id>${guidOf(n.id)}</id>`,
      `<title>${escapeXml(d.headline)}</title>`,
      `<link href="${escapeXml(d.productUrl)}"/>`,
      `<updated>${fromKeepaMinute(n.createDate).toISOString()}</updated>`,
      `<summary>${escapeXml(`${d.product} (${n.asin}), ${d.series}${d.before !== null ? `: ${d.before}` : ''}${d.after !== null ? ` → ${d.after}` : ''}`)}</summary>`,
      '</entry>',
    ].join('');
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom">',
    `<id>${escapeXml(feed.selfUrl)}</id>`,
    `<title>${escapeXml(feed.title)}</title>`,
    `<link rel="self" href="${escapeXml(feed.selfUrl)}"/>`,
    `<updated>${updated.toISOString()}</updated>`,
    '<author><name>pricekeep</name></author>',
    ...entries,
    '</feed>',
    '',
  ].join('\n');
}
