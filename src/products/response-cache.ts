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
  /** Loads under way, by key: a request for a key being loaded waits for that load. */
  private readonly loading = new Map<string, Promise<Entry>>();
  private readonly loadQueue: Array<() => void> = [];
  private loadsRunning = 0;
  private bytes = 0;
  hits = 0;
  misses = 0;

  /**
   * `maxLoads`: product loads at a time. A load holds a product's decoded points until
   * its JSON is made (~2 MB for 15k points); with 100 requests each holding one while
   * their queries wait for the connection, the heap grew by ~200 MB. Loads beyond the
   * limit wait before reading anything; the database could not run them sooner anyway.
   */
  constructor(
    private readonly maxBytes = 64 * 1024 * 1024,
    private readonly maxLoads = 2,
  ) {}

  /** The answer to `query` as of `now`, from the cache where the product has not changed. */
  async answer(store: Store, query: ProductQuery, now: KeepaMinute): Promise<CachedAnswer> {
    const versions = await productVersions(store, query.domainId, query.asins);
    const { asins: _asins, ...rest } = query;
    const shape = `${now}|${JSON.stringify(rest)}`;
    const keys = query.asins.map((asin) => `${asin}|${versions.get(asin) ?? '-'}|${shape}`);
    const found: Array<Entry | Promise<Entry> | undefined> = keys.map((key) => this.take(key) ?? this.loading.get(key));
    const missing = query.asins.filter((_, i) => !found[i]);
    this.hits += query.asins.length - missing.length;
    this.misses += missing.length;
    if (missing.length > 0) {
      // Read after the versions: a write in between leaves newer data under the older
      // version's key, never older data under the newer one.
      const load = this.limited(async () => {
        const answer = await loadKeepaProducts(store, { ...query, asins: missing }, { now });
        let offer = 0;
        return answer.products.map((product, j): Entry => {
          const stored = versions.has(missing[j]!);
          return { json: JSON.stringify(product), offers: stored ? (answer.offerCounts[offer++] ?? 0) : -1 };
        });
      });
      missing.forEach((asin, j) => {
        const i = query.asins.indexOf(asin);
        const key = keys[i]!;
        const entry = load.then((entries) => entries[j]!);
        entry.catch(() => {}); // the request that started the load reports its failure
        found[i] = entry;
        this.loading.set(key, entry);
        void entry
          .then((loaded) => this.put(key, loaded), () => {})
          .finally(() => {
            if (this.loading.get(key) === entry) this.loading.delete(key);
          });
      });
    }
    const entries = await Promise.all(found as Array<Entry | Promise<Entry>>);
    return {
      productsJson: `[${entries.map((e) => e.json).join(',')}]`,
      offerCounts: entries.filter((e) => e.offers >= 0).map((e) => e.offers),
    };
  }

  /** Runs `load` once fewer than `maxLoads` others run (a finishing load hands its slot on). */
  private async limited<T>(load: () => Promise<T>): Promise<T> {
    if (this.loadsRunning >= this.maxLoads) await new Promise<void>((resolve) => this.loadQueue.push(resolve));
    else this.loadsRunning++;
    try {
      return await load();
    } finally {
      const next = this.loadQueue.shift();
      if (next) next();
      else this.loadsRunning--;
    }
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
  // Embedded: one connection, so two loads keep it busy; a server: one per pooled connection.
  if (!cache) caches.set(store, (cache = new ProductResponseCache(undefined, store.engine === 'embedded' ? 2 : Math.max(2, store.pool.options.max ?? 10))));
  return cache;
}
