// One product: the chart, the stats table, tracking (interval, stop), alerts and the scrape log.
import { api, formatOf } from './api.js';
import { keepaMinuteToSeconds } from './chart-data.js';
import { formatCount, formatMoney, formatRating } from './display/money.js';
import { clear, h, localDateTime } from './dom.js';
import { drawChart, rangeButtons } from './product-chart.js';
import { alertsSection } from './product-alerts.js';

function statValue(scale, value, format) {
  if (value === null || value === undefined || value < 0) return '—';
  if (scale === 'price') return formatMoney(value, format);
  if (scale === 'rank') return `#${formatCount(value, format)}`;
  return formatRating(value);
}

function statsTable(product, format) {
  const head = ['Series', 'Current', 'Lowest', 'Highest', 'Avg 30 d', 'Avg 90 d', 'Avg 180 d', 'Out of stock 30 d', 'Out of stock 90 d'];
  return h('table', { class: 'stats', id: 'stats' },
    h('thead', {}, h('tr', {}, ...head.map((t) => h('th', {}, t)))),
    h('tbody', {}, ...product.stats.map((s) => h('tr', { 'data-series': s.key },
      h('th', {}, s.label),
      ...[s.current, s.lowest?.value, s.highest?.value, s.avg30, s.avg90, s.avg180].map((v) => h('td', { class: 'num' }, statValue(s.scale, v, format))),
      ...[s.outOfStock30, s.outOfStock90].map((v) => h('td', { class: 'num' }, v === null || v < 0 ? '—' : `${v}%`)),
    ))));
}

function scrapeLog(product) {
  if (product.scrapes.length === 0) return h('p', { class: 'muted' }, 'No scrapes yet.');
  return h('table', { class: 'log', id: 'scrape-log' },
    h('thead', {}, h('tr', {}, ...['Time', 'Outcome', 'Error code', 'HTTP', 'Attempts', 'Points written', 'Duration'].map((t) => h('th', {}, t)))),
    h('tbody', {}, ...product.scrapes.map((s) => h('tr', { class: s.ok ? 'ok' : 'error' },
      h('td', {}, localDateTime(Date.parse(s.startedAt))),
      h('td', {}, s.ok ? 'ok' : 'failed'),
      h('td', { title: s.errorMessage ?? '' }, s.errorCode ?? ''),
      h('td', {}, s.httpStatus ?? ''),
      h('td', { class: 'num' }, s.attempts),
      h('td', { class: 'num' }, s.pointsWritten),
      h('td', { class: 'num' }, `${s.durationMs} ms`)))));
}

function trackingForm(product, reload) {
  const t = product.tracking;
  const message = h('span', { class: 'form-message', role: 'status' });
  const interval = h('input', { type: 'number', min: 1, name: 'interval', value: t?.intervalMinutes ?? 60, 'aria-label': 'Interval in minutes' });
  const path = `/products/${product.domainId}/${product.asin}`;
  const act = (fn) => async (event) => {
    event.preventDefault();
    try {
      await fn();
      await reload();
    } catch (error) {
      message.textContent = error.message;
    }
  };
  return h('form', { id: 'tracking', onsubmit: act(() => api.put(`${path}/tracking`, { intervalMinutes: Number(interval.value) })) },
    h('p', {}, t?.active
      ? `Tracked every ${t.intervalMinutes} minutes; next scrape due ${localDateTime(Date.parse(t.nextDue))}.`
      : t ? `Not scraped any more (${t.inactiveReason ?? 'stopped'}).` : 'Not tracked.'),
    'Scrape every ', interval, ' minutes ', h('button', { type: 'submit' }, t ? 'Save' : 'Track'), ' ',
    t ? h('button', { type: 'button', onclick: act(() => api.delete(`${path}/tracking`)) }, 'Stop tracking') : null, ' ',
    t ? h('button', { type: 'button', id: 'scrape-now', onclick: act(() => api.post(`${path}/scrape`)) }, 'Scrape now') : null, ' ',
    message);
}

export async function render(root, [domainId, asin], meta) {
  const reload = async () => {
    const product = await api.get(`/products/${domainId}/${asin}`);
    const format = formatOf(product.domainId);
    const chartBox = h('div', { id: 'chart', class: 'chart' });
    const amazonUrl = `https://${format.host}/dp/${product.asin}`;
    clear(root).append(
      h('h1', {}, product.title ?? product.asin),
      h('p', { class: 'muted' }, `${product.asin} · `, h('a', { href: amazonUrl, rel: 'noopener noreferrer', target: '_blank' }, format.host),
        ` · prices in ${format.currency}`, product.lastUpdate ? ` · last update ${localDateTime(keepaMinuteToSeconds(product.lastUpdate) * 1000)}` : ''),
    );
    if (product.series.length === 0) root.append(h('p', { class: 'muted', id: 'no-history' }, 'No history stored yet: scrape it or import a Keepa file.'));
    else {
      const rangeBox = h('div');
      root.append(rangeBox, chartBox);
      const u = drawChart(chartBox, product, format);
      rangeBox.append(rangeButtons(u, window.__chart.first, window.__chart.now));
      root.append(h('h2', {}, 'Statistics'), statsTable(product, format));
    }
    root.append(
      h('h2', {}, 'Tracking'), trackingForm(product, reload),
      h('h2', {}, 'Alerts'), alertsSection(product, format, reload),
      h('h2', {}, 'Scrape log'), scrapeLog(product),
    );
    document.body.dataset.productLoaded = String(Date.now());
  };
  await reload();
}
