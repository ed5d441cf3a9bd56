// Cookie header parsing and Set-Cookie values for the dashboard's two cookies.

export const SESSION_COOKIE = 'pricekeep_session';
/** Double-submit token of the login form (before a session exists). */
export const LOGIN_COOKIE = 'pricekeep_login';

export function readCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    try {
      cookies.set(name, decodeURIComponent(part.slice(eq + 1).trim()));
    } catch {
      // a malformed value is no cookie
    }
  }
  return cookies;
}

/** HttpOnly (no script reads it), SameSite=Strict (no cross-site request sends it). */
export function cookieValue(name: string, value: string, options: { maxAgeSeconds: number; secure: boolean }): string {
  return [
    `${name}=${encodeURIComponent(value)}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Strict',
    `Max-Age=${options.maxAgeSeconds}`,
    ...(options.secure ? ['Secure'] : []),
  ].join('; ');
}
