// A stored product → what the graph renderer draws: its csv histories, title and the
// marketplace's money format.
import { domainForId } from '../keepa/domains.js';
import { csvIndexOf, type NumericPoint } from '../keepa/history-series.js';
import type { StoredProductParts } from '../keepa/product-object.js';
import type { KeepaMinute } from '../keepa/time.js';
import type { GraphInput } from './render-graph-svg.js';

export function graphInputOf(product: StoredProductParts, now: KeepaMinute): GraphInput {
  const csv = new Map<number, readonly NumericPoint[]>();
  for (const [name, points] of product.numeric) {
    const index = csvIndexOf(name);
    if (index !== undefined) csv.set(index, points);
  }
  const domain = domainForId(product.domainId);
  if (!domain) throw new RangeError(`unknown domain ${product.domainId}`);
  const title = typeof product.meta.title === 'string' ? product.meta.title : null;
  return { title, format: domain, now, csv };
}
