// Session cookies per host (session-id, i18n-prefs, …): Amazon treats a client that drops
// every cookie as a bot. Deliberately small: name=value per host, Max-Age=0 deletes, no
// path or expiry bookkeeping (sessions are short-lived and per process).

export class CookieJar {
  private readonly hosts = new Map<string, Map<string, string>>();

  store(host: string, setCookie: string | string[] | undefined): void {
    if (!setCookie) return;
    const list = Array.isArray(setCookie) ? setCookie : [setCookie];
    let cookies = this.hosts.get(host);
    for (const line of list) {
      const [pair, ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      cookies ??= new Map();
      const expired = attributes.some((a) => /^\s*max-age\s*=\s*0\s*$/i.test(a)) || value === '';
      if (expired) cookies.delete(name);
      else cookies.set(name, value);
    }
    if (cookies) this.hosts.set(host, cookies);
  }

  header(host: string): string | undefined {
    const cookies = this.hosts.get(host);
    if (!cookies || cookies.size === 0) return undefined;
    return [...cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}
