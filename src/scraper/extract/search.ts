// A search results page → ASA's search schema. Sponsored cards are kept and flagged;
// organic and sponsored positions are counted separately, as ASA does.
import type { Element } from 'domhandler';
import type { MarketplaceTld } from '../../marketplaces.js';
import { classifyLoaded } from '../classify.js';
import { scrapeError } from '../errors.js';
import { loadPage, type Page } from '../html/page.js';
import { textOf, textOrNull } from '../html/text.js';
import { parseCount } from '../locale/numbers.js';
import { minorToDecimal } from '../locale/price.js';
import { parseRating } from '../locale/rating.js';
import type { SearchExtraction, SearchProduct } from '../types.js';
import { extractContext, type ExtractContext } from './context.js';
import { findAll, findFirst, hasClass } from './dom.js';
import { aPriceValue } from './price-elements.js';

const BOUGHT = /(\d[\d.,]*\s*[KkMm]?\+?)\s*(?:bought in past month|im letzten monat gekauft|achetés? le mois dernier|comprados? el mes pasado|acquistati? il mese scorso|compras no mês passado|gekocht in de afgelopen maand|kupionych w zeszłym miesiącu|köpta förra månaden|過去1か月で)/i;

function isSponsored(ctx: ExtractContext, card: Element): boolean {
  if (hasClass(card, 'AdHolder')) return true;
  return findFirst(ctx.page, card, '.puis-sponsored-label-text, .s-sponsored-label-text, a[href*="/sspa/click"]') !== undefined;
}

function cardProduct(ctx: ExtractContext, card: Element, asin: string): Omit<SearchProduct, 'organic_position' | 'sponsored_position' | 'is_sponsored'> {
  const { page } = ctx;
  const prices = findAll(page, card, '[data-cy="price-recipe"] .a-price, .s-price-instructions-style .a-price');
  const payEl = prices.find((el) => !hasClass(el, 'a-text-price'));
  const strikeEl = prices.find((el) => hasClass(el, 'a-text-price'));
  const pay = payEl ? aPriceValue(ctx, payEl) : null;
  const strike = strikeEl ? aPriceValue(ctx, strikeEl) : null;
  const currency = pay?.currency ?? ctx.market.currency;
  const reviewsLink = findFirst(page, card, 'a[href*="#customerReviews"]');
  const cardText = textOf(card);
  const bought = BOUGHT.exec(cardText);
  const title = findFirst(page, card, 'h2');
  return {
    asin,
    title: title?.attribs['aria-label']?.replace(/^Sponsored Ad - /, '') || textOrNull(title),
    url: `${ctx.origin}/dp/${asin}`,
    price: pay ? minorToDecimal(pay.minor, pay.currency) : null,
    price_minor: pay?.minor ?? null,
    price_strikethrough: strike ? minorToDecimal(strike.minor, strike.currency) : null,
    price_strikethrough_minor: strike?.minor ?? null,
    currency,
    rating: parseRating(textOf(findFirst(page, card, '.a-icon-alt'))),
    reviews_count: parseCount(reviewsLink?.attribs['aria-label']) ?? parseCount(textOf(reviewsLink)),
    image: findFirst(page, card, 'img.s-image')?.attribs.src ?? null,
    is_prime: findFirst(page, card, 'i.a-icon-prime') !== undefined,
    is_amazons_choice: findFirst(page, card, `[id="${asin}-amazons-choice"], [aria-label="Amazon's Choice"]`) !== undefined,
    best_seller: findFirst(page, card, `[id="${asin}-best-seller"]`) !== undefined,
    shipping_information: textOrNull(findFirst(page, card, '[data-cy="delivery-recipe"]')),
    manufacturer: null,
    is_video: findFirst(page, card, '[data-component-type="s-video-block"], .sbv-video') !== undefined,
    monthly_sold: bought ? parseCount(bought[1]) : null,
  };
}

function currentPage(ctx: ExtractContext): number {
  const selected = findFirst(ctx.page, ctx.page.byId('search'), '.s-pagination-selected');
  const value = Number(textOf(selected));
  return Number.isInteger(value) && value > 0 ? value : 1;
}

export function extractSearchFromPage(page: Page, tld: MarketplaceTld, options: { status?: number | null; url?: string | null } = {}): SearchExtraction {
  const verdict = classifyLoaded(page, { tld, status: options.status ?? null });
  if (verdict.kind === 'error') return { ok: false, error: verdict.error };
  if (verdict.kind !== 'search') return { ok: false, error: scrapeError('extraction_failed', 'a product page, not a search page') };
  const ctx = extractContext(page, tld);
  const products: SearchProduct[] = [];
  let organic = 0;
  let sponsored = 0;
  for (const card of page.searchResults) {
    const asin = card.attribs['data-asin'];
    if (!asin || !/^[A-Z0-9]{10}$/.test(asin)) continue;
    const ad = isSponsored(ctx, card);
    products.push({
      ...cardProduct(ctx, card, asin),
      is_sponsored: ad,
      organic_position: ad ? null : ++organic,
      sponsored_position: ad ? ++sponsored : null,
    });
  }
  return { ok: true, search: { page: currentPage(ctx), domain: tld, url: options.url ?? null, products, html: null } };
}

export function extractSearch(html: string, tld: MarketplaceTld, options: { status?: number | null; url?: string | null } = {}): SearchExtraction {
  return extractSearchFromPage(loadPage(html), tld, options);
}
