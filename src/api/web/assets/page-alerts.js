// Alerts and notifications: every product with alert rules (the default alert key's Keepa
// trackings, as `pricekeep alerts list` shows them) and the newest notifications they
// raised. Reading them here does not mark them read (`type=notification` still returns them).
import { api, formatOf } from './api.js';
import { keepaMinuteToSeconds } from './chart-data.js';
import { seriesName, stockText, thresholdText, valueText } from './alert-text.js';
import { clear, h, localDateTime } from './dom.js';

function ruleTexts(rule, format) {
  return [...rule.thresholds.map((t) => thresholdText(t, format)), ...rule.stock.map(stockText)];
}

export async function render(root) {
  clear(root).append(h('h1', {}, 'Alerts'));
  const { key, rules, notifications } = await api.get('/alerts');
  const product = (r) => h('a', { href: `/product/${r.domainId}/${r.asin}` }, r.title ?? r.asin);
  root.append(
    h('p', { class: 'muted' }, key
      ? `Rules of the API key "${key.name}" (${key.keyPrefix}…): the same as pricekeep alerts list and /tracking?key=…&type=list.`
      : 'No alerts yet: add one on a product page (or with pricekeep alerts add).'),
    h('h2', {}, 'Rules'),
    rules.length === 0 ? h('p', { class: 'muted' }, 'No alerts: add one on a product page.')
      : h('table', { id: 'alert-rules' }, h('tbody', {}, ...rules.map((r) => h('tr', { 'data-asin': r.asin, 'data-domain': r.domainId },
          h('td', {}, product(r), h('br'), h('small', { class: 'muted' }, `${r.asin} · amazon.${formatOf(r.domainId)?.tld ?? r.domainId}`)),
          h('td', {}, ruleTexts(r, formatOf(r.domainId)).join(', ')))))),
    h('h2', {}, 'Notifications'),
    notifications.length === 0 ? h('p', { class: 'muted' }, 'None yet.')
      : h('table', { id: 'notifications' }, h('tbody', {}, ...notifications.map((n) => h('tr', { 'data-id': n.id },
          h('td', {}, localDateTime(keepaMinuteToSeconds(n.createDate) * 1000)),
          h('td', {}, product(n)),
          h('td', {}, `${n.causeText} (${seriesName(n.csvType, n.series)})`),
          h('td', { class: 'num' }, `${valueText(n.oldValue, n.kind, formatOf(n.domainId))} → ${valueText(n.newValue, n.kind, formatOf(n.domainId))}`))))),
  );
}
