// Keepa products out of a /product response arriving as bytes (a file of any size): each
// product is parsed, validated and made storable on its own, so one bad product is
// reported with its index and the others go on.
import { KeepaFormatError } from './history-series.js';
import { ProductFramer } from './product-framer.js';
import { splitKeepaProduct, type StoredProductParts } from './product-object.js';
import { storableJson, storableString } from './storable-text.js';

export type ProductItem =
  | {
      readonly kind: 'product';
      readonly index: number;
      readonly parts: StoredProductParts;
      /** Strings whose NUL or lone surrogates were replaced by U+FFFD. */
      readonly cleaned: number;
    }
  | { readonly kind: 'rejected'; readonly index: number; readonly message: string };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `parts` with every string PostgreSQL cannot store replaced (see storable-text.ts). */
export function storableParts(parts: StoredProductParts): { parts: StoredProductParts; cleaned: number } {
  const cleaned = { count: 0 };
  const meta = storableJson(parts.meta, cleaned);
  let text = parts.text;
  for (const [name, points] of parts.text) {
    const fixed = points.map((p) => {
      const values = p.values.map(storableString);
      if (values.some((v, i) => v !== p.values[i])) {
        cleaned.count++;
        return { t: p.t, values };
      }
      return p;
    });
    if (fixed.some((p, i) => p !== points[i])) {
      if (text === parts.text) text = new Map(parts.text);
      text.set(name, fixed);
    }
  }
  if (cleaned.count === 0) return { parts, cleaned: 0 };
  return { parts: { ...parts, meta, text }, cleaned: cleaned.count };
}

/**
 * Whether a product's JSON text may hold what storableParts replaces: NUL and lone
 * surrogates can only arrive as \u escapes (JSON forbids raw control characters, and
 * decoded UTF-8 has no lone surrogates). Most products have none and skip the walk.
 */
const MAY_NEED_CLEANING = /\\u(?:0000|[dD][89a-fA-F])/;

function productItem(index: number, json: unknown, text?: string): ProductItem {
  try {
    const parts = splitKeepaProduct(json);
    if (text !== undefined && !MAY_NEED_CLEANING.test(text)) return { kind: 'product', index, parts, cleaned: 0 };
    return { kind: 'product', index, ...storableParts(parts) };
  } catch (error) {
    return { kind: 'rejected', index, message: `products[${index}]: ${(error as Error).message}` };
  }
}

/** What a document without a products array is: one product, none, or no Keepa response. */
function classifyRest(json: unknown): unknown[] {
  if (isRecord(json) && 'trackingNotificationCause' in json) {
    throw new KeepaFormatError('a Keepa tracking notification, not a /product response');
  }
  if (isRecord(json) && 'asin' in json && 'domainId' in json && ('csv' in json || 'productType' in json)) return [json];
  if (isRecord(json) && json.products === null) return [];
  throw new KeepaFormatError('not a Keepa /product response: expected {"products": [...]}, a product object or an array of products');
}

/**
 * Products of a /product response (the envelope, an array of products or one product
 * object), in file order, as the bytes arrive. Throws KeepaFormatError for what spoils
 * the whole document (not JSON, cut short, not a Keepa response) once the products
 * before the fault have been yielded.
 */
export async function* productsOfStream(chunks: AsyncIterable<Buffer>): AsyncGenerator<ProductItem> {
  const framer = new ProductFramer();
  let index = 0;
  for await (const chunk of chunks) {
    for (const text of framer.push(chunk)) {
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch (error) {
        yield { kind: 'rejected', index, message: `products[${index}]: not valid JSON: ${(error as Error).message}` };
        index++;
        continue;
      }
      yield productItem(index++, json, text);
    }
  }
  let rest: unknown;
  try {
    rest = JSON.parse(framer.rest());
  } catch (error) {
    const after = index > 0 ? ` (after ${index} product(s))` : '';
    throw new KeepaFormatError(`not valid JSON${after}: ${(error as Error).message}`);
  }
  if (framer.hasProductArray) return;
  for (const product of classifyRest(rest)) yield productItem(index++, product);
}
