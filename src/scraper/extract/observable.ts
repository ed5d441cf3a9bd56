// Whether an extracted product page may become an observation. The tracker writes -1
// (out of stock) and "no coupon" from what a page does NOT show, so a page that lost part
// of itself would write false facts: a page whose price block was stripped would read as
// "no Amazon offer", a cut page as "no coupon". What may be recorded:
// - a complete page (it reaches </body> or </html>; every Amazon page ends with them, and a
//   page cut anywhere before its footer does not): a cut page records nothing and is
//   extraction_failed, tried again later, since the absence of anything on it means nothing;
// - a page that positively says the product is unavailable (its availability text, or
//   Amazon's out-of-stock block): its -1;
// - else a page with a price: an orderable buy box (add to cart, buy now, a seller, "in
//   stock") must show its price, or the price block is missing (extraction_failed); a page
//   without a buy box needs at least an offer price ("New from …", "Used from …"); a buy box
//   that sells only a used copy shows that price as the used price, and one whose price Amazon
//   shows only in the cart ("See price in cart") has none. A page with a title and nothing
//   else is not an observation.
import { scrapeError, type ScrapeError } from '../errors.js';
import type { Page } from '../html/page.js';
import type { ScrapedProduct } from '../types.js';
import { isUsedOnlyBuybox } from './product-buybox.js';
import { hasSeeAllBuyingOptions, isPriceInCart } from './product-prices.js';

/** The closing tags come last on every Amazon page (the last few KB, after the footer). */
const END_OF_PAGE = /<\/(?:body|html)\s*>/i;
const TAIL_CHARS = 200_000;

/** null for a page that reaches its end, else the extraction_failed a cut page is. */
export function cutOffReason(page: Page): ScrapeError | null {
  const { html } = page;
  if (END_OF_PAGE.test(html.length > TAIL_CHARS ? html.slice(-TAIL_CHARS) : html)) return null;
  return scrapeError('extraction_failed', `the page is cut off (${html.length} characters, no closing </body> or </html>)`);
}

function hasOrderableBuybox(page: Page, product: ScrapedProduct): boolean {
  return (
    page.byId('add-to-cart-button') !== undefined ||
    page.byId('buy-now-button') !== undefined ||
    product.featured_merchant !== null ||
    product.in_stock === true
  );
}

/** null when the product of a complete page may be recorded, else the extraction_failed it is. */
export function unobservableReason(page: Page, product: ScrapedProduct): ScrapeError | null {
  if (product.in_stock === false) return null;
  if (product.price_minor !== null || product.price_buybox_minor !== null) return null;
  if (product.used_price_minor !== null && isUsedOnlyBuybox(page)) return null;
  // "See price in cart": Amazon hides the buy box price on purpose; the rest of the page holds.
  if (isPriceInCart(page)) return null;
  // No seller won the buy box: Amazon puts its "See All Buying Options" button in its place.
  if (hasSeeAllBuyingOptions(page)) return null;
  if (hasOrderableBuybox(page, product)) {
    return scrapeError('extraction_failed', 'the buy box shows no price and the page does not say the product is unavailable (price block missing)');
  }
  if (product.new_price_minor !== null || product.used_price_minor !== null) return null;
  return scrapeError('extraction_failed', 'the product page shows no price, no offer and no availability');
}
