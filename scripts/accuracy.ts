// `npm run accuracy`: extracts every page in ../shared/fixtures/amazon (saved Amazon pages)
// and in fixtures/amazon (pages we wrote in Amazon's markup for cases no saved page has, and
// saved pages not yet moved to the shared directory; a sidecar with `synthetic` says which),
// compares each with its sidecar's expected values, and prints accuracy per marketplace and
// per field, then every miss. Exit code 1 when anything is missed.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isMarketplaceTld, type MarketplaceTld } from '../src/marketplaces.js';
import { extractProduct } from '../src/scraper/extract/product.js';
import { extractSearch } from '../src/scraper/extract/search.js';
import { checkProduct, checkRefusal, checkSearch, type FieldCheck, type Sidecar } from '../test/golden/sidecar-compare.js';

const root = resolve(import.meta.dirname, '..');
const sources = [
  { label: 'saved Amazon pages (../shared/fixtures/amazon)', dir: join(root, '../shared/fixtures/amazon') },
  { label: 'pages in fixtures/amazon (written for pricekeep, or saved and not yet shared)', dir: join(root, 'fixtures/amazon') },
].filter((s) => existsSync(s.dir));

interface PageResult {
  readonly file: string;
  readonly tld: MarketplaceTld;
  readonly checks: FieldCheck[];
}

function tldOf(file: string): MarketplaceTld {
  const tld = file.split('_')[0].replace(/-/g, '.');
  if (!isMarketplaceTld(tld)) throw new Error(`${file}: unknown marketplace "${tld}"`);
  return tld;
}

function evaluate(dir: string): PageResult[] {
  const results: PageResult[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.html')).sort()) {
    const sidecarPath = join(dir, file.replace(/\.html$/, '.json'));
    if (!existsSync(sidecarPath)) continue;
    const sidecar = JSON.parse(readFileSync(sidecarPath, 'utf8')) as Sidecar;
    const html = readFileSync(join(dir, file), 'utf8');
    const tld = tldOf(file);
    const asin = sidecar.request_asin ?? (typeof sidecar.expected.asin === 'string' ? sidecar.expected.asin : undefined);
    let checks: FieldCheck[];
    if (sidecar.page_kind === 'search') checks = checkSearch(extractSearch(html, tld), sidecar.expected);
    else if (sidecar.page_kind === 'captcha') checks = checkRefusal(extractProduct(html, tld, { asin }), 'blocked_by_amazon');
    else if (sidecar.page_kind === 'error') checks = checkRefusal(extractProduct(html, tld, { asin }), String(sidecar.expected.error));
    else checks = checkProduct(extractProduct(html, tld, { asin }), sidecar.expected);
    results.push({ file, tld, checks });
  }
  return results;
}

const pct = (ok: number, all: number) => (all === 0 ? '-' : `${((100 * ok) / all).toFixed(1)}%`);
function tally(checks: FieldCheck[]): string {
  const ok = checks.filter((c) => c.ok).length;
  return `${ok}/${checks.length} (${pct(ok, checks.length)})`;
}

let missed = 0;
for (const source of sources) {
  const results = evaluate(source.dir);
  const all = results.flatMap((r) => r.checks);
  console.log(`== ${source.label}: ${tally(all)} expected values right on ${results.length} pages`);
  console.log('Per marketplace:');
  for (const tld of [...new Set(results.map((r) => r.tld))]) {
    const pages = results.filter((r) => r.tld === tld);
    console.log(`  ${tld.padEnd(7)} ${String(pages.length).padStart(2)} pages  ${tally(pages.flatMap((r) => r.checks))}`);
  }
  console.log('Per field:');
  for (const field of [...new Set(all.map((c) => c.field))]) {
    console.log(`  ${field.padEnd(18)} ${tally(all.filter((c) => c.field === field))}`);
  }
  const misses = results.flatMap((r) => r.checks.filter((c) => !c.ok).map((c) => ({ file: r.file, ...c })));
  console.log(`Misses: ${misses.length}`);
  for (const miss of misses) {
    console.log(`  ${miss.file} ${miss.field}: expected ${JSON.stringify(miss.expected)}, got ${JSON.stringify(miss.actual)}`);
  }
  console.log('');
  missed += misses.length;
}
process.exitCode = missed === 0 ? 0 : 1;
