// Request headers of a current desktop Chrome, with Accept-Language in the marketplace's
// language: Amazon scores header sets that no browser sends, and answers in the language
// asked for.
import type { Marketplace } from '../../marketplaces.js';

export const DEFAULT_USER_AGENT =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

/** `de_DE` → `de-DE,de;q=0.9,en;q=0.8` (English last, as browsers in those locales send). */
export function acceptLanguage(language: string): string {
  const [lang, region] = language.split('_');
  const tag = region ? `${lang}-${region}` : lang;
  if (lang === 'en') return `${tag},en;q=0.9`;
  return `${tag},${lang};q=0.9,en;q=0.8`;
}

export function browserHeaders(market: Marketplace, userAgent = DEFAULT_USER_AGENT): Record<string, string> {
  return {
    'user-agent': userAgent,
    accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8',
    'accept-language': acceptLanguage(market.language),
    'accept-encoding': 'gzip, deflate, br',
    'cache-control': 'no-cache',
    pragma: 'no-cache',
    'upgrade-insecure-requests': '1',
    'sec-ch-ua': '"Google Chrome";v="131", "Chromium";v="131", "Not_A Brand";v="24"',
    'sec-ch-ua-mobile': '?0',
    'sec-ch-ua-platform': '"Windows"',
    'sec-fetch-dest': 'document',
    'sec-fetch-mode': 'navigate',
    'sec-fetch-site': 'none',
    'sec-fetch-user': '?1',
  };
}
