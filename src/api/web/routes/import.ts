// POST /app/api/import: a Keepa JSON file's text, validated in full by the same code as
// `pricekeep import` (nothing is written unless every product in it is valid).
import type { FastifyInstance } from 'fastify';
import { KeepaFormatError } from '../../../keepa/history-series.js';
import { productsOfResponse } from '../../../keepa/response-file.js';
import { importKeepaProduct } from '../../../store/index.js';
import { WebError } from '../web-error.js';

/** Keepa answers of 100 products with full histories run to tens of MB. */
export const IMPORT_BODY_LIMIT = 64 * 1024 * 1024;

export async function importRoutes(app: FastifyInstance): Promise<void> {
  const { store } = app.pricekeep;
  app.post('/app/api/import', { bodyLimit: IMPORT_BODY_LIMIT }, async (request) => {
    let products;
    try {
      products = productsOfResponse(request.body);
    } catch (error) {
      if (error instanceof KeepaFormatError) throw new WebError('invalid_keepa_json', error.message);
      throw error;
    }
    const imported = [];
    for (const product of products) {
      const counts = await importKeepaProduct(store, product);
      imported.push({ domainId: product.domainId, asin: product.asin, pointsWritten: counts.inserted + counts.updated, unchanged: counts.unchanged });
    }
    return { products: imported };
  });
}
