// OpenAPI descriptions of the Keepa routes (served at /documentation). They document only:
// the routes read and validate their parameters themselves so that every rejection is
// Keepa's error object, never fastify's validation body.
import type { FastifySchemaCompiler } from 'fastify';

/** Route-level validator that accepts everything (validation happens in the handler). */
export const noValidation: FastifySchemaCompiler<unknown> = () => () => true;

const flag = (description: string) => ({ type: 'string', enum: ['0', '1'], description });

export const keyParameter = {
  key: { type: 'string', description: 'API key (64 characters), from `pricekeep keys create`.' },
};

export const productQuerySchema = {
  type: 'object',
  required: ['key', 'domain'],
  properties: {
    ...keyParameter,
    domain: { type: 'string', description: 'Keepa domain id: 1 com, 2 co.uk, 3 de, 4 fr, 5 co.jp, 6 ca, 8 it, 9 es, 10 in, 11 com.mx, 12 com.br; pricekeep extension ids 101–109.' },
    asin: { type: 'string', description: 'Up to 100 comma-separated ASINs (20 with offers). Either asin or code.' },
    code: { type: 'string', description: 'Up to 100 comma-separated EAN/UPC/ISBN-13 codes, looked up in stored eanList/upcList.' },
    'code-limit': { type: 'string', description: 'Most products returned per code.' },
    stats: { type: 'string', description: 'Days (e.g. 180), or START,END as YYYY-MM-DD dates or epoch ms: adds the stats object. Free.' },
    history: flag('0 leaves out csv and every other history (default 1).'),
    days: { type: 'string', description: 'Limit histories to the last N days (the value in force at the start is kept).' },
    update: { type: 'string', description: 'Hours: products older than this are scraped first when a scraper is configured; -1 never. Without it products are served as stored.' },
    offers: { type: 'string', description: '20–100: include stored marketplace offers (+6 tokens per page of 10 returned).' },
    'only-live-offers': flag('With offers: only the offers in liveOffersOrder.'),
    rating: flag('Include RATING/COUNT_REVIEWS csv and the reviews object (+1 token per product).'),
    buybox: flag('Include BUY_BOX_SHIPPING csv, buyBoxSellerIdHistory and buy box stats (+2 tokens per product).'),
    stock: flag('With offers: keep stockCSV.'),
    rental: flag('With offers: rental prices.'),
    videos: flag('Include videos.'),
    aplus: flag('Include A+ content.'),
    'historical-variations': flag('Include historicalVariations.'),
  },
} as const;

const envelopeProperties = {
  timestamp: { type: 'integer', description: 'Unix ms of the response.' },
  tokensLeft: { type: 'integer', description: 'Balance after this request; may be negative.' },
  refillIn: { type: 'integer', description: 'Ms until the next refill.' },
  refillRate: { type: 'integer', description: 'Tokens added per minute.' },
  tokenFlowReduction: { type: 'number' },
  tokensConsumed: { type: 'integer' },
  processingTimeInMs: { type: 'integer' },
  error: {
    type: 'object',
    properties: { type: { type: 'string' }, message: { type: 'string' }, details: { type: 'string', nullable: true } },
  },
} as const;

/** 200 and error bodies: the envelope, plus `extra` (an array of objects) on success. */
export function keepaResponseSchema(extra?: string) {
  const envelope = { type: 'object', properties: envelopeProperties };
  const ok = extra
    ? { type: 'object', properties: { ...envelopeProperties, [extra]: { type: 'array', items: { type: 'object', additionalProperties: true } } } }
    : envelope;
  return {
    200: { description: 'OK', ...ok },
    400: { description: 'Malformed request or invalid key (token fields zero for a bad key)', ...envelope },
    405: { description: 'A parameter is outside its allowed range', ...envelope },
    429: { description: 'Out of tokens (nothing charged)', ...envelope },
    500: { description: 'Internal error (nothing charged)', ...envelope },
  };
}
