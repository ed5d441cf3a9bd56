// Keepa JSON upload: a /product answer or product objects, checked by the same code as
// `pricekeep import` on the server.
import { api } from './api.js';
import { clear, h } from './dom.js';

export async function render(root) {
  const file = h('input', { type: 'file', name: 'file', accept: '.json,application/json', required: true, 'aria-label': 'Keepa JSON file' });
  const result = h('div', { id: 'import-result', role: 'status' });
  clear(root).append(
    h('h1', {}, 'Import Keepa JSON'),
    h('p', {}, 'A saved Keepa /product answer (or an array of product objects). Histories are merged change-only; imports never fire alerts.'),
    h('form', {
      id: 'import-form',
      onsubmit: async (event) => {
        event.preventDefault();
        clear(result);
        const chosen = file.files?.[0];
        if (!chosen) return;
        try {
          const answer = await api.upload('/import', await chosen.text());
          result.append(h('p', { class: 'ok' }, `Imported ${answer.products.length} product${answer.products.length === 1 ? '' : 's'}: `),
            h('ul', {}, ...answer.products.map((p) => h('li', {}, h('a', { href: `/product/${p.domainId}/${p.asin}` }, p.asin), ` — ${p.pointsWritten} points written`))));
        } catch (error) {
          result.append(h('p', { class: 'error' }, `Not imported: ${error.message}`));
        }
      },
    }, file, ' ', h('button', { type: 'submit' }, 'Import')),
    result,
  );
}
