// The 20 Amazon marketplaces ASA supports, keyed by TLD. Neutral ground: the scraper
// (fetch hosts, locale price parsing) and the Keepa model (domain ids, currency digits)
// both read this table, so neither depends on the other.

export type MarketplaceTld =
  | 'com' | 'co.uk' | 'de' | 'fr' | 'it' | 'es' | 'nl' | 'pl' | 'se' | 'ca'
  | 'com.mx' | 'com.br' | 'com.au' | 'co.jp' | 'sg' | 'in' | 'com.tr' | 'ae' | 'sa' | 'eg';

export interface Marketplace {
  readonly tld: MarketplaceTld;
  /** Host name of the storefront, e.g. `www.amazon.de`. */
  readonly host: string;
  /** ISO 4217 currency code of prices shown on this marketplace. */
  readonly currency: string;
  /** Digits after the decimal point of one major unit (JPY 0, everything else here 2). */
  readonly minorDigits: number;
  /** Amazon's default content language (`language=` URL parameter). */
  readonly language: string;
  /** Decimal separator in displayed prices; the other of `.`/`,` (or a space) groups thousands. */
  readonly decimalSeparator: '.' | ',';
  /** Thousands separator in the default language ("1.299,00 €", "1 299,00 zł", "1,299.00"). */
  readonly groupSeparator: '.' | ',' | ' ';
}

const table: readonly Marketplace[] = [
  { tld: 'com', host: 'www.amazon.com', currency: 'USD', minorDigits: 2, language: 'en_US', decimalSeparator: '.', groupSeparator: ',' },
  { tld: 'co.uk', host: 'www.amazon.co.uk', currency: 'GBP', minorDigits: 2, language: 'en_GB', decimalSeparator: '.', groupSeparator: ',' },
  { tld: 'de', host: 'www.amazon.de', currency: 'EUR', minorDigits: 2, language: 'de_DE', decimalSeparator: ',', groupSeparator: '.' },
  { tld: 'fr', host: 'www.amazon.fr', currency: 'EUR', minorDigits: 2, language: 'fr_FR', decimalSeparator: ',', groupSeparator: ' ' },
  { tld: 'it', host: 'www.amazon.it', currency: 'EUR', minorDigits: 2, language: 'it_IT', decimalSeparator: ',', groupSeparator: '.' },
  { tld: 'es', host: 'www.amazon.es', currency: 'EUR', minorDigits: 2, language: 'es_ES', decimalSeparator: ',', groupSeparator: '.' },
  { tld: 'nl', host: 'www.amazon.nl', currency: 'EUR', minorDigits: 2, language: 'nl_NL', decimalSeparator: ',', groupSeparator: '.' },
  { tld: 'pl', host: 'www.amazon.pl', currency: 'PLN', minorDigits: 2, language: 'pl_PL', decimalSeparator: ',', groupSeparator: ' ' },
  { tld: 'se', host: 'www.amazon.se', currency: 'SEK', minorDigits: 2, language: 'sv_SE', decimalSeparator: ',', groupSeparator: ' ' },
  { tld: 'ca', host: 'www.amazon.ca', currency: 'CAD', minorDigits: 2, language: 'en_CA', decimalSeparator: '.', groupSeparator: ',' },
  { tld: 'com.mx', host: 'www.amazon.com.mx', currency: 'MXN', minorDigits: 2, language: 'es_MX', decimalSeparator: '.', groupSeparator: ',' },
  { tld: 'com.br', host: 'www.amazon.com.br', currency: 'BRL', minorDigits: 2, language: 'pt_BR', decimalSeparator: ',', groupSeparator: '.' },
  { tld: 'com.au', host: 'www.amazon.com.au', currency: 'AUD', minorDigits: 2, language: 'en_AU', decimalSeparator: '.', groupSeparator: ',' },
  { tld: 'co.jp', host: 'www.amazon.co.jp', currency: 'JPY', minorDigits: 0, language: 'ja_JP', decimalSeparator: '.', groupSeparator: ',' },
  { tld: 'sg', host: 'www.amazon.sg', currency: 'SGD', minorDigits: 2, language: 'en_SG', decimalSeparator: '.', groupSeparator: ',' },
  { tld: 'in', host: 'www.amazon.in', currency: 'INR', minorDigits: 2, language: 'en_IN', decimalSeparator: '.', groupSeparator: ',' },
  { tld: 'com.tr', host: 'www.amazon.com.tr', currency: 'TRY', minorDigits: 2, language: 'tr_TR', decimalSeparator: ',', groupSeparator: '.' },
  { tld: 'ae', host: 'www.amazon.ae', currency: 'AED', minorDigits: 2, language: 'en_AE', decimalSeparator: '.', groupSeparator: ',' },
  { tld: 'sa', host: 'www.amazon.sa', currency: 'SAR', minorDigits: 2, language: 'ar_SA', decimalSeparator: '.', groupSeparator: ',' },
  { tld: 'eg', host: 'www.amazon.eg', currency: 'EGP', minorDigits: 2, language: 'ar_EG', decimalSeparator: '.', groupSeparator: ',' },
];

export const MARKETPLACES: ReadonlyMap<MarketplaceTld, Marketplace> = new Map(table.map((m) => [m.tld, m]));

export const MARKETPLACE_TLDS: readonly MarketplaceTld[] = table.map((m) => m.tld);

export function isMarketplaceTld(value: string): value is MarketplaceTld {
  return MARKETPLACES.has(value as MarketplaceTld);
}

/** The marketplace for a TLD; accepts `amazon.de`/`www.amazon.de` spellings too. */
export function marketplaceFor(tldOrHost: string): Marketplace | undefined {
  const tld = tldOrHost.trim().toLowerCase().replace(/^(www\.)?amazon\./, '');
  return MARKETPLACES.get(tld as MarketplaceTld);
}
