// Reads the shared real-world fixtures (CI has shared/ beside the repo, as developers do).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const SHARED_FIXTURES = fileURLToPath(new URL('../../../shared/fixtures/', import.meta.url));

export const KEEPA_FULL = 'product_B0D8W1YVBX_us_stats180_buybox_rating.json';
export const KEEPA_LATER = 'product_B0D8W1YVBX_us_empty_stats_interval_aplus.json';

export function keepaFixture(name: string): { products: Array<Record<string, any>>; [key: string]: any } {
  return JSON.parse(readFileSync(`${SHARED_FIXTURES}keepa/${name}`, 'utf8'));
}

/** The product as Keepa sent it, minus `stats` (computed on request, never stored). */
export function storedFieldsOf(product: Record<string, any>): Record<string, any> {
  const { stats: _stats, ...rest } = product;
  return rest;
}
