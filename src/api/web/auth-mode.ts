// When the dashboard asks for a login: always when bound to anything but a loopback
// address (0.0.0.0, a LAN address, a public one), never on loopback in `auto` mode.
// PRICEKEEP_WEB_AUTH=required forces the login on loopback too (behind a reverse proxy on
// the same host, where every request comes from 127.0.0.1; the browser tests use it).

export type WebAuthMode = 'auto' | 'required';

export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  const v4 = h.startsWith('::ffff:') ? h.slice(7) : h;
  return /^127(\.\d{1,3}){3}$/.test(v4);
}

/** `boundHost`: the address the server listens on (not the one a request came from). */
export function loginRequired(mode: WebAuthMode, boundHost: string): boolean {
  return mode === 'required' || !isLoopbackHost(boundHost);
}
