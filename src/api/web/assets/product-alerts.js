// The product page's alerts: threshold rules per price series and direction ("New at or
// below $9.99") and stock triggers, created, edited and removed here. They are the Keepa
// trackings of the default alert key (the one `pricekeep alerts` uses), so the Keepa
// tracking API shows the same rules. Amounts go to the server as typed; it reads them
// with the same parser as the preview here (display/money.js, digit by digit).
import { api } from './api.js';
import { PRICE_TYPES, stockText, thresholdText } from './alert-text.js';
import { formatAmount, formatMoney, parseAmount } from './display/money.js';
import { h } from './dom.js';

const directionOf = (isDrop) => (isDrop ? 'drop' : 'rise');

/** The new API key, when saving the first alert created the default key: shown once. */
let createdKey = null;

function keyNote(alerts, product) {
  const lines = [];
  if (createdKey) {
    lines.push(h('p', { class: 'notice', id: 'created-key' },
      `Created the API key "${alerts.key.name}" for alerts. Its key, shown only now: `, h('code', {}, createdKey)));
    createdKey = null;
  }
  if (alerts.key) {
    lines.push(h('p', { class: 'muted', id: 'alert-key' },
      `Alerts of the API key "${alerts.key.name}" (${alerts.key.keyPrefix}…), as with pricekeep alerts; `,
      h('code', {}, `/tracking?key=…&type=get&asin=${product.asin}`), ' shows the same rules.'));
  }
  return lines;
}

export function alertsSection(product, format, reload) {
  const alerts = product.alerts;
  const path = `/products/${product.domainId}/${product.asin}/alerts`;
  const message = h('span', { class: 'form-message', role: 'status', id: 'alert-message' });
  const act = (fn) => async (event) => {
    event?.preventDefault();
    message.textContent = '';
    try {
      const saved = await fn();
      if (saved?.createdKey) createdKey = saved.createdKey;
      await reload();
    } catch (error) {
      message.textContent = error.message;
      message.className = 'form-message error';
    }
  };

  const csvType = h('select', { name: 'csvType', 'aria-label': 'Series' }, ...PRICE_TYPES.map(([i, label]) => h('option', { value: i }, label)));
  const direction = h('select', { name: 'direction', 'aria-label': 'Condition' }, h('option', { value: 'drop' }, 'at or below'), h('option', { value: 'rise' }, 'at or above'));
  const amount = h('input', { name: 'amount', type: 'text', inputmode: 'decimal', required: true, size: 10, placeholder: format.minorDigits ? '12.99' : '1980', 'aria-label': `Price in ${format.currency}` });
  const preview = h('span', { class: 'muted', id: 'amount-preview' });
  amount.addEventListener('input', () => {
    const value = parseAmount(amount.value, format);
    preview.textContent = amount.value.trim() === '' ? '' : value === null ? 'not an amount' : `= ${formatMoney(value, format)}`;
  });
  const submit = h('button', { type: 'submit' }, 'Add alert');
  const cancel = h('button', { type: 'button', hidden: true }, 'Cancel');
  let editing = null;
  const edit = (rule) => {
    editing = rule;
    csvType.value = String(rule.csvType);
    direction.value = directionOf(rule.isDrop);
    amount.value = rule.thresholdValue === 0 ? '' : formatAmount(rule.thresholdValue, format);
    amount.dispatchEvent(new Event('input'));
    submit.textContent = 'Save alert';
    cancel.hidden = false;
    amount.focus();
  };
  cancel.addEventListener('click', () => {
    editing = null;
    submit.textContent = 'Add alert';
    cancel.hidden = true;
  });

  const list = h('ul', { class: 'alerts', id: 'alert-list' },
    ...alerts.thresholds.map((rule) => h('li', { 'data-kind': 'threshold', 'data-csv-type': rule.csvType, 'data-direction': directionOf(rule.isDrop), 'data-value': rule.thresholdValue },
      `${thresholdText(rule, format)} `,
      PRICE_TYPES.some(([i]) => i === rule.csvType) ? [h('button', { type: 'button', class: 'edit', onclick: () => edit(rule) }, 'Edit'), ' '] : null,
      h('button', { type: 'button', class: 'remove', onclick: act(() => api.delete(`${path}/threshold/${rule.csvType}/${directionOf(rule.isDrop)}`)) }, 'Remove'))),
    ...alerts.stock.map((rule) => h('li', { 'data-kind': 'stock', 'data-csv-type': rule.csvType, 'data-stock': rule.notifyIfType === 1 ? 'back' : 'out' },
      `${stockText(rule)} `,
      h('button', { type: 'button', class: 'remove', onclick: act(() => api.delete(`${path}/stock/${rule.csvType}/${rule.notifyIfType === 1 ? 'back' : 'out'}`)) }, 'Remove'))));
  if (alerts.thresholds.length + alerts.stock.length === 0) list.append(h('li', { class: 'muted' }, 'No alerts for this product.'));

  const form = h('form', {
    id: 'alert-form',
    onsubmit: act(() => api.post(path, {
      csvType: Number(csvType.value),
      direction: direction.value,
      amount: amount.value,
      ...(editing && { replaces: { csvType: editing.csvType, direction: directionOf(editing.isDrop) } }),
    })),
  }, 'Tell me when ', csvType, ' is ', direction, ' ', amount, ` ${format.currency} `, preview, ' ', submit, ' ', cancel);

  const stockSeries = h('select', { name: 'csvType', 'aria-label': 'Series' }, ...PRICE_TYPES.map(([i, label]) => h('option', { value: i }, label)));
  const stock = h('select', { name: 'stock', 'aria-label': 'Stock change' }, h('option', { value: 'back' }, 'comes back in stock'), h('option', { value: 'out' }, 'goes out of stock'));
  const stockForm = h('form', {
    id: 'stock-form',
    onsubmit: act(() => api.post(`${path}/stock`, { csvType: Number(stockSeries.value), stock: stock.value })),
  }, 'Tell me when ', stockSeries, ' ', stock, ' ', h('button', { type: 'submit' }, 'Add'));

  return h('div', { id: 'alerts' }, ...keyNote(alerts, product), list, form, stockForm, message);
}
