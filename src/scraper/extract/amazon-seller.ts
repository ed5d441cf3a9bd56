// Is the buy box seller Amazon itself? By Amazon's retail merchant ids where we are sure of
// them, else by the name Amazon prints for itself ("Amazon.com", "Amazon.com.br", "Amazon US"),
// including the companies that sell Kindle books, which a Kindle page names instead.

// Amazon retail seller ids: US, UK, DE, FR, IT, ES, CA, JP, BR.
const AMAZON_SELLER_IDS = new Set([
  'ATVPDKIKX0DER', 'A3P5ROKL5A1OLE', 'A3JWKAKR8XB7XF', 'A1X6FK5RDHNB96', 'A11IL2PNWYJU7H',
  'A1AT7YVPFBWXBL', 'A3DWYIK6Y9EEQB', 'AN1VRQENFRJN5', 'A1ZZFT5FULY4LN',
]);

export const AMAZON_NAME = /^amazon(?:\.[a-z]{2,3}){0,2}(?: (?:us|eu|uk|export sales llc|retail|services(?: llc)?))?\.?$/i;

/**
 * Kindle store sellers: "Sold by Amazon Digital Services LLC." (US), "Amazon Media EU S.à r.l."
 * (the European stores), "Amazon Asia-Pacific Holdings Private Limited" (India), "Amazon
 * Services International, Inc." (Japan). Newer US pages say "Amazon.com Services LLC" (above).
 */
const AMAZON_KINDLE_SELLER =
  /^amazon (?:digital services|media eu s\.? ?[àa]\.? ?r\.? ?l|eu s\.? ?[àa]\.? ?r\.? ?l|asia-pacific holdings private limited|services international)(?:,? (?:llc|inc))?\.?$/i;

/** True for Amazon, false for another seller, null when neither name nor id is known. */
export function isAmazonSeller(name: string | null, sellerId: string | null): boolean | null {
  if (name === null && sellerId === null) return null;
  if (sellerId !== null && AMAZON_SELLER_IDS.has(sellerId)) return true;
  if (name === null) return false;
  const trimmed = name.replace(/\s+/g, ' ').trim();
  return AMAZON_NAME.test(trimmed) || AMAZON_KINDLE_SELLER.test(trimmed);
}
