// Cache of serialised /product answers, one entry per product: keyed by the product's
// version (product-versions.ts), the request's parameters and the Keepa minute (stats and
// `days` depend on "now"). A write to the product changes its version, so the next request
// misses; entries of old versions and minutes age out of the LRU. Bounded in bytes (the
// JSON and, once an entry has been served gzipped, its deflate data too).
//
// The version look-up is itself skipped while the store's change feed is live: a version
// once read is trusted until a notification names the product (a write committed in any
// process), and nothing is trusted while the feed may miss notifications.
import type { KeepaMinute } from '../keepa/time.js';
import { productVersions, type Store } from '../store/index.js';
import { SplicePart } from './gzip-splice.js';
import { loadKeepaProducts, type ProductQuery } from './product-response.js';

interface Entry {
  /** The product object as JSON (UTF-8), deflated once on first gzip use. */
  readonly part: SplicePart;
  /** Stored offers it returns (charged per page of 10). */
  readonly offers: number;
}

export interface CachedAnswer {
  /** The product objects' JSON, in request order. */
  readonly products: readonly SplicePart[];
  readonly offerCounts: number[];
}

/** Versions of products read while the change feed was live, by `domain:asin` ('-': not stored). */
const MAX_KNOWN_VERSIONS = 100_000;

export class ProductResponseCache {
  private readonly entries = new Map<string, Entry>();
  /** Loads under way, by key: a request for a key being loaded waits for that load. */
  private readonly loading = new Map<string, Promise<Entry>>();
  private readonly loadQueue: Array<() => void> = [];
  private loadsRunning = 0;
  private bytes = 0;
  private readonly known = new Map<string, string>();
  /** Counts notifications: a version read across one is not trusted (it may predate the write). */
  private generation = 0;
  private trusting = false;
  hits = 0;
  misses = 0;
  /** Answers given without asking the database for versions. */
  versionSkips = 0;

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

  /** Follows `store`'s change feed; until told `live`, every answer asks for versions. */
  follow(store: Store): () => void {
    return store.changes.subscribe({
      changed: (payload) => this.changed(payload),
      live: () => this.forgetVersions(true),
      lost: () => this.forgetVersions(false),
    });
  }

  private changed(payload: string): void {
    if (!payload.startsWith('p ')) return;
    this.generation++;
    const body = payload.slice(2);
    if (body === '*') this.known.clear();
    else for (const product of body.split(',')) this.known.delete(product);
  }

  private forgetVersions(trusting: boolean): void {
    this.generation++;
    this.known.clear();
    this.trusting = trusting;
  }

  /** Versions of `asins`: remembered ones when all are, else read (and remembered if nothing changed meanwhile). */
  private async versionsOf(store: Store, domainId: number, asins: readonly string[]): Promise<Map<string, string>> {
    if (this.trusting) {
      const versions = new Map<string, string>();
      let all = true;
      for (const asin of asins) {
        const version = this.known.get(`${domainId}:${asin}`);
        if (version === undefined) {
          all = false;
          break;
        }
        if (version !== '-') versions.set(asin, version);
      }
      if (all) {
        this.versionSkips++;
        return versions;
      }
    }
    const generation = this.generation;
    const versions = await productVersions(store, domainId, asins);
    if (this.trusting && generation === this.generation) {
      if (this.known.size + asins.length > MAX_KNOWN_VERSIONS) this.known.clear();
      for (const asin of asins) this.known.set(`${domainId}:${asin}`, versions.get(asin) ?? '-');
    }
    return versions;
  }

  /** The answer to `query` as of `now`, from the cache where the product has not changed. */
  async answer(store: Store, query: ProductQuery, now: KeepaMinute): Promise<CachedAnswer> {
    const versions = await this.versionsOf(store, query.domainId, query.asins);
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
          const part = new SplicePart(Buffer.from(JSON.stringify(product)), (deflated, n) => this.grew(keys[query.asins.indexOf(missing[j]!)]!, deflated, n));
          return { part, offers: stored ? (answer.offerCounts[offer++] ?? 0) : -1 };
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
      products: entries.map((e) => e.part),
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

  /** Forgets every entry and version (benchmarks timing the uncached path). */
  clear(): void {
    this.generation++;
    this.known.clear();
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

  /** Bytes in the budget: the key, the JSON and its gzip copy once made (SplicePart.size). */
  get size(): number {
    return this.bytes;
  }

  private put(key: string, entry: Entry): void {
    const size = key.length + entry.part.size;
    if (size > this.maxBytes / 4) return; // one huge product must not flush everything
    const old = this.entries.get(key);
    if (old) this.bytes -= key.length + old.part.size;
    this.entries.set(key, entry);
    this.bytes += size;
    this.evict();
  }

  /** A cached part was deflated (first gzip answer): its deflate data counts from now on. */
  private grew(key: string, part: SplicePart, bytes: number): void {
    if (this.entries.get(key)?.part !== part) return; // not (or no longer) cached: put counts it
    this.bytes += bytes;
    this.evict();
  }

  private evict(): void {
    for (const [oldest, value] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(oldest);
      this.bytes -= oldest.length + value.part.size;
    }
  }
}

const caches = new WeakMap<Store, ProductResponseCache>();

/** The cache of answers read from `store` (one per open store, so per server). */
export function responseCacheOf(store: Store): ProductResponseCache {
  let cache = caches.get(store);
  // Embedded: one connection, so two loads keep it busy; a server: one per pooled connection.
  if (!cache) {
    caches.set(store, (cache = new ProductResponseCache(undefined, store.engine === 'embedded' ? 2 : Math.max(2, store.pool.options.max ?? 10))));
    cache.follow(store); // the feed ends with the store
  }
  return cache;
}
