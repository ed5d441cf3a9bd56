// Star ratings as printed: "4.5 out of 5 stars", "4,7 de 5 estrelas", "5つ星のうち4.5",
// "5 yıldız üzerinden 4,5", "4.5 من 5 نجوم". Japanese and Turkish put the scale first.
import { decimalNumber, normalizeDigits, numberTokens } from './numbers.js';

const SCALE_FIRST = /のうち|üzerinden/;

export function parseRating(text: string | null | undefined): number | null {
  if (!text) return null;
  const normalized = normalizeDigits(text);
  const tokens = numberTokens(normalized, Infinity);
  if (tokens.length === 0) return null;
  const token = SCALE_FIRST.test(normalized) && tokens.length > 1 ? tokens[tokens.length - 1] : tokens[0];
  const value = decimalNumber(token.whole, token.fraction);
  return value >= 0 && value <= 5 ? value : null;
}
