// Reading Amazon's price widgets. An `.a-price` carries the amount twice: a screen-reader
// copy (`.a-offscreen`, sometimes left blank) and the visible symbol/whole/fraction parts.
import type { Element } from 'domhandler';
import { parsePrice, type ParsedPrice } from '../locale/price.js';
import { textOf } from '../html/text.js';
import type { ExtractContext } from './context.js';
import { findAll, findFirst, hasClass } from './dom.js';

function visibleParts(ctx: ExtractContext, aPrice: Element): string {
  const part = (cls: string) => textOf(findFirst(ctx.page, aPrice, `.${cls}`));
  const whole = part('a-price-whole');
  if (!whole) return '';
  return `${part('a-price-symbol')}${whole}${part('a-price-fraction')}`;
}

/** The amount of one `.a-price` element. */
export function aPriceValue(ctx: ExtractContext, aPrice: Element): ParsedPrice | null {
  const offscreen = textOf(findFirst(ctx.page, aPrice, '.a-offscreen'));
  return parsePrice(/\d/.test(offscreen) ? offscreen : visibleParts(ctx, aPrice), ctx.tld);
}

/** The amount shown by an element: its `.a-price` if it is or holds one, else its text. */
export function priceIn(ctx: ExtractContext, el: Element | undefined): ParsedPrice | null {
  if (!el) return null;
  if (hasClass(el, 'a-price')) return aPriceValue(ctx, el);
  const aPrice = findFirst(ctx.page, el, '.a-price');
  if (aPrice) return aPriceValue(ctx, aPrice);
  return parsePrice(textOf(el), ctx.tld);
}

/** First non-struck `.a-price` inside `root` matching `selector`. */
export function firstPayPrice(ctx: ExtractContext, root: Element | undefined, selector = '.a-price'): ParsedPrice | null {
  for (const el of findAll(ctx.page, root, selector)) {
    if (el.attribs['data-a-strike'] === 'true') continue;
    const value = aPriceValue(ctx, el);
    if (value) return value;
  }
  return null;
}
