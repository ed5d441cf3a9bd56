// The login form (only when the server requires one: any bind but loopback). A plain form
// POST, so it works before any script state exists; the CSRF token is the page's.
import { clear, h } from './dom.js';

export async function render(root) {
  const q = new URLSearchParams(location.search);
  const csrf = document.querySelector('meta[name="csrf-token"]')?.getAttribute('content') ?? '';
  clear(root).append(
    h('h1', {}, 'pricekeep'),
    q.get('error') ? h('p', { class: 'error', role: 'alert' }, q.get('error')) : null,
    h('form', { method: 'post', action: '/login', id: 'login', class: 'login' },
      h('input', { type: 'hidden', name: 'csrf', value: csrf }),
      h('input', { type: 'hidden', name: 'next', value: q.get('next') ?? '/' }),
      h('label', {}, 'Password ', h('input', { type: 'password', name: 'password', required: true, autocomplete: 'current-password', autofocus: true })),
      ' ', h('button', { type: 'submit' }, 'Sign in')),
  );
}
