// The product list: search, filters, sort, add by ASIN or URL, and one row per product
// with its current price, 30-day change, last change, 90-day sparkline and last scrape.
import { api, formatOf } from './api.js';
import { keepaMinuteToSeconds } from './chart-data.js';
import { formatChange, formatMoney } from './display/money.js';
import { clear, h, localDate, localDateTime, svg } from './dom.js';
import { sparklinePath } from './sparkline.js';

const PAGE_SIZE = 50;

function params() {
  const q = new URLSearchParams(location.search);
  return {
    search: q.get('search') ?? '',
    domain: q.get('domain') ?? '',
    tracked: q.get('tracked') ?? '',
    alerted: q.get('alerted') ?? '',
    sort: q.get('sort') ?? 'lastChange',
    dir: q.get('dir') ?? 'desc',
    offset: Number(q.get('offset') ?? 0) || 0,
  };
}

function sparkline(row, now) {
  const width = 120;
  const height = 28;
  const d = row.spark ? sparklinePath(row.spark.t, row.spark.v, now - 90 * 1440, now, width, height) : '';
  return svg('svg', { class: 'spark', width, height, viewBox: `0 0 ${width} ${height}`, 'aria-label': '90-day price' },
    d ? svg('path', { d, fill: 'none', stroke: 'currentColor', 'stroke-width': 1.5, 'stroke-linecap': 'round' }) : svg('text', { x: 4, y: 18, 'font-size': 11, fill: '#999' }, 'no data'));
}

function changeCell(row, format) {
  if (row.currentPrice === null || row.price30DaysAgo === null) return h('td', { class: 'num muted' }, '—');
  const delta = row.currentPrice - row.price30DaysAgo;
  const percent = row.price30DaysAgo === 0 ? '' : ` (${delta > 0 ? '+' : ''}${((delta * 100) / row.price30DaysAgo).toFixed(1)}%)`;
  return h('td', { class: `num ${delta < 0 ? 'down' : delta > 0 ? 'up' : ''}` }, formatChange(delta, format) + percent);
}

function scrapeCell(row) {
  const s = row.lastScrape;
  if (!s) return h('td', { class: 'muted' }, row.tracked ? 'not scraped yet' : 'not tracked');
  return h('td', { class: s.ok ? 'ok' : 'error', title: s.errorMessage ?? '' },
    s.ok ? '✓ ok' : `✗ ${s.errorCode}`, h('br'), h('small', {}, localDateTime(Date.parse(s.at))));
}

function rowOf(row, meta, refresh) {
  const format = formatOf(row.domainId);
  const scrape = h('button', {
    type: 'button', class: 'scrape', 'data-asin': row.asin,
    onclick: async (event) => {
      event.target.disabled = true;
      event.target.textContent = 'Scraping…';
      try {
        await api.post(`/products/${row.domainId}/${row.asin}/scrape`);
      } finally {
        await refresh();
      }
    },
  }, 'Scrape now');
  return h('tr', { 'data-asin': row.asin, 'data-domain': row.domainId },
    h('td', {}, h('a', { href: `/product/${row.domainId}/${row.asin}`, class: 'title' }, row.title ?? row.asin), h('br'),
      h('small', { class: 'muted' }, `${row.asin} · amazon.${format?.tld ?? row.domainId}`)),
    h('td', { class: 'num price' }, row.currentPrice === null ? h('span', { class: 'muted' }, row.productId === null ? '—' : 'out of stock') : formatMoney(row.currentPrice, format)),
    changeCell(row, format),
    h('td', {}, row.lastPriceChange === null ? '—' : localDate(keepaMinuteToSeconds(row.lastPriceChange) * 1000)),
    h('td', { class: 'spark-cell' }, sparkline(row, meta.now)),
    scrapeCell(row),
    h('td', {}, row.tracked ? h('span', { class: 'badge' }, `every ${row.intervalMinutes} min`) : null, row.alerts ? h('span', { class: 'badge alert' }, `${row.alerts} alert${row.alerts > 1 ? 's' : ''}`) : null, ' ', row.tracked ? scrape : null),
  );
}

function addForm(meta, onAdded) {
  const message = h('p', { class: 'form-message', role: 'status' });
  const input = h('input', { name: 'input', type: 'text', required: true, size: 48, placeholder: 'ASIN or Amazon product URL (any of the 20 marketplaces)', 'aria-label': 'ASIN or URL' });
  const domain = h('select', { name: 'domain', 'aria-label': 'Marketplace (for an ASIN)' },
    ...meta.marketplaces.map((m) => h('option', { value: m.domainId }, `amazon.${m.tld}`)));
  const interval = h('input', { name: 'interval', type: 'number', min: 1, value: 60, size: 5, 'aria-label': 'Interval in minutes' });
  return h('form', {
    class: 'add', id: 'add-product',
    onsubmit: async (event) => {
      event.preventDefault();
      message.textContent = '';
      try {
        const added = await api.post('/products', { input: input.value, domainId: Number(domain.value), intervalMinutes: Number(interval.value) });
        message.textContent = `Tracking ${added.asin} on amazon.${added.tld} every ${added.intervalMinutes} minutes.`;
        input.value = '';
        await onAdded();
      } catch (error) {
        message.textContent = error.message;
        message.className = 'form-message error';
      }
    },
  }, h('h2', {}, 'Add a product'), input, ' on ', domain, ' every ', interval, ' min ', h('button', { type: 'submit' }, 'Track'), message);
}

function filters(meta, state) {
  const option = (value, text, selected) => h('option', { value, selected: selected === value }, text);
  return h('form', { class: 'filters', method: 'get', action: '/' },
    h('input', { name: 'search', type: 'search', value: state.search, placeholder: 'Search title or ASIN', 'aria-label': 'Search' }),
    h('select', { name: 'domain', 'aria-label': 'Marketplace' }, option('', 'All marketplaces', state.domain),
      ...meta.marketplaces.map((m) => option(String(m.domainId), `amazon.${m.tld}`, state.domain))),
    h('select', { name: 'tracked', 'aria-label': 'Tracked' }, option('', 'Tracked or not', state.tracked), option('1', 'Tracked', state.tracked), option('0', 'Not tracked', state.tracked)),
    h('label', {}, h('input', { type: 'checkbox', name: 'alerted', value: '1', checked: state.alerted === '1' }), ' with alerts'),
    h('select', { name: 'sort', 'aria-label': 'Sort by' }, option('lastChange', 'Last change', state.sort), option('price', 'Current price', state.sort), option('change30', '30-day change', state.sort), option('title', 'Title', state.sort)),
    h('select', { name: 'dir', 'aria-label': 'Direction' }, option('desc', '↓', state.dir), option('asc', '↑', state.dir)),
    h('button', { type: 'submit' }, 'Apply'));
}

export async function render(root, _args, meta) {
  const state = params();
  const table = h('tbody');
  const summary = h('p', { class: 'muted', id: 'list-summary' });
  const pager = h('div', { class: 'pager' });
  const refresh = async () => {
    const q = new URLSearchParams({ sort: state.sort, dir: state.dir, limit: PAGE_SIZE, offset: state.offset });
    for (const key of ['search', 'domain', 'tracked', 'alerted']) if (state[key]) q.set(key, state[key]);
    const list = await api.get(`/products?${q}`);
    clear(table).append(...list.rows.map((row) => rowOf(row, { ...meta, now: list.now }, refresh)));
    summary.textContent = list.total === 0 ? 'No products yet: add one above, or import a Keepa file.' : `${list.total} product${list.total === 1 ? '' : 's'}`;
    clear(pager);
    const link = (offset, text) => {
      const p = new URLSearchParams(location.search);
      p.set('offset', offset);
      return h('a', { href: `/?${p}` }, text);
    };
    if (state.offset > 0) pager.append(link(Math.max(0, state.offset - PAGE_SIZE), '← previous'), ' ');
    if (state.offset + PAGE_SIZE < list.total) pager.append(link(state.offset + PAGE_SIZE, 'next →'));
    document.body.dataset.listLoaded = String(Date.now());
  };
  clear(root).append(
    h('h1', {}, 'Products'),
    addForm(meta, refresh),
    filters(meta, state),
    summary,
    h('table', { class: 'products' },
      h('thead', {}, h('tr', {}, ...['Product', 'Current price', '30-day change', 'Last change', '90 days', 'Last scrape', 'Tracking'].map((t) => h('th', {}, t)))),
      table),
    pager,
  );
  await refresh();
}
