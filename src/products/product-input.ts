// What a person pastes into "add product": an ASIN, or any Amazon product URL of the 20
// marketplaces, from which the marketplace and the ASIN are read. The URL is never
// fetched (the scraper builds its own from the marketplace and ASIN), so a pasted URL
// cannot make the server request anything else.
import { MARKETPLACES, type MarketplaceTld } from '../marketplaces.js';

export interface ProductInput {
  /** null: a bare ASIN, the marketplace comes from elsewhere. */
  readonly tld: MarketplaceTld | null;
  readonly asin: string;
}

export class ProductInputError extends Error {
  override readonly name = 'ProductInputError';
}

const ASIN = /^[0-9A-Z]{10}$/;
// /dp/ASIN, /gp/product/ASIN, /gp/aw/d/ASIN (mobile), /exec/obidos/ASIN/ASIN,
// /o/ASIN/ASIN, /product/ASIN (old links), each possibly after a slug or a /-/de/ locale.
const PATH_ASIN = /\/(?:dp|gp\/product|gp\/aw\/d|exec\/obidos\/asin|o\/asin|gp\/offer-listing|product-reviews)\/([0-9A-Za-z]{10})(?=[/?#]|$)/i;

function tldOfHost(host: string): MarketplaceTld | null {
  const match = /^(?:(?:www|smile|m)\.)?amazon\.([a-z.]+)$/.exec(host.toLowerCase());
  if (!match) return null;
  const tld = match[1] as MarketplaceTld;
  return MARKETPLACES.has(tld) ? tld : null;
}

export function parseProductInput(raw: string): ProductInput {
  const text = raw.trim();
  if (ASIN.test(text.toUpperCase()) && !text.includes('.')) return { tld: null, asin: text.toUpperCase() };
  let url: URL;
  try {
    url = new URL(/^https?:\/\//i.test(text) ? text : `https://${text}`);
  } catch {
    throw new ProductInputError('enter an ASIN (10 letters and digits) or an Amazon product URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ProductInputError('an Amazon product URL starts with https://');
  const tld = tldOfHost(url.hostname);
  if (!tld) throw new ProductInputError(`${url.hostname} is not one of the 20 Amazon marketplaces`);
  const match = PATH_ASIN.exec(decodeURIComponent(url.pathname));
  const asin = match?.[1]?.toUpperCase() ?? url.searchParams.get('asin')?.toUpperCase();
  if (!asin || !ASIN.test(asin)) throw new ProductInputError('no ASIN found in this URL (expected …/dp/<ASIN>)');
  return { tld, asin };
}
