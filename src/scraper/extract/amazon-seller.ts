// Is the buy box seller Amazon itself? By Amazon's retail merchant ids where we are sure of
// them, else by the name Amazon prints for itself ("Amazon.com", "Amazon.com.br", "Amazon US").

// Amazon retail seller ids: US, UK, DE, FR, IT, ES, CA, JP, BR.
const AMAZON_SELLER_IDS = new Set([
  'ATVPDKIKX0DER', 'A3P5ROKL5A1OLE', 'A3JWKAKR8XB7XF', 'A1X6FK5RDHNB96', 'A11IL2PNWYJU7H',
  'A1AT7YVPFBWXBL', 'A3DWYIK6Y9EEQB', 'AN1VRQENFRJN5', 'A1ZZFT5FULY4LN',
]);

export const AMAZON_NAME = /^amazon(?:\.[a-z]{2,3}){0,2}(?: (?:us|eu|uk|export sales llc|retail|services(?: llc)?))?\.?$/i;

/** True for Amazon, false for another seller, null when neither name nor id is known. */
export function isAmazonSeller(name: string | null, sellerId: string | null): boolean | null {
  if (name === null && sellerId === null) return null;
  return (sellerId !== null && AMAZON_SELLER_IDS.has(sellerId)) || (name !== null && AMAZON_NAME.test(name.trim()));
}
