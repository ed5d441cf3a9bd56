// The dashboard's JSON calls: same-origin fetches under /app/api/, every change carrying
// the page's CSRF token in a header (a cross-site page can neither read the token nor
// send the header without a CORS preflight, which the server never grants).

function csrfToken() {
  return document.querySelector('meta[name="csrf-token"]')?.getAttribute('content') ?? '';
}

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.error?.message ?? `HTTP ${status}`);
    this.status = status;
    this.code = body?.error?.code ?? null;
  }
}

async function call(method, path, body, contentType = 'application/json') {
  const headers = { accept: 'application/json' };
  if (method !== 'GET') headers['x-csrf-token'] = csrfToken();
  if (body !== undefined) headers['content-type'] = contentType;
  const response = await fetch(`/app/api${path}`, {
    method,
    headers,
    credentials: 'same-origin',
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  if (response.status === 401) {
    location.href = `/login?next=${encodeURIComponent(location.pathname + location.search)}`;
    throw new ApiError(401, null);
  }
  const text = await response.text();
  const json = text ? JSON.parse(text) : null;
  if (!response.ok) throw new ApiError(response.status, json);
  return json;
}

export const api = {
  get: (path) => call('GET', path),
  post: (path, body) => call('POST', path, body ?? {}),
  put: (path, body) => call('PUT', path, body ?? {}),
  delete: (path) => call('DELETE', path),
  /** A file's text sent as is (Keepa JSON upload). */
  upload: (path, text) => call('POST', path, text, 'application/json'),
};

let meta = null;

/** Marketplaces, "now", auth state; fetched once per page. */
export async function loadMeta() {
  meta ??= await api.get('/meta');
  return meta;
}

/** The money format of a domain id (currency, digits, separators). */
export function formatOf(domainId) {
  return meta?.marketplaces.find((m) => m.domainId === domainId) ?? null;
}
