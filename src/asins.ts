// ASINs as users and clients write them: the one check and the one list parser behind the
// CLI (`track`, `export`), the Keepa API (`asin=`, tracking) and the scraper's input check.

const ASIN_PATTERN = /^[0-9A-Z]{10}$/;

/** A 10-character ASIN in Amazon's own spelling (upper-case letters and digits). */
export function isAsin(value: unknown): value is string {
  return typeof value === 'string' && ASIN_PATTERN.test(value);
}

export interface AsinList {
  /** Upper-cased, deduplicated, in the order first given. */
  readonly asins: string[];
  /** Entries that are no ASIN, as given (trimmed). */
  readonly invalid: string[];
}

/**
 * `"b0a…,B0B… B0C…"` or `['B0A…', 'B0B…,B0C…']` (repeated CLI options) → the ASINs. Commas
 * and white space separate; blanks are dropped; case does not matter.
 */
export function parseAsinList(input: string | readonly string[]): AsinList {
  const asins = new Set<string>();
  const invalid: string[] = [];
  for (const part of typeof input === 'string' ? [input] : input) {
    for (const item of part.split(/[\s,]+/)) {
      if (item === '') continue;
      const upper = item.toUpperCase();
      if (isAsin(upper)) asins.add(upper);
      else invalid.push(item);
    }
  }
  return { asins: [...asins], invalid };
}
