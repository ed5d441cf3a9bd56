// The product page's alerts: threshold rules per price series ("New at or below $9.99"),
// created and removed here, stored as Keepa tracking thresholds (so the Keepa tracking
// API shows the same rules).
import { api } from './api.js';
import { formatMoney, parseAmount } from './display/money.js';
import { h } from './dom.js';

const PRICE_TYPES = [
  [1, 'New'],
  [0, 'Amazon'],
  [2, 'Used'],
  [18, 'Buy Box'],
  [4, 'List price'],
];

export function alertsSection(product, format, reload, meta) {
  if (!meta.alerts) {
    return h('p', { class: 'muted', id: 'alerts' }, 'Alerts need the tracking and notification store, which this server does not have yet.');
  }
  const path = `/products/${product.domainId}/${product.asin}/alerts`;
  const message = h('span', { class: 'form-message', role: 'status' });
  const csvType = h('select', { name: 'csvType', 'aria-label': 'Series' }, ...PRICE_TYPES.map(([i, label]) => h('option', { value: i }, label)));
  const direction = h('select', { name: 'direction', 'aria-label': 'Condition' }, h('option', { value: 'drop' }, 'at or below'), h('option', { value: 'rise' }, 'at or above'));
  const amount = h('input', { name: 'amount', type: 'text', inputmode: 'decimal', required: true, size: 10, placeholder: format.minorDigits ? '12.99' : '1980', 'aria-label': `Price in ${format.currency}` });
  const list = h('ul', { class: 'alerts', id: 'alert-list' },
    ...product.alerts.map((a) => h('li', { 'data-csv-type': a.csvType, 'data-value': a.thresholdValue },
      `${PRICE_TYPES.find(([i]) => i === a.csvType)?.[1] ?? `csv ${a.csvType}`} ${a.isDrop ? 'at or below' : 'at or above'} ${formatMoney(a.thresholdValue, format)} `,
      h('button', { type: 'button', onclick: async () => {
        await api.delete(`${path}/${a.csvType}/${a.isDrop ? 'drop' : 'rise'}`);
        await reload();
      } }, 'Remove'))));
  if (product.alerts.length === 0) list.append(h('li', { class: 'muted' }, 'No alerts for this product.'));
  const form = h('form', {
    id: 'alert-form',
    onsubmit: async (event) => {
      event.preventDefault();
      const value = parseAmount(amount.value, format);
      if (value === null) {
        message.textContent = `"${amount.value}" is not an amount in ${format.currency}`;
        return;
      }
      try {
        await api.post(path, { csvType: Number(csvType.value), thresholdValue: value, isDrop: direction.value === 'drop' });
        await reload();
      } catch (error) {
        message.textContent = error.message;
      }
    },
  }, 'Tell me when ', csvType, ' is ', direction, ' ', amount, ` ${format.currency} `, h('button', { type: 'submit' }, 'Add alert'), ' ', message);
  return h('div', { id: 'alerts' }, list, form);
}
