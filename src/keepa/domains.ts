// Keepa domain ids. Keepa numbers 11 marketplaces (7 = cn is retired); the other nine
// ASA marketplaces get ids from 101 up, outside Keepa's range, so a Keepa client never
// confuses them with a real Keepa domain. Documented in the README.
import { MARKETPLACES, marketplaceFor, type Marketplace, type MarketplaceTld } from '../marketplaces.js';

export type DomainId = number;

const DOMAIN_IDS: ReadonlyArray<readonly [DomainId, MarketplaceTld]> = [
  [1, 'com'], [2, 'co.uk'], [3, 'de'], [4, 'fr'], [5, 'co.jp'], [6, 'ca'],
  [8, 'it'], [9, 'es'], [10, 'in'], [11, 'com.mx'], [12, 'com.br'],
  // pricekeep extension ids (not Keepa's):
  [101, 'nl'], [102, 'pl'], [103, 'se'], [104, 'com.au'], [105, 'sg'],
  [106, 'com.tr'], [107, 'ae'], [108, 'sa'], [109, 'eg'],
];

export const FIRST_EXTENSION_DOMAIN_ID = 101;

const tldById = new Map<DomainId, MarketplaceTld>(DOMAIN_IDS);
const idByTld = new Map<MarketplaceTld, DomainId>(DOMAIN_IDS.map(([id, tld]) => [tld, id]));

export interface Domain extends Marketplace {
  readonly id: DomainId;
  /** True for Keepa's own ids, false for pricekeep's extension ids. */
  readonly keepaNative: boolean;
}

export const DOMAINS: readonly Domain[] = DOMAIN_IDS.map(([id, tld]) => ({
  ...MARKETPLACES.get(tld)!,
  id,
  keepaNative: id < FIRST_EXTENSION_DOMAIN_ID,
}));

const domainById = new Map(DOMAINS.map((d) => [d.id, d]));


export function domainForId(id: DomainId): Domain | undefined {
  return domainById.get(id);
}

export function domainIdForTld(tld: MarketplaceTld): DomainId {
  return idByTld.get(tld)!;
}

export function tldForDomainId(id: DomainId): MarketplaceTld | undefined {
  return tldById.get(id);
}

/**
 * Accepts a domain id (`1`, `"3"`) or a TLD (`de`, `amazon.de`) and returns the domain,
 * or undefined when it names no marketplace we know.
 */
export function parseDomain(input: string | number): Domain | undefined {
  const text = String(input).trim();
  if (/^\d+$/.test(text)) return domainById.get(Number(text));
  const market = marketplaceFor(text);
  return market ? domainById.get(idByTld.get(market.tld)!) : undefined;
}
