// The prices of a product page: the price to pay, the buy box price, the struck list
// price, the offer-listing summary ("New (10) from $12.48", "Used (3) from …") and the
// used buy box offer ("Buy used £4.45").
import type { Element } from 'domhandler';
import type { Page } from '../html/page.js';
import type { ParsedPrice } from '../locale/price.js';
import { parsePrice } from '../locale/price.js';
import { NEW_AND_USED_OFFERS, NEW_OFFERS, NOT_LIST_PRICE, USED_OFFERS } from '../locale/phrases.js';
import { textOf } from '../html/text.js';
import type { ExtractContext } from './context.js';
import { closest, findAll, firstById } from './dom.js';
import { aPriceValue, firstPayPrice, priceIn } from './price-elements.js';

/** Containers of the price block, newest layout first. */
const CORE_PRICE_IDS = ['corePriceDisplay_desktop_feature_div', 'corePrice_desktop', 'corePrice_feature_div', 'apex_desktop'];

/** Older layouts print the price as text in one of these. */
const LEGACY_PRICE_IDS = ['priceblock_dealprice', 'priceblock_saleprice', 'priceblock_ourprice', 'price_inside_buybox', 'newBuyBoxPrice', 'kindle-price'];

const BUYBOX_PRICE_IDS = ['price_inside_buybox', 'newBuyBoxPrice', 'tp_price_block_total_price_ww'];

/** The older accordion buy box (books, 2017): "Buy New £13.53" heads the new offer's row. */
const BUY_NEW_ROW_IDS = ['buyNewSection'];

/** Blocks that strike the list price as text: the older #price table, the mobile headline price. */
const LEGACY_LIST_PRICE_IDS = ['price', 'newPitchPriceWrapper_feature_div'];

/** Rows of the used offer in the buy box: the accordion row, or the whole box when only used is sold. */
const USED_OFFER_IDS = ['usedBuySection', 'usedAccordionRow', 'usedOnlyBuybox'];

/** The price to pay, as the page headlines it. */
export function mainPrice(ctx: ExtractContext): ParsedPrice | null {
  const { page } = ctx;
  for (const id of CORE_PRICE_IDS) {
    const root = page.byId(id);
    if (!root) continue;
    // "priceToPay"/"apexPriceToPay" mark the headline price; savings and unit prices are other .a-price.
    const value = firstPayPrice(ctx, root, '.priceToPay, .apexPriceToPay, .apex-pricetopay-value');
    if (value) return value;
  }
  for (const id of LEGACY_PRICE_IDS) {
    const value = priceIn(ctx, page.byId(id));
    if (value) return value;
  }
  for (const id of BUY_NEW_ROW_IDS) {
    const value = firstOfferPrice(ctx, page.byId(id));
    if (value) return value;
  }
  // A Kindle book: "Kindle Price: $25.00" (#kindle-price on desktop, a .kindle-price row on mobile).
  const kindle = priceIn(ctx, findAll(page, page.byId('ebooksPrice_feature_div'), '.kindle-price .a-color-price')[0]);
  if (kindle) return kindle;
  const core = page.byId('corePrice_feature_div');
  return firstPayPrice(ctx, core) ?? priceIn(ctx, page.byId('tp_price_block_total_price_ww'));
}

/** First `.offer-price` (the older buy box's price text) inside root that reads as a price. */
function firstOfferPrice(ctx: ExtractContext, root: Element | undefined): ParsedPrice | null {
  for (const el of findAll(ctx.page, root, '#usedPrice, .offer-price')) {
    const value = priceIn(ctx, el);
    if (value) return value;
  }
  return null;
}

/** The used offer of the buy box ("Buy used £4.45", the used accordion row), not the lowest used price. */
export function usedOfferPrice(ctx: ExtractContext): ParsedPrice | null {
  for (const id of USED_OFFER_IDS) {
    const value = firstOfferPrice(ctx, ctx.page.byId(id)) ?? firstPayPrice(ctx, ctx.page.byId(id));
    if (value) return value;
  }
  return null;
}

/**
 * Amazon hides the price of an offer sold under a minimum advertised price: the price block
 * says "See price in cart" and opens Amazon's MAP popover (`viewId=MAP_AJAX`, ref dp_map_popover).
 * Such a buy box is orderable and has no price on the page; that is no missing price block.
 */
export function isPriceInCart(page: Page): boolean {
  return findAll(page, page.byId('price'), '[data-a-modal]').some((el) => MAP_POPOVER.test(el.attribs['data-a-modal']));
}

const MAP_POPOVER = /viewId=MAP_AJAX|ref=dp_map_popover/;

/**
 * The buy box replaced by Amazon's "See All Buying Options" button (#buybox-see-all-buying-choices):
 * the product has offers but no buy box winner, so the page has no buy box price.
 */
export function hasSeeAllBuyingOptions(page: Page): boolean {
  return findAll(page, page.byId('buybox'), '#buybox-see-all-buying-choices').length > 0;
}

export function buyboxPrice(ctx: ExtractContext): ParsedPrice | null {
  return priceIn(ctx, firstById(ctx.page, BUYBOX_PRICE_IDS));
}

/** Text that labels a struck price ("List Price:", "De:", "M.R.P.:", "Typical price:"). */
function strikeLabel(el: Element): string {
  const row = closest(el, (e) => e.name === 'tr', 4);
  const parent = el.parent && el.parent.type === 'tag' ? (el.parent as Element) : undefined;
  return textOf(row ?? parent);
}

/** The list price (RRP/MRP), struck through next to the price; not "was" or 30-day-low prices. */
export function listPrice(ctx: ExtractContext): ParsedPrice | null {
  const { page } = ctx;
  for (const id of CORE_PRICE_IDS) {
    for (const el of findAll(page, page.byId(id), '.a-text-price[data-a-strike="true"]')) {
      if (NOT_LIST_PRICE.test(strikeLabel(el))) continue;
      const value = aPriceValue(ctx, el);
      if (value) return value;
    }
  }
  // Older layouts strike it in the #price table; the mobile layout next to the headline price.
  const legacy =
    page.byId('listPrice') ??
    LEGACY_LIST_PRICE_IDS.map((id) => findAll(page, page.byId(id), '.priceBlockStrikePriceString, .a-text-strike')[0]).find(Boolean);
  if (legacy) return priceIn(ctx, legacy);
  // The older accordion buy box strikes the RRP under "Buy New": "RRP: £16.99".
  for (const el of findAll(page, page.byId('buyNewInner'), '.a-text-strike')) {
    if (NOT_LIST_PRICE.test(strikeLabel(el))) continue;
    const value = priceIn(ctx, el);
    if (value) return value;
  }
  return null;
}

export interface OfferSummary {
  readonly newCount: number | null;
  readonly newPrice: ParsedPrice | null;
  readonly usedCount: number | null;
  readonly usedPrice: ParsedPrice | null;
  /** "Compare 2 other offers": offers besides the buy box. */
  readonly otherCount: number | null;
}

const OFFER_IDS = ['olpLinkWidget_feature_div', 'olp_feature_div', 'olp-upd-new', 'olp-upd-new-used', 'olp-upd-used', 'usedAccordionRow', 'usedBuySection', 'buybox-see-all-buying-choices'];
const OTHER_OFFERS = /(?:other|outras|otras|autres|altre|weitere|andere|inne|andra|diğer)\s+(\d+)\s+(?:offers?|ofertas?|offres?|offert[ae]|angebote?|aanbiedingen|oferty|erbjudanden|teklif)/i;

/**
 * "Other Sellers on Amazon" (#mbc, older desktop layouts) lists new offers, one `#mbc-price-N`
 * each: the lowest is the lowest new price the page shows when no "New (N) from" says it.
 */
function lowestOtherSellerPrice(ctx: ExtractContext): ParsedPrice | null {
  let lowest: ParsedPrice | null = null;
  for (const el of findAll(ctx.page, ctx.page.byId('mbc'), '[id^="mbc-price-"]')) {
    const value = priceIn(ctx, el);
    if (value && (lowest === null || (value.currency === lowest.currency && value.minor < lowest.minor))) lowest = value;
  }
  return lowest;
}

export function offerSummary(ctx: ExtractContext): OfferSummary {
  const texts: string[] = [];
  for (const id of OFFER_IDS) {
    const text = textOf(ctx.page.byId(id));
    if (text) texts.push(text);
  }
  // Older layouts summarise the offers under the selected format: "15 Used from £5.28 27 New from £6.74".
  for (const links of findAll(ctx.page, ctx.page.byId('tmmSwatches'), '.swatchElement.selected .tmm-olp-links')) {
    const text = textOf(links);
    if (text) texts.push(text);
  }
  const all = texts.join(' | ').replace(NEW_AND_USED_OFFERS, ' ');
  const after = (pattern: RegExp) => {
    const match = pattern.exec(all);
    if (!match) return { count: null, price: null };
    const rest = all.slice(match.index + match[0].length).split('|')[0];
    return { count: Number(match[1] ?? match[2] ?? match[3]), price: parsePrice(rest, ctx.tld) };
  };
  const fresh = after(NEW_OFFERS);
  const used = after(USED_OFFERS);
  const other = OTHER_OFFERS.exec(all);
  return {
    newCount: fresh.count,
    newPrice: fresh.price ?? lowestOtherSellerPrice(ctx),
    usedCount: used.count,
    usedPrice: used.price,
    otherCount: other ? Number(other[1]) : null,
  };
}
