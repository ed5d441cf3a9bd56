// Clippable coupons in the buy box ("Apply $5 coupon", "Aplicar cupão de 10€",
// "Save 15% with coupon") and the "10K+ bought in past month" badge.
import { normalizeDigits, parseCount } from '../locale/numbers.js';
import { parsePrice } from '../locale/price.js';
import { textOf } from '../html/text.js';
import type { Coupon } from '../types.js';
import type { ExtractContext } from './context.js';
import { findAll } from './dom.js';

const COUPON_IDS = ['promoPriceBlockMessage_feature_div', 'couponBadgeRegularVpc', 'vpcButton', 'applicablePromotionList_feature_div'];
const COUPON_LABEL = '[id^="couponText"], .couponLabelText, [data-csa-c-coupon="true"] label';
const PERCENT = /(\d+(?:[.,]\d+)?)\s*%/;

export function couponOf(ctx: ExtractContext): Coupon | null {
  const { page } = ctx;
  for (const id of COUPON_IDS) {
    for (const root of page.allById(id)) {
      for (const label of findAll(page, root, COUPON_LABEL)) {
        const text = textOf(label).replace(/\s*(?:terms|termos|términos|bedingungen|conditions|termini|voorwaarden|warunki|villkor|規約|şartlar)\s*$/i, '');
        if (!/\d/.test(text)) continue;
        const percent = PERCENT.exec(normalizeDigits(text));
        if (percent) return { type: 'percent', percent: Number(percent[1].replace(',', '.')), text };
        const amount = parsePrice(text, ctx.tld, { requireCurrency: true });
        if (amount) return { type: 'amount', minor: amount.minor, currency: amount.currency, text };
      }
    }
  }
  return null;
}

// The count is the number marked as a lower bound ("10K+", "1000点以上", "mehr als 1.000");
// "過去1か月で" puts another number (the month) first.
const AT_LEAST = /(\d[\d.,' ]*\s*(?:k|m|mil)?)\s*(?:\+|点以上|件以上|以上)/i;

/** "1K+ bought in past month" → 1000; null when the badge is absent. */
export function monthlySold(ctx: ExtractContext): number | null {
  const badge = ctx.page.byId('social-proofing-faceout-title-tk_bought') ?? ctx.page.byId('socialProofingAsinFaceout_feature_div');
  const text = normalizeDigits(textOf(badge));
  if (!/\d/.test(text)) return null;
  return parseCount(AT_LEAST.exec(text)?.[1] ?? text);
}
