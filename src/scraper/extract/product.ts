// A product page → ASA's product schema plus the exact minor-unit fields the tracker
// stores. The page is loaded and classified once; a page that is not a clean product
// page for the asked ASIN comes back as the ASA error it is.
import type { MarketplaceTld } from '../../marketplaces.js';
import { classifyLoaded } from '../classify.js';
import { scrapeError } from '../errors.js';
import { loadPage, type Page } from '../html/page.js';
import { minorToDecimal, type ParsedPrice } from '../locale/price.js';
import type { BuyboxOffer, ProductExtraction, ScrapedProduct } from '../types.js';
import { textOrNull } from '../html/text.js';
import { extractContext, type ExtractContext } from './context.js';
import { findFirst } from './dom.js';
import { cutOffReason, unobservableReason } from './observable.js';
import { buyboxSeller, deliveries, isPrime, isUsedOnlyBuybox, maxQuantity, shippingMinor, stock } from './product-buybox.js';
import { bulletPoints, categoryLadder, descriptionOf, hasVideos, imagesOf, titleOf, twister } from './product-content.js';
import { brandOf, detailTables, dimensionsOf, manufacturerOf } from './product-details.js';
import { buyboxPrice, listPrice, mainPrice, offerSummary, usedOfferPrice } from './product-prices.js';
import { couponOf, monthlySold } from './product-promotions.js';
import { answeredQuestions, reviews, reviewSummary } from './product-reviews.js';
import { salesRanks } from './sales-rank.js';

export interface ExtractProductOptions {
  /** The ASIN asked for: another ASIN on the page is `asin_mismatch`. */
  readonly asin?: string | null;
  /** HTTP status the page came with (404, 503… classify before extracting). */
  readonly status?: number | null;
  /** The URL the page was fetched from (after redirects), for `url`. */
  readonly url?: string | null;
}

/** The amount in the page's currency; a price in another currency is not this product's price. */
function inCurrency(price: ParsedPrice | null, currency: string): number | null {
  return price && price.currency === currency ? price.minor : null;
}

function decimal(minor: number | null, currency: string): number | null {
  return minor === null ? null : minorToDecimal(minor, currency);
}

function buildProduct(ctx: ExtractContext, asin: string, options: ExtractProductOptions): ScrapedProduct {
  const price = mainPrice(ctx);
  const currency = price?.currency ?? ctx.market.currency;
  const priceMinor = inCurrency(price, currency);
  // A buy box that sells only a used copy ("Buy used £4.45"): that offer is the used price and
  // makes the product buyable, but it is no new or Amazon offer, so the (new) buy box stays empty.
  const usedOfferMinor = priceMinor === null && isUsedOnlyBuybox(ctx.page) ? inCurrency(usedOfferPrice(ctx), currency) : null;
  const usedOnly = usedOfferMinor !== null;
  const pageStock = stock(ctx);
  const stockFacts = usedOnly && pageStock.inStock === null ? { ...pageStock, inStock: true } : pageStock;
  const seller = usedOnly ? { merchant: null, isAmazonSeller: null } : buyboxSeller(ctx);
  const hasBuybox = !usedOnly && (seller.merchant !== null || ctx.page.byId('add-to-cart-button') !== undefined);
  const buyboxMinor = inCurrency(buyboxPrice(ctx), currency) ?? (hasBuybox ? priceMinor : null);
  const strikeMinor = inCurrency(listPrice(ctx), currency);
  const delivery = deliveries(ctx);
  const shipping = hasBuybox ? shippingMinor(ctx, delivery, priceMinor) : null;
  const offers = offerSummary(ctx);
  const { details, salesRankCell } = detailTables(ctx);
  const { brand, storeUrl } = brandOf(ctx, details);
  const summary = reviewSummary(ctx);
  const title = titleOf(ctx);
  const ladder = categoryLadder(ctx);
  const variation = twister(ctx, asin);
  const returns = textOrNull(findFirst(ctx.page, ctx.page.byId('returnsInfoFeature_feature_div'), '.offer-display-feature-text-message'));
  const buybox: BuyboxOffer[] = hasBuybox
    ? [{
        price: decimal(buyboxMinor, currency),
        price_minor: buyboxMinor,
        seller_name: seller.merchant?.name ?? null,
        seller_id: seller.merchant?.seller_id ?? null,
        stock: stockFacts.stock,
        returns,
        shipping_minor: shipping,
      }]
    : [];

  return {
    asin,
    asin_in_url: options.asin ?? null,
    parent_asin: variation.parentAsin,
    url: options.url ?? `${ctx.origin}/dp/${asin}`,
    domain: ctx.tld,
    page: 1,
    page_type: 'Product',
    title,
    product_name: title,
    description: descriptionOf(ctx),
    bullet_points: bulletPoints(ctx),
    brand,
    manufacturer: manufacturerOf(details),
    store_url: storeUrl,
    price: decimal(priceMinor, currency),
    price_buybox: decimal(buyboxMinor, currency),
    price_strikethrough: decimal(strikeMinor, currency),
    currency,
    pricing_count: offers.newCount ?? offers.otherCount,
    stock: stockFacts.stock,
    is_prime: isPrime(ctx),
    max_quantity: maxQuantity(ctx),
    delivery,
    featured_merchant: seller.merchant,
    buybox,
    category: ladder.length > 0 ? [{ ladder }] : [],
    rating: summary.rating,
    reviews_count: summary.count,
    rating_stars_distribution: summary.distribution,
    reviews: reviews(ctx),
    answered_questions_count: answeredQuestions(ctx),
    variations: variation.variations,
    images: imagesOf(ctx),
    has_videos: hasVideos(ctx),
    product_details: Object.fromEntries(details),
    product_dimensions: dimensionsOf(details),
    sales_rank: salesRanks(ctx, salesRankCell),
    price_minor: priceMinor,
    price_buybox_minor: buyboxMinor,
    price_strikethrough_minor: strikeMinor,
    shipping_minor: shipping,
    coupon: couponOf(ctx),
    in_stock: stockFacts.inStock,
    is_amazon_seller: seller.isAmazonSeller,
    new_offer_count: offers.newCount,
    new_price_minor: inCurrency(offers.newPrice, currency),
    used_offer_count: offers.usedCount,
    used_price_minor: inCurrency(offers.usedPrice, currency) ?? usedOfferMinor,
    monthly_sold: monthlySold(ctx),
  };
}

/** Extracts from an already loaded page (the fetch pipeline loads each page once). */
export function extractProductFromPage(page: Page, tld: MarketplaceTld, options: ExtractProductOptions = {}): ProductExtraction {
  const verdict = classifyLoaded(page, { tld, expectedAsin: options.asin ?? null, status: options.status ?? null });
  if (verdict.kind === 'error') return { ok: false, error: verdict.error };
  if (verdict.kind === 'search') return { ok: false, error: scrapeError('extraction_failed', 'a search page, not a product page') };
  const cut = cutOffReason(page);
  if (cut) return { ok: false, error: cut };
  const ctx = extractContext(page, tld);
  if (!verdict.asin) return { ok: false, error: scrapeError('extraction_failed', 'the product page names no ASIN') };
  const product = buildProduct(ctx, verdict.asin, options);
  const unobservable = unobservableReason(page, product);
  return unobservable ? { ok: false, error: unobservable } : { ok: true, product };
}

export function extractProduct(html: string, tld: MarketplaceTld, options: ExtractProductOptions = {}): ProductExtraction {
  return extractProductFromPage(loadPage(html), tld, options);
}
