// Import of Keepa product objects: history, not observation. Every point Keepa sent is
// kept exactly as sent (repeated values included), merged by time with what is stored;
// importing the same product again changes nothing. One transaction per product.
import { sql } from 'kysely';
import type { StoredProductParts } from '../keepa/product-object.js';
import type { Store } from './database.js';
import { addProductCodes, touchPriceChange, upsertProducts } from './products.js';
import { productSeriesIds, refreshSeriesTails } from './series-rows.js';

export interface ImportCounts {
  /** Points that were not stored before. */
  readonly inserted: number;
  /** Points stored before with another value at the same minute (now Keepa's value). */
  readonly updated: number;
  /** Points already stored exactly so. */
  readonly unchanged: number;
  readonly series: number;
}

function asNumber(value: unknown): number | null {
  return typeof value === 'number' && Number.isInteger(value) ? value : null;
}

function codesOf(meta: Record<string, unknown>): string[] {
  const codes: string[] = [];
  for (const key of ['eanList', 'upcList', 'gtinList']) {
    const list = meta[key];
    if (Array.isArray(list)) codes.push(...list.filter((c): c is string => typeof c === 'string'));
  }
  return codes;
}

export async function importKeepaProduct(store: Store, parts: StoredProductParts): Promise<ImportCounts> {
  return store.db.transaction().execute(async (trx) => {
    const [product] = await upsertProducts(trx, [
      {
        domainId: parts.domainId,
        asin: parts.asin,
        title: typeof parts.meta.title === 'string' ? parts.meta.title : null,
        trackingSince: asNumber(parts.meta.trackingSince),
        lastUpdate: asNumber(parts.meta.lastUpdate),
        meta: parts.meta,
      },
    ]);
    const productId = product!.id;
    await addProductCodes(trx, productId, parts.domainId, codesOf(parts.meta));
    const lastPriceChange = asNumber(parts.meta.lastPriceChange);
    if (lastPriceChange !== null) await touchPriceChange(trx, new Map([[productId, lastPriceChange]]));

    const names = [...parts.numeric.keys(), ...parts.text.keys()];
    const series = await productSeriesIds(trx, productId, names);
    const idOf = (name: string) => series.get(name)!;

    const ids: number[] = [];
    const ts: number[] = [];
    const values: number[] = [];
    const seconds: Array<number | null> = [];
    for (const [name, points] of parts.numeric) {
      const id = idOf(name);
      for (const p of points) {
        ids.push(id);
        ts.push(p.t);
        values.push(p.value);
        seconds.push(p.second);
      }
    }
    let inserted = 0;
    let updated = 0;
    if (ids.length > 0) {
      const { rows } = await sql<{ inserted: boolean }>`
        INSERT INTO points AS p (series_id, t, value, second)
        SELECT * FROM unnest(${ids}::int[], ${ts}::int[], ${values}::int[], ${seconds}::int[])
        ON CONFLICT (series_id, t) DO UPDATE SET value = EXCLUDED.value, second = EXCLUDED.second
          WHERE (p.value, p.second) IS DISTINCT FROM (EXCLUDED.value, EXCLUDED.second)
        RETURNING (xmax = 0) AS inserted`.execute(trx);
      for (const row of rows) row.inserted ? inserted++ : updated++;
    }

    const textEntries: Array<[number, number, string[]]> = [];
    for (const [name, points] of parts.text) {
      const id = idOf(name);
      for (const p of points) textEntries.push([id, p.t, [...p.values]]);
    }
    if (textEntries.length > 0) {
      const { rows } = await sql<{ inserted: boolean }>`
        INSERT INTO text_points AS p (series_id, t, vals)
        SELECT (e->>0)::int, (e->>1)::int, ARRAY(SELECT jsonb_array_elements_text(e->2))
        FROM jsonb_array_elements(${JSON.stringify(textEntries)}::jsonb) AS e
        ON CONFLICT (series_id, t) DO UPDATE SET vals = EXCLUDED.vals WHERE p.vals IS DISTINCT FROM EXCLUDED.vals
        RETURNING (xmax = 0) AS inserted`.execute(trx);
      for (const row of rows) row.inserted ? inserted++ : updated++;
    }

    await refreshSeriesTails(trx, [...series.values()]);
    const total = ids.length + textEntries.length;
    return { inserted, updated, unchanged: total - inserted - updated, series: series.size };
  });
}
