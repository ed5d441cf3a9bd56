// Change-only recording of scrape observations. A point is written only when its value
// differs from the value in force at the observation's minute, so repeating a scrape (or
// a whole batch) writes nothing. Each call is one transaction; the product row locks
// taken first serialise concurrent writers of the same product, so two workers feeding
// the same observations never write a point twice.
//
// The comparison runs inside the database, one statement per kind of series (numeric,
// text), so a call costs the same few round trips whether it carries one observation or
// thousands, and no series row travels to this process (see change-only-sql.ts).
import type { Transaction } from 'kysely';
import { isTextSeries, csvIndexOf, type NumericSeriesName, type TextSeriesName } from '../keepa/history-series.js';
import { isPriceType } from '../keepa/csv-type.js';
import type { Database } from './db-types.js';
import type { Store } from './database.js';
import { upsertProducts, type ProductRowInput } from './products.js';
import { createMissingSeries } from './series-rows.js';
import { recordNumericChanges, recordTextChanges, type ChangeCounts, type NumericInput, type TextInput } from './change-only-sql.js';
import { StoreError } from './store-error.js';
import { markSummariesStale } from './summary-refresh.js';
import { raiseAlerts, type WrittenPoint } from './alert-events.js';

export interface Observation {
  readonly domainId: number;
  readonly asin: string;
  /** Keepa minute of the scrape. */
  readonly at: number;
  readonly numeric: ReadonlyArray<{ name: NumericSeriesName; value: number; second?: number | null }>;
  readonly text?: ReadonlyArray<{ name: TextSeriesName; values: readonly string[] }>;
  /** Product fields observed (title, brand, images, categories…), merged into the stored ones. */
  readonly meta?: Record<string, unknown>;
}

export interface RecordResult {
  readonly observations: number;
  readonly pointsWritten: number;
  /** Notifications the written changes raised (same transaction). */
  readonly notifications: number;
}

const INT32_MIN = -2_147_483_648;
const INT32_MAX = 2_147_483_647;

function validate(o: Observation): void {
  const bad = (why: string) => new StoreError('invalid_observation', `${o.asin}@${o.at}: ${why}`);
  const isInt32 = (n: number) => Number.isInteger(n) && n >= INT32_MIN && n <= INT32_MAX;
  if (!isInt32(o.at)) throw bad('time must be an integer Keepa minute');
  for (const p of o.numeric) {
    if (!isInt32(p.value) || (p.second != null && !isInt32(p.second))) {
      throw bad(`${p.name} value must be an integer (minor units), got ${p.value}`);
    }
  }
  for (const p of o.text ?? []) {
    if (!isTextSeries(p.name)) throw bad(`${p.name} is not a text history`);
  }
}

/** One product row per (domain, ASIN): the newest observation's title, every observation's meta merged. */
function productInputsOf(ordered: readonly Observation[]): ProductRowInput[] {
  const inputs = new Map<string, ProductRowInput>();
  for (const o of ordered) {
    const key = `${o.domainId}|${o.asin}`;
    const previous = inputs.get(key);
    inputs.set(key, {
      domainId: o.domainId,
      asin: o.asin,
      title: typeof o.meta?.title === 'string' ? o.meta.title : (previous?.title ?? null),
      trackingSince: previous?.trackingSince ?? o.at,
      lastUpdate: o.at,
      // lastUpdate lives in the row's column (authoritative on read), not in meta.
      meta: { ...previous?.meta, ...o.meta },
    });
  }
  return [...inputs.values()];
}

async function recordChanges(trx: Transaction<Database>, numeric: NumericInput, text: TextInput): Promise<ChangeCounts> {
  const a = await recordNumericChanges(trx, numeric, { collect: true });
  const b = await recordTextChanges(trx, text);
  return { written: a.written + b.written, unmatched: a.unmatched + b.unmatched, points: a.points };
}

export async function recordObservations(store: Store, observations: readonly Observation[]): Promise<RecordResult> {
  observations.forEach(validate);
  if (observations.length === 0) return { observations: 0, pointsWritten: 0, notifications: 0 };
  // Within a call, observations apply in time order (and the later of two at one minute wins).
  const ordered = [...observations].sort((a, b) => a.at - b.at);
  const result = await store.db.transaction().execute(async (trx: Transaction<Database>) => {
    const products = await upsertProducts(trx, productInputsOf(ordered));
    const productId = new Map(products.map((p) => [`${p.domainId}|${p.asin}`, p.id]));
    await markSummariesStale(trx, products.map((p) => p.id));

    const numeric: NumericInput = { productIds: [], names: [], ts: [], values: [], seconds: [], isPrice: [] };
    const text: TextInput = [];
    for (const o of ordered) {
      const pid = productId.get(`${o.domainId}|${o.asin}`)!;
      for (const p of o.numeric) {
        const csvIndex = csvIndexOf(p.name);
        numeric.productIds.push(pid);
        numeric.names.push(p.name);
        numeric.ts.push(o.at);
        numeric.values.push(p.value);
        numeric.seconds.push(p.second ?? null);
        numeric.isPrice.push(csvIndex !== undefined && isPriceType(csvIndex));
      }
      for (const p of o.text ?? []) text.push([pid, p.name, o.at, [...p.values]]);
    }
    // Series rows exist for all but a product's first scrapes: try without creating any,
    // create what was missing only when the statement says so, then run it again.
    let counts = await recordChanges(trx, numeric, text);
    const points: WrittenPoint[] = [...(counts.points ?? [])];
    if (counts.unmatched > 0) {
      await createMissingSeries(trx, [
        ...numeric.productIds.map((productId, i) => ({ productId, name: numeric.names[i]! })),
        ...text.map(([productId, name]) => ({ productId, name })),
      ]);
      const rerun = await recordChanges(trx, numeric, text);
      points.push(...(rerun.points ?? []));
      counts = { written: counts.written + rerun.written, unmatched: rerun.unmatched };
    }
    // The alerts of what was written commit with it, or not at all (alert-events.ts).
    const alerts = await raiseAlerts(trx, points);
    return { observations: ordered.length, pointsWritten: counts.written, notifications: alerts.notifications };
  });
  // This process's caches have dropped what was written before the caller reads.
  await store.changes.caughtUp();
  return result;
}
