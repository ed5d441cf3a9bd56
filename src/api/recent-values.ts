// A small memo for work repeated by identical requests (hashing a key, parsing a query
// string): a client polling one product sends the same URL again and again. Bounded by
// count; full, it starts over (no LRU bookkeeping on the hot path).
export class RecentValues<V> {
  private readonly values = new Map<string, V>();

  constructor(private readonly max = 1000) {}

  get(key: string, make: () => V): V {
    const found = this.values.get(key);
    if (found !== undefined) return found;
    const value = make(); // a throw memoises nothing
    if (this.values.size >= this.max) this.values.clear();
    this.values.set(key, value);
    return value;
  }
}
