// The status page: queue, success rates, errors by code, database engine and size.
import { api } from './api.js';
import { clear, h } from './dom.js';

function bytes(n) {
  if (n === null || n === undefined) return '—';
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}

const rate = (r) => (r === null ? '—' : `${(r * 100).toFixed(1)}%`);

export async function render(root) {
  const { tracking: t, db } = await api.get('/status');
  const row = (label, value) => h('tr', {}, h('th', {}, label), h('td', {}, value));
  const errors = Object.entries(t.errorsByCode);
  clear(root).append(
    h('h1', {}, 'Status'),
    h('h2', {}, 'Queue'),
    h('table', { class: 'kv', id: 'queue' },
      row('Tracked products', t.tracked), row('Active', t.active), row('Inactive', t.inactive), row('Due now', t.due), row('Being scraped', t.leased)),
    h('h2', {}, 'Scrapes'),
    h('table', { class: 'kv', id: 'scrapes' },
      row('Last hour', `${t.lastHour.ok} of ${t.lastHour.scrapes} ok (${rate(t.lastHour.successRate)})`),
      row('Last 24 hours', `${t.lastDay.ok} of ${t.lastDay.scrapes} ok (${rate(t.lastDay.successRate)})`)),
    h('h2', {}, 'Errors by code (24 hours)'),
    errors.length === 0 ? h('p', { class: 'muted' }, 'None.') : h('table', { class: 'kv', id: 'errors' }, ...errors.map(([code, n]) => row(code, n))),
    h('h2', {}, 'Database'),
    h('table', { class: 'kv', id: 'database' },
      row('Engine', `${db.engine}${db.timescaledb ? ` (TimescaleDB ${db.timescaledb})` : ' (plain PostgreSQL)'}`),
      row('Size', bytes(db.databaseBytes)),
      db.dataDirBytes !== null ? row('Data directory', bytes(db.dataDirBytes)) : null,
      row('Products', db.products), row('Series', db.series), row('Points', db.points)),
  );
}
