// The dashboard's entry point: one shell page for every path, the page module chosen by
// the path (no build step: plain ES modules served as they are in the repository).
import { loadMeta } from './api.js';
import { clear, h } from './dom.js';

const PAGES = [
  [/^\/$/, () => import('./page-list.js')],
  [/^\/product\/(\d+)\/([0-9A-Z]{10})$/, () => import('./page-product.js')],
  [/^\/import$/, () => import('./page-import.js')],
  [/^\/alerts$/, () => import('./page-alerts.js')],
  [/^\/system$/, () => import('./page-status.js')],
  [/^\/login$/, () => import('./page-login.js')],
];

function nav(meta) {
  const link = (href, text) => h('a', { href, class: location.pathname === href ? 'active' : null }, text);
  return h(
    'nav',
    {},
    h('a', { href: '/', class: 'brand' }, 'pricekeep'),
    link('/', 'Products'),
    link('/import', 'Import'),
    link('/alerts', 'Alerts'),
    link('/system', 'Status'),
    meta.auth.required && meta.auth.loggedIn
      ? h('form', { method: 'post', action: '/logout', class: 'logout' },
          h('input', { type: 'hidden', name: 'csrf', value: document.querySelector('meta[name="csrf-token"]')?.content ?? '' }),
          h('button', { type: 'submit' }, 'Sign out'))
      : null,
  );
}

async function main() {
  const root = document.getElementById('app');
  const path = location.pathname.replace(/\/+$/, '') || '/';
  const page = PAGES.find(([pattern]) => pattern.test(path));
  if (path === '/login') {
    const module = await page[1]();
    return module.render(root, []);
  }
  const meta = await loadMeta();
  document.body.prepend(nav(meta));
  if (!page) {
    clear(root).append(h('h1', {}, 'Not found'), h('p', {}, 'No page here. ', h('a', { href: '/' }, 'Back to the products')));
    return;
  }
  const module = await page[1]();
  await module.render(root, path.match(page[0]).slice(1), meta);
}

main().catch((error) => {
  const root = document.getElementById('app');
  root.append(h('p', { class: 'error', role: 'alert' }, `Could not load this page: ${error.message}`));
});
