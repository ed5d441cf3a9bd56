// Reads the products out of a Keepa /product response as users save it: the envelope
// with `products`, a bare product object, or an array of products.
import { KeepaFormatError } from './history-series.js';
import { splitKeepaProduct, type StoredProductParts } from './product-object.js';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Validates every product first, so a bad file is rejected before anything is written. */
export function productsOfResponse(json: unknown): StoredProductParts[] {
  let products: unknown[];
  if (Array.isArray(json)) products = json;
  else if (isRecord(json) && Array.isArray(json.products)) products = json.products;
  else if (isRecord(json) && 'trackingNotificationCause' in json) {
    throw new KeepaFormatError('a Keepa tracking notification, not a /product response');
  } else if (isRecord(json) && 'asin' in json && 'domainId' in json && ('csv' in json || 'productType' in json)) {
    products = [json];
  }
  else if (isRecord(json) && json.products === null) products = [];
  else {
    throw new KeepaFormatError(
      'not a Keepa /product response: expected {"products": [...]}, a product object or an array of products',
    );
  }
  return products.map((product, index) => {
    try {
      return splitKeepaProduct(product);
    } catch (error) {
      throw new KeepaFormatError(`products[${index}]: ${(error as Error).message}`);
    }
  });
}
