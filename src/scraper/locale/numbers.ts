// Locale-tolerant number reading for Amazon pages. Amazon formats numbers by UI language,
// which is not always the marketplace's (amazon.de in English prints "€379.00", Portuguese
// amazon.es "3.9 de 5"), so separators are inferred from the digits themselves rather than
// from the marketplace table. Everything stays in strings and integers.

const ARABIC_INDIC_ZERO = 0x0660;
const EXTENDED_ARABIC_INDIC_ZERO = 0x06f0;
const FULLWIDTH_ZERO = 0xff10;

/** Digits and spaces only: Arabic-Indic and full-width digits → ASCII, no-break spaces → space, bidi marks dropped. Other text is left as printed. */
export function normalizeNumerals(text: string): string {
  let out = text;
  if (/[\u0660-\u066c\u06f0-\u06f9\uff10-\uff19]/.test(out)) {
    out = out.replace(/[\u0660-\u0669\u06f0-\u06f9\uff10-\uff19]/g, (d) => {
      const code = d.charCodeAt(0);
      const zero = code >= FULLWIDTH_ZERO ? FULLWIDTH_ZERO : code >= EXTENDED_ARABIC_INDIC_ZERO ? EXTENDED_ARABIC_INDIC_ZERO : ARABIC_INDIC_ZERO;
      return String(code - zero);
    });
    out = out.replace(/\u066b/g, '.').replace(/\u066c/g, ',');
  }
  // Bidi marks wrap Arabic currency names and the "‏ : ‎" of detail bullets.
  return out.replace(/[\u2009\u202f\u00a0]/g, ' ').replace(/[\u200e\u200f\u061c]/g, '');
}

/** NFKC (full-width ￥, compatibility forms) plus `normalizeNumerals`: for text read only for its numbers. */
export function normalizeDigits(text: string): string {
  return normalizeNumerals(text.normalize('NFKC'));
}

export interface NumberToken {
  /** The token as printed, e.g. "1.299,00". */
  readonly raw: string;
  readonly index: number;
  /** Digits before the decimal separator, no grouping. */
  readonly whole: string;
  /** Digits after the decimal separator ('' when none). */
  readonly fraction: string;
}

const TOKEN = /\d+(?:[.,' ’]\d+)*/g;

/**
 * Splits a run like "1 299,00" or "26.00 29.00" into the number it starts with: a space
 * only groups thousands when exactly three digits follow it.
 */
function firstNumberOf(run: string): string {
  const parts = run.split(' ');
  let out = parts[0];
  for (let i = 1; i < parts.length; i++) {
    if (/^\d{3}(?:[.,]\d+)*$/.test(parts[i]) && !/[.,]\d{1,2}$/.test(out)) out += ` ${parts[i]}`;
    else break;
  }
  return out;
}

/**
 * Reads one printed number. `fractionDigits` is how many decimals the value may have
 * (2 for most currencies, 0 for yen, Infinity for ratings): a lone separator followed by
 * exactly three digits groups thousands unless the value may have three or more decimals.
 */
export function readNumber(raw: string, fractionDigits: number): { whole: string; fraction: string } | null {
  const seps = raw.replace(/\d/g, '');
  if (seps.length === 0) return { whole: raw, fraction: '' };
  const last = seps[seps.length - 1];
  const lastAt = raw.lastIndexOf(last);
  const tail = raw.slice(lastAt + 1);
  const head = raw.slice(0, lastAt);
  const sameKind = [...seps].every((c) => c === last);
  let decimal: boolean;
  if (last === ' ' || last === "'" || last === '’') decimal = false;
  else if (!sameKind) decimal = true;
  else if (seps.length > 1) decimal = false;
  else if (tail.length !== 3) decimal = true;
  else decimal = fractionDigits >= 3;
  const groups = (decimal ? head : raw).split(/[.,' ’]/);
  // Grouped digits come in threes (Indian lakh grouping uses twos before the last three).
  for (let i = 1; i < groups.length; i++) {
    const ok = i === groups.length - 1 ? groups[i].length === 3 : groups[i].length === 2 || groups[i].length === 3;
    if (!ok) return null;
  }
  const whole = groups.join('');
  return { whole: whole === '' ? '0' : whole, fraction: decimal ? tail : '' };
}

/** Every number printed in `text` (after `normalizeDigits`), with its position. */
export function numberTokens(text: string, fractionDigits: number): NumberToken[] {
  const out: NumberToken[] = [];
  for (const match of text.matchAll(TOKEN)) {
    const raw = firstNumberOf(match[0]);
    const parsed = readNumber(raw, fractionDigits);
    if (parsed) out.push({ raw, index: match.index!, ...parsed });
  }
  return out;
}

/** An integer count: "14,652", "1.234", "(53)", "1 234", "84.7K", "1,5 mil", "2M". */
export function parseCount(text: string | null | undefined): number | null {
  if (!text) return null;
  const normalized = normalizeDigits(text);
  const match = /(\d+(?:[.,' ’]\d+)*)\s*(k|m|mil|tsd\.?|lakh)?(?![a-z])/i.exec(normalized);
  if (!match) return null;
  const suffix = match[2]?.toLowerCase();
  const scale = suffix === undefined ? 1 : suffix === 'm' ? 1_000_000 : suffix === 'lakh' ? 100_000 : 1000;
  if (scale === 1) {
    const digits = match[1].replace(/[.,' ’]/g, '');
    const value = Number(digits);
    return Number.isSafeInteger(value) ? value : null;
  }
  // "84.7K": a short decimal times the scale, computed on integers.
  const parsed = readNumber(match[1], 3);
  if (!parsed) return null;
  const frac = parsed.fraction;
  const value = (Number(parsed.whole) * 10 ** frac.length + Number(frac || '0')) * (scale / 10 ** frac.length);
  return Number.isSafeInteger(value) ? value : Math.round(value);
}

/** A small decimal such as a star rating, as a JS number built from its digits. */
export function decimalNumber(whole: string, fraction: string): number {
  return Number(fraction ? `${whole}.${fraction}` : whole);
}
