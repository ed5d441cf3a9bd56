// Rating, rating count, star histogram, the reviews shown on the page and the answered
// questions count.
import type { AnyNode, Element } from 'domhandler';
import { parseCount } from '../locale/numbers.js';
import { NO_REVIEWS, ONE_PERSON } from '../locale/phrases.js';
import { parseRating } from '../locale/rating.js';
import { textOf, textOrNull } from '../html/text.js';
import type { Review } from '../types.js';
import type { ExtractContext } from './context.js';
import { closest, findAll, findFirst, hasClass } from './dom.js';

export interface ReviewSummary {
  readonly rating: number | null;
  readonly count: number | null;
  readonly distribution: Array<{ rating: number; percentage: number }>;
}

const STAR_WORDS: Readonly<Record<string, number>> = { five_star: 5, four_star: 4, three_star: 3, two_star: 2, one_star: 1 };

function histogram(ctx: ExtractContext): Array<{ rating: number; percentage: number }> {
  // Some layouts carry an empty #histogramTable before the real one.
  const meters = ctx.page.allById('histogramTable').map((table) => findAll(ctx.page, table, '.a-meter[aria-valuenow]')).find((m) => m.length > 0) ?? [];
  const out: Array<{ rating: number; percentage: number }> = [];
  meters.forEach((meter, index) => {
    const percentage = Number.parseInt(meter.attribs['aria-valuenow'], 10);
    const row = closest(meter, (e) => e.name === 'li' || e.name === 'tr', 8);
    const link = findFirst(ctx.page, row, 'a[href*="filterByStar="]');
    const word = link ? /filterByStar=(\w+)/.exec(link.attribs.href)?.[1] : undefined;
    const rating = (word && STAR_WORDS[word]) || 5 - index;
    if (Number.isFinite(percentage) && rating >= 1) out.push({ rating, percentage });
  });
  return out;
}

export function reviewSummary(ctx: ExtractContext): ReviewSummary {
  const { page } = ctx;
  const popover = page.byId('acrPopover');
  const medley = page.byId('reviewsMedley') ?? page.byId('cm_cr_dp_d_rating_histogram');
  // The mobile layout has no popover: the stars and "(47)" sit inside the reviews link.
  const mobileLink = popover ? undefined : page.byId('acrCustomerReviewLink');
  const rating =
    parseRating(popover?.attribs.title) ??
    parseRating(textOf(findFirst(page, popover, '.a-icon-alt'))) ??
    parseRating(textOf(findFirst(page, medley, '[data-hook="rating-out-of-text"]'))) ??
    parseRating(textOf(findFirst(page, mobileLink, '.a-icon-alt')));
  let count =
    parseCount(textOf(page.byId('acrCustomerReviewText'))) ??
    parseCount(textOf(findFirst(page, medley, '[data-hook="total-review-count"]'))) ??
    parseCount(textOf(findFirst(page, mobileLink, 'span.a-size-base')));
  const distribution = histogram(ctx);
  // An all-zero histogram or "No customer reviews": the page says zero, not unknown.
  if (count === null && rating === null) {
    const empty = distribution.length > 0 && distribution.every((d) => d.percentage === 0);
    if (empty || NO_REVIEWS.test(textOf(medley))) count = 0;
  }
  return { rating, count, distribution: count === 0 ? [] : distribution };
}

function helpfulCount(text: string): number | null {
  if (!text) return null;
  if (ONE_PERSON.test(text)) return 1;
  return parseCount(text);
}

/** One walk over a review card: its first element per data-hook, and the author name. */
function reviewParts(card: Element): { hooks: Map<string, Element>; author: Element | undefined } {
  const hooks = new Map<string, Element>();
  let author: Element | undefined;
  const stack: AnyNode[] = [...card.children];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.type !== 'tag') continue;
    const el = node as Element;
    const hook = el.attribs['data-hook'];
    if (hook !== undefined && !hooks.has(hook)) hooks.set(hook, el);
    if (author === undefined && hasClass(el, 'a-profile-name')) author = el;
    for (let i = el.children.length - 1; i >= 0; i--) stack.push(el.children[i]);
  }
  return { hooks, author };
}

function iconAlt(ctx: ExtractContext, el: Element | undefined): string {
  return textOf(findFirst(ctx.page, el, '.a-icon-alt'));
}

function reviewOf(ctx: ExtractContext, card: Element): Review {
  const { hooks, author } = reviewParts(card);
  const titleEl = hooks.get('review-title');
  const starText = iconAlt(ctx, hooks.get('review-star-rating') ?? hooks.get('cmps-review-star-rating'));
  const titleStars = iconAlt(ctx, titleEl);
  let title = textOf(titleEl);
  if (titleStars && title.startsWith(titleStars)) title = title.slice(titleStars.length).trim();
  return {
    id: card.attribs.id ?? null,
    author: textOrNull(author),
    title: title || null,
    content: textOrNull(hooks.get('review-body')),
    rating: parseRating(starText || titleStars),
    timestamp: textOrNull(hooks.get('review-date')),
    is_verified: hooks.has('avp-badge') || hooks.has('avp-badge-linkless'),
    helpful_count: helpfulCount(textOf(hooks.get('helpful-vote-statement'))),
  };
}

export function reviews(ctx: ExtractContext): Review[] {
  const root = ctx.page.byId('reviewsMedley') ?? ctx.page.byId('customerReviews') ?? ctx.page.byId('cm-cr-dp-review-list');
  const seen = new Set<string>();
  const out: Review[] = [];
  for (const el of findAll(ctx.page, root, '[data-hook="review"]')) {
    const review = reviewOf(ctx, el);
    const key = review.id ?? `${review.author}|${review.title}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(review);
  }
  return out;
}

/** "42 answered questions"; null when the page shows no count. */
export function answeredQuestions(ctx: ExtractContext): number | null {
  const text = textOf(ctx.page.byId('askATFLink'));
  return /\d/.test(text) ? parseCount(text) : null;
}
