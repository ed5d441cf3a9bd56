// Alerts and notifications: every product with alert rules, and the notifications sent.
import { api } from './api.js';
import { clear, h, localDateTime } from './dom.js';

export async function render(root, _args, meta) {
  clear(root).append(h('h1', {}, 'Alerts'));
  if (!meta.alerts) {
    root.append(h('p', { class: 'muted' }, 'Alerts need the tracking and notification store, which this server does not have yet.'));
    return;
  }
  const { alerts, notifications } = await api.get('/alerts');
  root.append(
    h('h2', {}, 'Rules'),
    alerts.length === 0 ? h('p', { class: 'muted' }, 'No alerts: add one on a product page.')
      : h('table', { id: 'alert-rules' }, h('tbody', {}, ...alerts.map((a) => h('tr', {},
          h('td', {}, h('a', { href: `/product/${a.domainId}/${a.asin}` }, a.title ?? a.asin)),
          h('td', {}, a.description))))),
    h('h2', {}, 'Notifications'),
    notifications.length === 0 ? h('p', { class: 'muted' }, 'None yet.')
      : h('table', { id: 'notifications' }, h('tbody', {}, ...notifications.map((n) => h('tr', {},
          h('td', {}, localDateTime(n.at)),
          h('td', {}, h('a', { href: `/product/${n.domainId}/${n.asin}` }, n.title ?? n.asin)),
          h('td', {}, n.description),
          h('td', {}, n.delivery))))),
  );
}
