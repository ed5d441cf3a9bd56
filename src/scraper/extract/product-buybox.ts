// Who sells and ships the buy box offer, whether it is in stock, Prime, quantity limit,
// delivery promises and shipping cost.
import type { Element } from 'domhandler';
import type { Page } from '../html/page.js';
import { parsePrice } from '../locale/price.js';
import { FREE_ABOVE, FREE_DELIVERY, FREE_SHIPPING_TEXT, IN_STOCK, OUT_OF_STOCK } from '../locale/phrases.js';
import { textOf, textOrNull } from '../html/text.js';
import type { Delivery, Merchant } from '../types.js';
import type { ExtractContext } from './context.js';
import { AMAZON_NAME, isAmazonSeller } from './amazon-seller.js';
import { findAll, findFirst, firstById } from './dom.js';

const SOLD_BY = /sold by|vendido por|verkauf|verkäufer|vendu par|venduto da|verkocht door|sprzedawca|säljs av|販売元|satıcı|البائع|يباع من/i;
const SHIPS_FROM = /ships from|fulfilled by|dispatched from|enviado|versand|expédié|spedito|verzonden|wysyłka|skickas|出荷元|gönderici|الشحن|يشحن/i;
const FULFILLED_BY_AMAZON = /(?:fulfilled|dispatched|shipped) by amazon|(?:ships|dispatched) from and sold by amazon|versand durch amazon|enviado (?:por|pela) amazon|expédié par amazon|spedito da amazon|verzonden door amazon|amazon が発送/i;
const SOLD_BY_LABEL = /^(?:sold by|vendido por|verkauf(?:t)? (?:von|durch)|vendu par|venduto da|verkocht door|販売元|販売)\s*[:：|]?\s*/i;
const SOLD_BY_IN_TEXT = /(?:sold by|verkauf(?: und versand)? durch|vendido por|vendu(?: et expédié)? par|venduto(?: e spedito)? da|verkocht(?: en verzonden)? door)\s+(.+?)(?:\s+(?:and|und|e|et|en)\s|\.\s|\.$|$)/i;

export interface BuyboxSeller {
  readonly merchant: Merchant | null;
  readonly isAmazonSeller: boolean | null;
}

/** Label → value pairs of the tabular buy box ("Ships from" / "Sold by" rows). */
function tabularRows(ctx: ExtractContext): Map<string, string> {
  const rows = new Map<string, string>();
  for (const el of findAll(ctx.page, ctx.page.byId('tabular-buybox'), '.tabular-buybox-text[tabular-attribute-name]')) {
    const name = el.attribs['tabular-attribute-name'];
    const value = textOf(findFirst(ctx.page, el, 'span') ?? el);
    if (value && !rows.has(name)) rows.set(name, value);
  }
  return rows;
}

function rowValue(rows: Map<string, string>, label: RegExp): string | null {
  for (const [name, value] of rows) if (label.test(name)) return value;
  return null;
}

/**
 * A Kindle book's seller, printed under its 1-Click button ("Sold by Amazon Digital Services
 * LLC." on mobile, a "Sold by | …" row of the price table on desktop): the e-book has no
 * merchant-info line.
 */
function kindleSeller(ctx: ExtractContext): string | null {
  const text = textOf(ctx.page.$('.print-sold-by').first()[0]);
  if (!SOLD_BY_LABEL.test(text)) return null;
  return text.replace(SOLD_BY_LABEL, '').replace(/\.$/, '').trim() || null;
}

function sellerIdFrom(href: string | undefined): string | null {
  return href ? (/[?&]seller=([A-Z0-9]+)/.exec(href)?.[1] ?? null) : null;
}

export function buyboxSeller(ctx: ExtractContext): BuyboxSeller {
  const { page } = ctx;
  const rows = tabularRows(ctx);
  const merchantInfo = page.byId('merchant-info');
  const link: Element | undefined = page.byId('sellerProfileTriggerId') ?? findFirst(page, merchantInfo, 'a[href*="seller="]');
  const odfMessage = (id: string) => textOrNull(findFirst(page, page.byId(id), '.offer-display-feature-text-message'));
  const merchantText = textOf(merchantInfo);

  const name =
    textOrNull(link) ??
    odfMessage('merchantInfoFeature_feature_div') ??
    rowValue(rows, SOLD_BY) ??
    (SOLD_BY_IN_TEXT.exec(merchantText)?.[1]?.trim() || null) ??
    kindleSeller(ctx);
  const sellerId = sellerIdFrom(link?.attribs.href) ?? (page.byId('merchantID')?.attribs.value || null);
  const shipper = odfMessage('fulfillerInfoFeature_feature_div') ?? rowValue(rows, SHIPS_FROM);

  let fulfilled: boolean | null = null;
  if (shipper) fulfilled = AMAZON_NAME.test(shipper);
  else if (FULFILLED_BY_AMAZON.test(merchantText)) fulfilled = true;
  else if (link?.attribs.href?.includes('isAmazonFulfilled=1')) fulfilled = true;
  else if (merchantText) fulfilled = false;

  if (name === null && sellerId === null) return { merchant: null, isAmazonSeller: null };
  return { merchant: { name, seller_id: sellerId, is_amazon_fulfilled: fulfilled }, isAmazonSeller: isAmazonSeller(name, sellerId) };
}

export interface StockFacts {
  /** Availability text as shown ("In Stock", "Nur noch 5 auf Lager"). */
  readonly stock: string | null;
  readonly inStock: boolean | null;
}

export function stock(ctx: ExtractContext): StockFacts {
  const { page } = ctx;
  const text = textOrNull(findFirst(page, page.byId('availability'), 'span') ?? page.byId('availability'));
  const orderable = page.byId('add-to-cart-button') !== undefined || page.byId('buy-now-button') !== undefined;
  if (text && OUT_OF_STOCK.test(text)) return { stock: text, inStock: false };
  if (page.byId('outOfStock')) return { stock: text ?? textOrNull(page.byId('outOfStock')), inStock: false };
  // Apparel parents ask for a size first: the page cannot say whether "it" is in stock.
  if (page.byId('partialStateBuybox')) return { stock: text, inStock: null };
  if (text && IN_STOCK.test(text)) return { stock: text, inStock: true };
  // "Usually ships within 2 to 3 days" with a live add-to-cart: orderable now.
  if (orderable) return { stock: text, inStock: true };
  // Text we cannot read ("Available from these sellers") is not a statement that the
  // product is unavailable: only OUT_OF_STOCK above writes -1.
  return { stock: text, inStock: null };
}

/** The buy box sells only a used copy: Amazon renders a used-only box instead of the new offer's. */
export function isUsedOnlyBuybox(page: Page): boolean {
  return page.byId('usedOnlyBuybox') !== undefined || page.byId('used_buybox_desktop') !== undefined;
}

const BUYBOX_IDS = ['buybox', 'desktop_buybox', 'corePriceDisplay_desktop_feature_div', 'corePrice_feature_div', 'priceBadging_feature_div'];

/** Prime badge in the buy box; null when the page has no buy box at all. */
export function isPrime(ctx: ExtractContext): boolean | null {
  let sawBuybox = false;
  for (const id of BUYBOX_IDS) {
    const root = ctx.page.byId(id);
    if (!root) continue;
    sawBuybox = true;
    if (findFirst(ctx.page, root, 'i.a-icon-prime, #prime-badge, .prime-badge')) return true;
  }
  return sawBuybox ? false : null;
}

export function maxQuantity(ctx: ExtractContext): number | null {
  const options = findAll(ctx.page, ctx.page.byId('quantity'), 'option');
  let max: number | null = null;
  for (const option of options) {
    const value = Number(option.attribs.value);
    if (Number.isInteger(value) && (max === null || value > max)) max = value;
  }
  return max;
}

/** Delivery promises of the buy box; the first one's cost is the buy box shipping. */
export function deliveries(ctx: ExtractContext): Delivery[] {
  const { page } = ctx;
  const root = firstById(page, ['mir-layout-DELIVERY_BLOCK', 'deliveryBlockMessage']);
  const out: Delivery[] = [];
  const seen = new Set<string>();
  for (const el of findAll(page, root, '[data-csa-c-delivery-price]')) {
    const price = el.attribs['data-csa-c-delivery-price'] ?? '';
    const kind = el.attribs['data-csa-c-delivery-type'] ?? '';
    const time = el.attribs['data-csa-c-delivery-time'] ?? '';
    const key = `${price}|${kind}|${time}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const parsed = /\d/.test(price) ? parsePrice(price, ctx.tld) : null;
    out.push({
      type: `${price} ${kind}`.trim(),
      date: time ? { by: time } : null,
      price_minor: parsed ? parsed.minor : FREE_DELIVERY.test(price) ? 0 : null,
    });
  }
  if (out.length === 0 && root) {
    // Older layout: "FREE delivery: Friday, Sep 3" as plain text.
    const text = textOf(root);
    if (text) {
      const parsed = parsePrice(text.split(/\s(?:or|oder|ou|o)\s/i)[0], ctx.tld, { requireCurrency: true });
      out.push({ type: text.split(/[:,]/)[0].trim(), date: null, price_minor: FREE_SHIPPING_TEXT.test(text.slice(0, 40)) ? 0 : (parsed?.minor ?? null) });
    }
  }
  return out;
}

/**
 * Shipping of the buy box offer: the primary delivery's cost, or the legacy shipping line.
 * "FREE Shipping on orders over $35" is free only for an order of that much: below it (or
 * with no price to compare) the page does not say what shipping costs, so null.
 */
export function shippingMinor(ctx: ExtractContext, delivery: readonly Delivery[], priceMinor: number | null): number | null {
  if (delivery.length > 0 && delivery[0].price_minor !== null) return delivery[0].price_minor;
  const legacy = textOf(firstById(ctx.page, ['price-shipping-message', 'ourprice_shippingmessage', 'saleprice_shippingmessage']));
  if (!legacy) return null;
  if (FREE_SHIPPING_TEXT.test(legacy)) {
    const minimum = FREE_ABOVE.exec(legacy);
    if (!minimum) return 0;
    const threshold = parsePrice(minimum[1], ctx.tld, { requireCurrency: true })?.minor ?? null;
    return threshold !== null && priceMinor !== null && priceMinor >= threshold ? 0 : null;
  }
  return parsePrice(legacy, ctx.tld, { requireCurrency: true })?.minor ?? null;
}
