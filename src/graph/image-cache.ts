// Drawn /graphimage PNGs, kept like Keepa keeps them: per user (API key) for 90 minutes,
// and only while the product is unchanged (its version is part of the key). A hit costs no
// token. Bounded: the oldest entries go first.

export const GRAPH_CACHE_TTL_MS = 90 * 60_000;

interface Entry {
  readonly png: Buffer;
  readonly expires: number;
}

export class GraphImageCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly clock: () => number,
    private readonly maxEntries = 1000,
    private readonly ttlMs = GRAPH_CACHE_TTL_MS,
  ) {}

  static key(user: string, domainId: number, asin: string, version: string, params: string): string {
    return JSON.stringify([user, domainId, asin, version, params]);
  }

  get(key: string): Buffer | null {
    const entry = this.entries.get(key);
    if (!entry) return null;
    if (entry.expires <= this.clock()) {
      this.entries.delete(key);
      return null;
    }
    return entry.png;
  }

  set(key: string, png: Buffer): void {
    this.entries.delete(key);
    this.entries.set(key, { png, expires: this.clock() + this.ttlMs });
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }
}
