// A seeded catalogue for discovery tests: products with known random histories (prices with
// out-of-stock gaps, sales ranks, ratings, review counts) and metadata, written through
// recordObservations (every value differs from the one before, so change-only storage keeps
// every point and the in-memory product equals the stored one).
import { afterAll, beforeAll } from 'vitest';
import { mulberry32, randomInt } from '../../bench/prng.js';
import type { TestDatabase, TestEngine } from './engines.js';
import type { NumericSeriesName } from '../../src/keepa/history-series.js';
import { MINUTES_PER_DAY } from '../../src/keepa/time.js';
import { recordObservations, type Observation, type Store } from '../../src/store/index.js';

export const SEED_NOW = 8_000_000;
export const WORDS = ['kettle', 'blender', 'toaster', 'grinder', 'mixer', 'steel', 'glass', 'compact', 'deluxe', 'portable'];
export const BRANDS = ['Acme', 'Globex', 'Initech', 'Umbrella', 'Hooli'];
export const GROUPS = ['Kitchen', 'Home', 'Beauty'];
export const ROOTS = [{ catId: 1055398, name: 'Home & Kitchen' }, { catId: 3760911, name: 'Beauty & Personal Care' }];
export const LEAVES = [
  { catId: 289913, name: 'Kettles', root: 0 }, { catId: 289914, name: 'Blenders', root: 0 },
  { catId: 11060451, name: 'Skin Care', root: 1 }, { catId: 11060711, name: 'Hair Care', root: 1 },
];

export interface SeededProduct {
  /** The product as /product would assemble it from the store. */
  readonly product: Record<string, any>;
  readonly observations: Observation[];
}

function history(random: () => number, start: number, points: number, make: (previous: number) => number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let t = start;
  let previous = -2;
  for (let i = 0; i < points; i++) {
    let v = make(previous);
    if (v === previous) v = previous === -1 ? 1000 : -1;
    out.push([t, v]);
    previous = v;
    // denser near now so that day and week windows see changes
    t += randomInt(random, 1, i > points - 6 ? 600 : 20 * MINUTES_PER_DAY);
  }
  return out.filter(([time]) => time <= SEED_NOW);
}

export function seedCatalogue(count: number, seed: number): SeededProduct[] {
  const random = mulberry32(seed);
  const products: SeededProduct[] = [];
  for (let i = 0; i < count; i++) {
    const asin = `S${String(i).padStart(9, '0')}`;
    const start = SEED_NOW - randomInt(random, 2 * MINUTES_PER_DAY, 420 * MINUTES_PER_DAY);
    const span = SEED_NOW - start;
    const n = randomInt(random, 2, 14);
    const price = (previous: number) => (random() < 0.12 ? -1 : previous > 0 && random() < 0.5 ? Math.max(100, previous + randomInt(random, -800, 300)) : randomInt(random, 500, 9000));
    const series: Record<number, Array<[number, number]>> = {
      0: random() < 0.8 ? history(random, start, n, price) : [],
      1: history(random, start + randomInt(random, 0, Math.floor(span / 2)), n, price),
      3: random() < 0.9 ? history(random, start, n + 4, (p) => (p > 0 && random() < 0.6 ? Math.max(1, p + randomInt(random, -20_000, 15_000)) : randomInt(random, 1, 300_000))) : [],
      16: random() < 0.7 ? history(random, start, 2, () => randomInt(random, 10, 50)) : [],
      17: random() < 0.7 ? history(random, start, 3, () => randomInt(random, 0, 5000)) : [],
    };
    const leaf = LEAVES[randomInt(random, 0, LEAVES.length - 1)]!;
    const root = ROOTS[leaf.root]!;
    const title = Array.from({ length: randomInt(random, 2, 4) }, () => WORDS[randomInt(random, 0, WORDS.length - 1)]).join(' ');
    const meta = {
      title: `${title} ${i}`,
      brand: BRANDS[randomInt(random, 0, BRANDS.length - 1)],
      productGroup: GROUPS[randomInt(random, 0, GROUPS.length - 1)],
      rootCategory: root.catId,
      categories: [leaf.catId],
      categoryTree: [root, { catId: leaf.catId, name: leaf.name }],
      productType: 0,
    };
    // Each point is one observation of its series at its minute.
    const byTime = new Map<number, Observation['numeric'][number][]>();
    for (const [type, points] of Object.entries(series)) {
      for (const [t, v] of points) byTime.set(t, [...(byTime.get(t) ?? []), { name: `csv:${type}` as NumericSeriesName, value: v }]);
    }
    const times = [...byTime.keys()].sort((a, b) => a - b);
    const observations: Observation[] = times.map((t, k) => ({
      domainId: 1, asin, at: t, numeric: byTime.get(t)!, ...(k === times.length - 1 && { meta }),
    }));
    const csv: Array<number[] | null> = new Array(36).fill(null);
    for (const [type, points] of Object.entries(series)) if (points.length > 0) csv[Number(type)] = points.flat();
    products.push({
      product: { ...meta, asin, domainId: 1, csv, trackingSince: times[0], lastUpdate: times[times.length - 1] },
      observations,
    });
  }
  return products.filter((p) => p.observations.length > 0);
}

export async function writeCatalogue(store: Store, products: readonly SeededProduct[]): Promise<void> {
  const all = products.flatMap((p) => p.observations);
  for (let i = 0; i < all.length; i += 5000) await recordObservations(store, all.slice(i, i + 5000));
}

/**
 * A fresh database of `engine`, seeded once before the suite's tests and shared by them
 * (read-only tests over one catalogue; useTestStore would empty it before each test).
 */
export function useSeededStore(engine: TestEngine, seed: (store: Store) => Promise<void>, timeoutMs: number): { readonly store: Store } {
  const handle = {} as { store: Store; database: TestDatabase };
  beforeAll(async () => {
    handle.database = await engine.create();
    handle.store = await handle.database.open();
    await seed(handle.store);
  }, timeoutMs);
  afterAll(async () => {
    await handle.store?.close();
    await handle.database?.drop();
  });
  return handle;
}
