// Integer minor units → display strings, shared by the browser (served as is, no build
// step) and the server (the /graphimage axis). Only integer arithmetic: 1299 cents is
// "12.99" by splitting digits, never by dividing into a float that may print 12.989999.

/** How each marketplace currency is written: symbol and whether it follows the amount. */
export const CURRENCY_SYMBOLS = Object.freeze({
  USD: { symbol: '$', after: false },
  CAD: { symbol: 'CDN$\u00a0', after: false },
  MXN: { symbol: '$', after: false },
  BRL: { symbol: 'R$\u00a0', after: false },
  AUD: { symbol: '$', after: false },
  SGD: { symbol: 'S$', after: false },
  GBP: { symbol: '£', after: false },
  EUR: { symbol: '\u00a0€', after: true },
  PLN: { symbol: '\u00a0zł', after: true },
  SEK: { symbol: '\u00a0kr', after: true },
  TRY: { symbol: '\u00a0TL', after: true },
  JPY: { symbol: '¥', after: false },
  INR: { symbol: '₹', after: false },
  AED: { symbol: 'AED\u00a0', after: false },
  SAR: { symbol: 'SAR\u00a0', after: false },
  EGP: { symbol: 'EGP\u00a0', after: false },
});

function group(digits, separator) {
  if (separator === '' || digits.length <= 3) return digits;
  const sep = separator === ' ' ? '\u00a0' : separator;
  let out = '';
  for (let i = 0; i < digits.length; i++) {
    if (i > 0 && (digits.length - i) % 3 === 0) out += sep;
    out += digits[i];
  }
  return out;
}

/**
 * `minor` (an integer of minor units) as a decimal string in the marketplace's separators:
 * formatAmount(129900, {minorDigits: 2, decimalSeparator: ',', groupSeparator: '.'}) → "1.299,00".
 */
export function formatAmount(minor, format) {
  if (!Number.isSafeInteger(minor)) throw new RangeError(`not an integer amount of minor units: ${minor}`);
  const negative = minor < 0;
  const digits = String(Math.abs(minor)).padStart(format.minorDigits + 1, '0');
  const whole = digits.slice(0, digits.length - format.minorDigits);
  const fraction = digits.slice(digits.length - format.minorDigits);
  const text = group(whole, format.groupSeparator) + (format.minorDigits > 0 ? format.decimalSeparator + fraction : '');
  return negative ? `-${text}` : text;
}

/** The amount with its currency symbol: "$12.48", "1.299,00 €", "¥1,980". */
export function formatMoney(minor, format) {
  const amount = formatAmount(minor, format);
  const display = CURRENCY_SYMBOLS[format.currency];
  if (!display) return `${amount}\u00a0${format.currency}`;
  if (!display.after) return amount.startsWith('-') ? `-${display.symbol}${amount.slice(1)}` : `${display.symbol}${amount}`;
  return `${amount}${display.symbol}`;
}

/** A whole number with the marketplace's thousands separator (sales ranks, counts). */
export function formatCount(value, format) {
  return formatAmount(value, { ...format, minorDigits: 0 });
}

/** Keepa ratings are stars × 10: 45 → "4.5". */
export function formatRating(value) {
  if (!Number.isSafeInteger(value)) throw new RangeError(`not an integer rating: ${value}`);
  return `${Math.trunc(value / 10)}.${Math.abs(value % 10)}`;
}

/** A change in minor units with its sign ("+$1.50", "-12,00 €", "±$0.00"). */
export function formatChange(minor, format) {
  if (minor === 0) return `±${formatMoney(0, format)}`;
  return minor > 0 ? `+${formatMoney(minor, format)}` : formatMoney(minor, format);
}

/**
 * A typed amount ("12.99", "12,99", "1.299,00", "1980") → integer minor units, digit by
 * digit (no float). The last `.` or `,` followed by 1..minorDigits digits is the decimal
 * point; other separators and spaces group thousands. Returns null if it is not an amount,
 * and when the marketplace's own decimal separator (if given) is followed by more digits
 * than the currency has: "19.999" on amazon.com is a typo, not $19,999.00.
 */
export function parseAmount(text, format) {
  const cleaned = String(text).replace(/[\s\u00a0\u202f]/g, '').replace(/[^\d.,-]/g, '');
  if (!/^\d[\d.,]*$/.test(cleaned)) return null;
  const digits = format.minorDigits;
  const last = /[.,](\d*)$/.exec(cleaned);
  if (digits > 0 && last && cleaned[last.index] === format.decimalSeparator && last[1].length > digits) return null;
  const match = digits > 0 ? new RegExp(`^(.*?)[.,](\\d{1,${digits}})$`).exec(cleaned) : null;
  const whole = (match ? match[1] : cleaned).replace(/[.,]/g, '');
  const fraction = match ? match[2].padEnd(digits, '0') : '0'.repeat(digits);
  if (!/^\d*$/.test(whole) || (whole === '' && !match)) return null;
  const value = Number((whole || '0') + fraction);
  return Number.isSafeInteger(value) ? value : null;
}
