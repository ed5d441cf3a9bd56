// Failed logins are limited per client address and in total, over a sliding window on
// the injected clock: guessing the password costs at least `window / perClient` per try.

export interface LoginLimits {
  readonly perClient: number;
  readonly total: number;
  readonly windowMs: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = { perClient: 5, total: 50, windowMs: 15 * 60_000 };

export class LoginLimiter {
  private readonly failures = new Map<string, number[]>();
  private all: number[] = [];

  constructor(
    private readonly clock: () => number,
    private readonly limits: LoginLimits = DEFAULT_LOGIN_LIMITS,
  ) {}

  private recent(times: readonly number[]): number[] {
    const since = this.clock() - this.limits.windowMs;
    return times.filter((t) => t > since);
  }

  /** 0 when a login from `client` may be tried now, else the ms until one may. */
  retryAfterMs(client: string): number {
    const mine = this.recent(this.failures.get(client) ?? []);
    this.all = this.recent(this.all);
    const wait = (times: readonly number[], limit: number) =>
      times.length < limit ? 0 : times[times.length - limit]! + this.limits.windowMs - this.clock();
    return Math.max(wait(mine, this.limits.perClient), wait(this.all, this.limits.total), 0);
  }

  fail(client: string): void {
    const mine = this.recent(this.failures.get(client) ?? []);
    mine.push(this.clock());
    this.failures.set(client, mine);
    this.all.push(this.clock());
  }

  succeed(client: string): void {
    this.failures.delete(client);
  }
}
