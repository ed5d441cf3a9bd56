// POST /app/api/import: a Keepa JSON file's text, validated in full by the same code as
// `pricekeep import` (nothing is written unless every product in it is valid).
import type { FastifyInstance } from 'fastify';
import { KeepaFormatError } from '../../../keepa/history-series.js';
import { productsOfStream } from '../../../keepa/product-stream.js';
import type { StoredProductParts } from '../../../keepa/product-object.js';
import { importKeepaProduct } from '../../../store/index.js';
import { WebError } from '../web-error.js';

/** Keepa answers of 100 products with full histories run to tens of MB. */
export const IMPORT_BODY_LIMIT = 64 * 1024 * 1024;

async function* chunksOf(body: unknown): AsyncGenerator<Buffer> {
  if (Buffer.isBuffer(body)) yield body;
}

export async function importRoutes(app: FastifyInstance): Promise<void> {
  const { store } = app.pricekeep;
  // The file's bytes go to the CLI's streaming reader as they came: parsing them into an
  // object first (fastify's JSON parser) would hold the file twice and give a parse error
  // without the product it is in.
  app.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: IMPORT_BODY_LIMIT }, (_request, body, done) => done(null, body));
  app.post('/app/api/import', { bodyLimit: IMPORT_BODY_LIMIT }, async (request) => {
    const products: StoredProductParts[] = [];
    try {
      // The CLI's reader (src/keepa/product-stream.ts): the same checks, product by product.
      const rejected: string[] = [];
      for await (const item of productsOfStream(chunksOf(request.body))) {
        if (item.kind === 'rejected') rejected.push(item.message);
        else products.push(item.parts);
      }
      if (rejected.length > 0) throw new KeepaFormatError(rejected.slice(0, 5).join('; '));
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
