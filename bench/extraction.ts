// Extraction: product pages/s for `extract` over the real fixture pages, against bare
// `cheerio.load` (parse5) on the same pages. Target: ≥ 0.5× (extraction costs no more than
// parsing). The informative second row compares against cheerio/slim (htmlparser2), the
// parser our extractor itself uses.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as cheerio from 'cheerio';
import * as cheerioSlim from 'cheerio/slim';
import { extractProduct } from '../src/scraper/index.js';
import type { MarketplaceTld } from '../src/marketplaces.js';
import type { Benchmark, BenchRow } from './bench-types.js';

const DIR = fileURLToPath(new URL('../../shared/fixtures/amazon/', import.meta.url));

function pages(): Array<{ html: string; tld: MarketplaceTld }> {
  return readdirSync(DIR)
    .filter((f) => /_product_[A-Z0-9]{10}\.html$/.test(f))
    .map((f) => ({ html: readFileSync(`${DIR}${f}`, 'utf8'), tld: f.split('_')[0]!.replaceAll('-', '.') as MarketplaceTld }));
}

/** Pages per second of `work` over all pages, best of `rounds` (the least disturbed). */
function pagesPerSecond(all: ReturnType<typeof pages>, rounds: number, work: (p: (typeof all)[number]) => unknown): number {
  let best = 0;
  for (let r = 0; r < rounds; r++) {
    const start = performance.now();
    for (const page of all) work(page);
    best = Math.max(best, all.length / ((performance.now() - start) / 1000));
  }
  return best;
}

export const extractionBenchmark: Benchmark = {
  name: 'extraction',
  async run({ scale, log }): Promise<BenchRow[]> {
    const all = pages();
    const rounds = Math.max(2, Math.round(3 * scale));
    log(`extraction: ${all.length} pages × ${rounds} rounds`);
    for (const page of all) extractProduct(page.html, page.tld); // warm-up (JIT)
    let ours = 0;
    let parse5 = 0;
    let slim = 0;
    // interleaved, so that machine noise hits all three alike
    for (let i = 0; i < 2; i++) {
      ours = Math.max(ours, pagesPerSecond(all, rounds, (p) => extractProduct(p.html, p.tld)));
      parse5 = Math.max(parse5, pagesPerSecond(all, rounds, (p) => cheerio.load(p.html)));
      slim = Math.max(slim, pagesPerSecond(all, rounds, (p) => cheerioSlim.load(p.html)));
    }
    const fmt = (n: number) => `${n.toFixed(0)} pages/s`;
    return [
      { name: 'extraction vs cheerio.load', figure: fmt(ours), baseline: `${fmt(parse5)} (cheerio.load)`, ratio: ours / parse5, target: '≥ 0.5×', met: ours / parse5 >= 0.5,
        note: `extractProduct (parse + classify + extract) over ${all.length} real product pages, best of ${rounds} rounds` },
      { name: 'extraction vs cheerio/slim', figure: fmt(ours), baseline: `${fmt(slim)} (cheerio/slim load)`, ratio: ours / slim, target: 'report', met: null },
    ];
  },
};
