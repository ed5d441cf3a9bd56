// Sessions: the identity a request goes out as, a proxy (or the direct connection) with
// the cookies Amazon gave that identity. They live and die together (crawlee's session
// pool): cookies earned through one IP are never replayed through another, and when a
// failure is the session's fault (the catalogue's `sessionAtFault`: a block, throttling,
// a dead or slow proxy) the session is retired whole: its proxy counts a failure (and
// rests after repeated ones) and its cookies are thrown away, so the next request
// through that proxy starts a fresh session.
import type { ScrapeError } from '../errors.js';
import { CookieJar } from './cookie-jar.js';
import type { ProxyPool } from './proxy-pool.js';

export interface Session {
  /** Increases with every new session; tells a fresh session from a retired one. */
  readonly id: number;
  /** Proxy URL (with credentials) or null for a direct connection. */
  readonly proxy: string | null;
  readonly cookies: CookieJar;
}

export class SessionPool {
  private readonly live = new Map<string, Session>();
  private nextId = 1;

  constructor(private readonly proxies: ProxyPool) {}

  /** A session for the next request; `avoid` (the one that just failed) is skipped when possible. */
  pick(avoid: Session | null = null): Session {
    const proxy = this.proxies.pick(avoid?.proxy ?? null);
    const key = proxy ?? '';
    let session = this.live.get(key);
    if (!session) this.live.set(key, (session = { id: this.nextId++, proxy, cookies: new CookieJar() }));
    return session;
  }

  succeeded(session: Session): void {
    this.proxies.succeeded(session.proxy);
  }

  /** Records a failed request; retires the session when the error says it is at fault. */
  failed(session: Session, error: ScrapeError): void {
    if (!error.sessionAtFault) return;
    this.proxies.failed(session.proxy);
    const key = session.proxy ?? '';
    if (this.live.get(key) === session) this.live.delete(key);
  }
}
