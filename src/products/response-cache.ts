// Cache of serialised /product answers, one entry per product: keyed by the product's
// version (product-versions.ts), the request's parameters and the Keepa minute (stats and
// `days` depend on "now"). A write to the product changes its version, so the next request
// misses; entries of old versions and minutes age out of the LRU. Bounded in bytes.
import type { KeepaMinute } from '../keepa/time.js';
import { productVersions, type Store } from '../store/index.js';
import { loadKeepaProducts, type ProductQuery } from './product-response.js';

interface Entry {
  /** The product object as JSON. */
  readonly json: string;
  /** Stored offers it returns (charged per page of 10). */
  readonly offers: number;
}

export interface CachedAnswer {
  /** The JSON array of the product objects, in request order. */
  readonly productsJson: string;
  readonly offerCounts: number[];
}

export class ProductResponseCache {
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;
  hits = 0;
  misses = 0;

  constructor(private readonly maxBytes = 64 * 1024 * 1024) {}

  /** The answer to `query` as of `now`, from the cache where the product has not changed. */
  async answer(store: Store, query: ProductQuery, now: KeepaMinute): Promise<CachedAnswer> {
    const versions = await productVersions(store, query.domainId, query.asins);
    const { asins: _asins, ...rest } = query;
    const shape = `${now}|${JSON.stringify(rest)}`;
    const keys = query.asins.map((asin) => `${asin}|${versions.get(asin) ?? '-'}|${shape}`);
    const found: Array<Entry | undefined> = keys.map((key) => this.take(key));
    const missing = query.asins.filter((_, i) => !found[i]);
    this.hits += query.asins.length - missing.length;
    this.misses += missing.length;
    if (missing.length > 0) {
      // Read after the versions: a write in between leaves newer data under the older
      // version's key, never older data under the newer one.
      const answer = await loadKeepaProducts(store, { ...query, asins: missing }, { now });
      let offer = 0;
      answer.products.forEach((product, j) => {
        const stored = versions.has(missing[j]!);
        const entry = { json: JSON.stringify(product), offers: stored ? (answer.offerCounts[offer++] ?? 0) : -1 };
        const i = query.asins.indexOf(missing[j]!);
        found[i] = entry;
        this.put(keys[i]!, entry);
      });
    }
    const entries = found as Entry[];
    return {
      productsJson: `[${entries.map((e) => e.json).join(',')}]`,
      offerCounts: entries.filter((e) => e.offers >= 0).map((e) => e.offers),
    };
  }

  /** Forgets every entry (benchmarks timing the uncached path). */
  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }

  private take(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry) {
      // most recently used last
      this.entries.delete(key);
      this.entries.set(key, entry);
    }
    return entry;
  }

  private put(key: string, entry: Entry): void {
    const size = key.length + entry.json.length;
    if (size > this.maxBytes / 4) return; // one huge product must not flush everything
    const old = this.entries.get(key);
    if (old) this.bytes -= key.length + old.json.length;
    this.entries.set(key, entry);
    this.bytes += size;
    for (const [oldest, value] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(oldest);
      this.bytes -= oldest.length + value.json.length;
    }
  }
}

const caches = new WeakMap<Store, ProductResponseCache>();

/** The cache of answers read from `store` (one per open store, so per server). */
export function responseCacheOf(store: Store): ProductResponseCache {
  let cache = caches.get(store);
  if (!cache) caches.set(store, (cache = new ProductResponseCache()));
  return cache;
}
