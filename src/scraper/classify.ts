// What a fetched page is, decided before any extraction: a product page (for the ASIN we
// asked for), a search page, or one of ASA's error cases. A robot check, Amazon's 404
// dog page or a delisted gallery shelf never reaches the extractor, so it can never
// become an observation.
import type { MarketplaceTld } from '../marketplaces.js';
import { scrapeError, type ScrapeError } from './errors.js';
import { jsonStringAfter } from './html/json-scan.js';
import { loadPage, type Page } from './html/page.js';

export interface ClassifyContext {
  readonly tld: MarketplaceTld;
  /** The ASIN that was asked for; a product page for another ASIN is `asin_mismatch`. */
  readonly expectedAsin?: string | null;
  /** HTTP status of the response, when fetched. */
  readonly status?: number | null;
}

export type PageClass =
  | { readonly kind: 'product'; readonly asin: string | null }
  | { readonly kind: 'search' }
  | { readonly kind: 'error'; readonly error: ScrapeError };

const DP_PATH = /\/(?:dp|gp\/product)\/([A-Z0-9]{10})(?:[/?#]|$)/;

/** The ASIN the page is about: the add-to-cart form's, else the canonical link's. */
export function pageAsinOf(page: Page): string | null {
  const input = page.byId('ASIN')?.attribs.value;
  if (input && /^[A-Z0-9]{10}$/.test(input)) return input;
  const canonical = page.canonicalUrl ? DP_PATH.exec(page.canonicalUrl)?.[1] : undefined;
  if (canonical) return canonical;
  const csa = page.byId('title_feature_div')?.attribs['data-csa-c-asin'] ?? page.byId('dp')?.attribs['data-csa-c-asin'];
  if (csa && /^[A-Z0-9]{10}$/.test(csa)) return csa;
  return jsonStringAfter(page.html, 'currentAsin') ?? null;
}

/**
 * Amazon's robot check, recognised by its own markers only: the /errors/validateCaptcha form,
 * its characters field, the captcha image, its instruction. Never by what the page lacks: a
 * mobile or older layout without the desktop elements is still a product page.
 */
function isRobotCheck(page: Page): boolean {
  if (page.formActions.some((action) => action.includes('validateCaptcha'))) return true;
  if (page.byId('captchacharacters')) return true;
  return CAPTCHA_MARKERS.test(page.html);
}

/** The captcha image (`…/captcha/<set>/Captcha_<id>.jpg`) and the instruction above the field. */
const CAPTCHA_MARKERS = /\/captcha\/[a-z0-9]+\/Captcha_[a-z0-9]+\.(?:jpg|png|gif)|Type the characters you see in this image|Enter the characters you see below/i;

/** Amazon's "dogs of Amazon" error pages: cs_404 (no such page) and cs_503 (throttled). */
function dogPage(page: Page): 'not_found' | 'blocked' | null {
  const { html } = page;
  if (html.length > 120_000) return null;
  if (/ref=cs_503|something went wrong on our end/i.test(html)) return 'blocked';
  if (/ref=cs_404|\/error\/[^"']*_TTD_\.(?:png|jpg)|dogs of amazon|page not found/i.test(html)) return 'not_found';
  return null;
}

/**
 * Amazon's sign-in page, by its own form: a form posting to /ap/signin with the email or
 * password field. The action alone is no sign: the mobile layout's "Add to Wish List" form
 * posts to /ap/signin too when nobody is signed in.
 */
function isSignIn(page: Page): boolean {
  if (!page.formActions.some((action) => /\/ap\/signin/.test(action))) return false;
  return SIGN_IN_FIELDS.some((id) => page.byId(id) !== undefined) && !isProductPage(page);
}

/** The sign-in form's fields: email (first step), password (second step), the submit button. */
const SIGN_IN_FIELDS = ['ap_email', 'ap_password', 'signInSubmit'] as const;

/** Desktop layouts have #productTitle/#dp/#ppd; the mobile layout has a #title on a page that names its ASIN. */
function isProductPage(page: Page): boolean {
  if (page.byId('productTitle') !== undefined || page.byId('dp') !== undefined || page.byId('ppd') !== undefined) return true;
  return page.byId('title') !== undefined && pageAsinOf(page) !== null;
}

/** Classifies an already loaded page. */
export function classifyLoaded(page: Page, context: ClassifyContext): PageClass {
  const status = context.status ?? 200;
  const expected = context.expectedAsin ?? null;
  const fail = (code: Parameters<typeof scrapeError>[0], message: string): PageClass => ({ kind: 'error', error: scrapeError(code, message) });

  if (isRobotCheck(page)) return fail('blocked_by_amazon', 'Amazon served a robot check (captcha)');
  const dog = dogPage(page);
  if (status === 404 || status === 410 || dog === 'not_found') return fail('not_found', `Amazon has no page for ${expected ?? 'this URL'} (404)`);
  if (status === 503 || status === 403 || dog === 'blocked') {
    return fail('blocked_by_amazon', `Amazon answered ${dog === 'blocked' ? 'its 503 error page' : `HTTP ${status}`}`);
  }
  if (status === 429) return fail('rate_limited', 'Amazon answered 429 Too Many Requests');
  if (status >= 500) return fail('target_unreachable', `Amazon answered HTTP ${status}`);
  if (status >= 400) return fail('extraction_failed', `Amazon answered HTTP ${status}`);
  if (isSignIn(page)) return fail('blocked_by_amazon', 'Amazon redirected to its sign-in page');

  if (isProductPage(page)) {
    const asin = pageAsinOf(page);
    if (expected && asin && asin !== expected) {
      return { kind: 'error', error: scrapeError('asin_mismatch', `asked for ${expected}, Amazon served ${asin}`, { servedAsin: asin }) };
    }
    return { kind: 'product', asin: asin ?? expected };
  }
  if (page.searchResults.length > 0) return { kind: 'search' };
  // A shelf of other products where the product should be: Amazon's placeholder for a delisted ASIN.
  const others = [...page.linkedAsins].filter((a) => a !== expected);
  if (others.length >= 4) return fail('generic_gallery_page', `Amazon served a gallery of ${others.length} other products instead of ${expected ?? 'a product'}`);
  return fail('extraction_failed', page.html.trim() === '' ? 'Amazon served an empty page' : 'the page is neither a product nor a search page');
}

/** Classifies raw HTML (loads it first). */
export function classifyPage(html: string, context: ClassifyContext): PageClass {
  return classifyLoaded(loadPage(html), context);
}
