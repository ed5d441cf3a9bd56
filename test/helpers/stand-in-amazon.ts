// A stand-in Amazon on loopback for the ASA API tests: product pages for any ASIN (a saved
// page with its ASIN swapped in), and, chosen by the ASIN, the failures of ASA's error
// table: a robot check, a 404 dog page, a gallery shelf, a redirect to another product,
// a 503 with Retry-After, and a page that never arrives (timeout). It counts requests per
// ASIN and the most in flight at once, overall and per ASIN; close() ends the timeout's hung request.
import { readFileSync } from 'node:fs';
import { SHARED_FIXTURES } from './fixtures.js';
import { listenLoopback } from './loopback-http.js';

const own = (file: string) => readFileSync(new URL(`../../fixtures/amazon/${file}`, import.meta.url), 'utf8');
const shared = (file: string) => readFileSync(`${SHARED_FIXTURES}amazon/${file}`, 'utf8');

/** ASINs that make the stand-in fail in one way each (any ASIN starting B0CAP is a robot check, B0NOTF a 404). */
export const FAILING_ASINS = {
  captcha: 'B0CAPTCHA1',
  notFound: 'B0NOTFOUND',
  gallery: 'B01DELIST0',
  redirect: 'B0REDIRECT',
  throttled: 'B0THROTTLE',
  timeout: 'B0TIMEOUT1',
  empty: 'B0EMPTYPG1',
  serverError: 'B0SERVER50',
} as const;

/** Where the redirect lands: a product page of another ASIN. */
export const REDIRECT_TARGET = 'B0OTHER001';

export interface StandInAmazon {
  readonly url: string;
  /** Requests per ASIN (product pages) and per search query. */
  readonly hits: Map<string, number>;
  readonly maxInFlight: () => number;
  /** The most requests for one ASIN in flight at the same moment, over all ASINs. */
  readonly maxInFlightPerAsin: () => number;
  /** The same, for each ASIN (or search) seen. */
  readonly maxInFlightByAsin: Map<string, number>;
  /** The query string of every search-page request, in order. */
  readonly searches: URLSearchParams[];
  close(): Promise<void>;
}

export interface StandInOptions {
  /** Delay before each product page (lets concurrent requests overlap). */
  readonly delayMs?: number;
}

export async function standInAmazon(options: StandInOptions = {}): Promise<StandInAmazon> {
  const com = shared('com_product_B07G2L3JMM.html');
  const jp = own('co-jp_product_B0JPTEST01.html');
  const pages = {
    captcha: shared('com_captcha_validate.html'),
    notFound: own('com_404_dog.html'),
    gallery: own('com_gallery_B01DELIST0.html'),
    search: shared('com_search_portable-charger.html'),
  };
  // ASINs starting B0JP get the small co.jp page (bulk tests), all others the amazon.com one.
  const productPage = (asin: string) => (asin.startsWith('B0JP') ? jp.replaceAll('B0JPTEST01', asin) : com.replaceAll('B07G2L3JMM', asin));
  const hits = new Map<string, number>();
  const searches: URLSearchParams[] = [];
  const inFlightPerAsin = new Map<string, number>();
  const maxByAsin = new Map<string, number>();
  let inFlight = 0;
  let maxInFlight = 0;
  let maxPerAsin = 0;
  const { url, close } = await listenLoopback(async (req, res) => {
    const requested = new URL(req.url ?? '/', 'http://amazon.test');
    const asin = /^\/dp\/([A-Z0-9]{10})/.exec(requested.pathname)?.[1];
    const key = asin ?? `search:${requested.searchParams.get('k') ?? ''}`;
    if (!asin) searches.push(requested.searchParams);
    hits.set(key, (hits.get(key) ?? 0) + 1);
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    const mine = (inFlightPerAsin.get(key) ?? 0) + 1;
    inFlightPerAsin.set(key, mine);
    maxPerAsin = Math.max(maxPerAsin, mine);
    maxByAsin.set(key, Math.max(maxByAsin.get(key) ?? 0, mine));
    res.on('close', () => {
      inFlight--;
      inFlightPerAsin.set(key, inFlightPerAsin.get(key)! - 1);
    });
    const html = (status: number, body: string, headers: Record<string, string> = {}) => {
      if (res.destroyed) return;
      res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', ...headers });
      res.end(body);
    };
    if (!asin) return html(200, pages.search);
    if (asin === FAILING_ASINS.timeout) return; // never answers; the socket is destroyed on close()
    if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
    // Prefixes, so that bulk tests can have many distinct failing ASINs.
    if (asin.startsWith('B0CAP')) return html(200, pages.captcha);
    if (asin.startsWith('B0NOTF')) return html(404, pages.notFound);
    switch (asin) {
      case FAILING_ASINS.gallery:
        return html(200, pages.gallery);
      case FAILING_ASINS.redirect:
        return html(301, '', { location: `/dp/${REDIRECT_TARGET}` });
      case FAILING_ASINS.throttled:
        return html(503, '<html><body>Service Unavailable</body></html>', { 'retry-after': '120' });
      case FAILING_ASINS.empty:
        return html(200, '');
      case FAILING_ASINS.serverError:
        return html(500, '<html><body>Internal Server Error</body></html>');
      default:
        return html(200, productPage(asin));
    }
  });
  return {
    url,
    hits,
    searches,
    maxInFlight: () => maxInFlight,
    maxInFlightPerAsin: () => maxPerAsin,
    maxInFlightByAsin: maxByAsin,
    close,
  };
}
