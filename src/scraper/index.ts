// Public surface of the scraper pipeline. Other modules import from here only.
export { createScraper, retryPolicyOf, type CreateScraperOptions, type Scraper } from './create-scraper.js';
export { classifyPage, type ClassifyContext, type PageClass } from './classify.js';
export { extractProduct, type ExtractProductOptions } from './extract/product.js';
export { extractSearch } from './extract/search.js';
export { parsePrice, minorToDecimal, decimalToMinor, type ParsedPrice } from './locale/price.js';
export { SCRAPE_ERRORS, scrapeError, isScrapeErrorCode, policyOf, type FailurePolicy, type ScrapeError, type ScrapeErrorCode } from './errors.js';
export { replayFileName } from './backends/replay.js';
export type {
  AttemptRecord,
  BuyboxOffer,
  Coupon,
  Delivery,
  LadderStep,
  Merchant,
  PageSource,
  ProductExtraction,
  Review,
  SalesRank,
  ScrapedProduct,
  ScrapeOptions,
  ScrapeOutcome,
  ScraperBackend,
  SearchExtraction,
  SearchOptions,
  SearchOutcome,
  SearchProduct,
  SearchResult,
  SortBy,
  Variation,
} from './types.js';
