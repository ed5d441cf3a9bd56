// Rotates through the configured proxies, skipping those that keep failing: after
// `failureThreshold` consecutive failures a proxy rests for a cooldown that doubles on each
// relapse (capped), and one success makes it healthy again. With no proxies configured
// every request goes direct (proxy null).

export interface ProxyStats {
  readonly proxy: string;
  readonly successes: number;
  readonly failures: number;
  readonly consecutiveFailures: number;
  /** Date.now() until which the proxy rests; 0 when healthy. */
  readonly coolingUntil: number;
}

interface ProxyState {
  successes: number;
  failures: number;
  consecutiveFailures: number;
  coolingUntil: number;
  cooldowns: number;
}

export interface ProxyPoolOptions {
  readonly failureThreshold?: number;
  readonly cooldownMs?: number;
  readonly maxCooldownMs?: number;
  readonly now?: () => number;
}

/** `http://user:secret@host:port` → `http://host:port`: credentials never reach logs or records. */
export function redactProxy(proxy: string): string {
  try {
    const url = new URL(proxy);
    return `${url.protocol}//${url.host}`;
  } catch {
    return proxy.replace(/\/\/[^@/]*@/, '//');
  }
}

export class ProxyPool {
  private readonly states = new Map<string, ProxyState>();
  private cursor = 0;
  private readonly failureThreshold: number;
  private readonly cooldownMs: number;
  private readonly maxCooldownMs: number;
  private readonly now: () => number;

  constructor(
    readonly proxies: readonly string[],
    options: ProxyPoolOptions = {},
  ) {
    this.failureThreshold = options.failureThreshold ?? 3;
    this.cooldownMs = options.cooldownMs ?? 60_000;
    this.maxCooldownMs = options.maxCooldownMs ?? 30 * 60_000;
    this.now = options.now ?? Date.now;
    for (const proxy of proxies) this.states.set(proxy, { successes: 0, failures: 0, consecutiveFailures: 0, coolingUntil: 0, cooldowns: 0 });
  }

  /**
   * The next proxy in rotation that is not resting, or the one that recovers soonest when
   * all are; `avoid` (the proxy that just failed) is skipped when another one is usable.
   */
  pick(avoid?: string | null): string | null {
    if (this.proxies.length === 0) return null;
    const now = this.now();
    const n = this.proxies.length;
    let fallback: string | null = null;
    for (let i = 0; i < n; i++) {
      const proxy = this.proxies[(this.cursor + i) % n];
      const state = this.states.get(proxy)!;
      if (state.coolingUntil > now) continue;
      if (proxy === avoid && n > 1) {
        fallback ??= proxy;
        continue;
      }
      this.cursor = (this.cursor + i + 1) % n;
      return proxy;
    }
    if (fallback) return fallback;
    return [...this.proxies].sort((a, b) => this.states.get(a)!.coolingUntil - this.states.get(b)!.coolingUntil)[0];
  }

  succeeded(proxy: string | null): void {
    const state = proxy === null ? undefined : this.states.get(proxy);
    if (!state) return;
    state.successes++;
    state.consecutiveFailures = 0;
    state.coolingUntil = 0;
    state.cooldowns = 0;
  }

  failed(proxy: string | null): void {
    const state = proxy === null ? undefined : this.states.get(proxy);
    if (!state) return;
    state.failures++;
    state.consecutiveFailures++;
    if (state.consecutiveFailures >= this.failureThreshold) {
      state.coolingUntil = this.now() + Math.min(this.maxCooldownMs, this.cooldownMs * 2 ** state.cooldowns);
      state.cooldowns++;
      state.consecutiveFailures = 0;
    }
  }

  stats(): ProxyStats[] {
    return this.proxies.map((proxy) => {
      const s = this.states.get(proxy)!;
      return { proxy: redactProxy(proxy), successes: s.successes, failures: s.failures, consecutiveFailures: s.consecutiveFailures, coolingUntil: s.coolingUntil };
    });
  }
}
