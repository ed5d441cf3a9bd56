// `npm run accuracy`: extracts every page in ../shared/fixtures/amazon (and our own
// fixtures/amazon) and compares it with its sidecar's expected values. Prints accuracy per
// marketplace and per field, then every miss. Exit code 1 when anything is missed.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isMarketplaceTld, type MarketplaceTld } from '../src/marketplaces.js';
import { extractProduct } from '../src/scraper/extract/product.js';
import { extractSearch } from '../src/scraper/extract/search.js';
import { checkCaptcha, checkProduct, checkSearch, type FieldCheck, type Sidecar } from '../src/scraper/sidecar-compare.js';

const root = resolve(import.meta.dirname, '..');
const dirs = [join(root, '../shared/fixtures/amazon'), join(root, 'fixtures/amazon')].filter(existsSync);

interface PageResult {
  readonly file: string;
  readonly tld: MarketplaceTld;
  readonly checks: FieldCheck[];
}

function tldOf(file: string): MarketplaceTld {
  const tld = file.split('_')[0].replace('-', '.');
  if (!isMarketplaceTld(tld)) throw new Error(`${file}: unknown marketplace "${tld}"`);
  return tld;
}

const results: PageResult[] = [];
for (const dir of dirs) {
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.html')).sort()) {
    const sidecarPath = join(dir, file.replace(/\.html$/, '.json'));
    if (!existsSync(sidecarPath)) continue;
    const sidecar = JSON.parse(readFileSync(sidecarPath, 'utf8')) as Sidecar;
    const html = readFileSync(join(dir, file), 'utf8');
    const tld = tldOf(file);
    let checks: FieldCheck[];
    if (sidecar.page_kind === 'search') checks = checkSearch(extractSearch(html, tld), sidecar.expected);
    else if (sidecar.page_kind === 'captcha') checks = checkCaptcha(extractProduct(html, tld));
    else {
      const asin = typeof sidecar.expected.asin === 'string' ? sidecar.expected.asin : undefined;
      checks = checkProduct(extractProduct(html, tld, { asin }), sidecar.expected);
    }
    results.push({ file, tld, checks });
  }
}

const pct = (ok: number, all: number) => (all === 0 ? '-' : `${((100 * ok) / all).toFixed(1)}%`);
function tally(checks: FieldCheck[]): string {
  const ok = checks.filter((c) => c.ok).length;
  return `${ok}/${checks.length} (${pct(ok, checks.length)})`;
}

const all = results.flatMap((r) => r.checks);
console.log(`Amazon fixture accuracy: ${tally(all)} expected values right, ${results.length} pages\n`);

console.log('Per marketplace:');
const tlds = [...new Set(results.map((r) => r.tld))];
for (const tld of tlds) {
  const pages = results.filter((r) => r.tld === tld);
  console.log(`  ${tld.padEnd(7)} ${String(pages.length).padStart(2)} pages  ${tally(pages.flatMap((r) => r.checks))}`);
}

console.log('\nPer field:');
const fields = [...new Set(all.map((c) => c.field))];
for (const field of fields) {
  console.log(`  ${field.padEnd(18)} ${tally(all.filter((c) => c.field === field))}`);
}

const misses = results.flatMap((r) => r.checks.filter((c) => !c.ok).map((c) => ({ file: r.file, ...c })));
console.log(`\nMisses: ${misses.length}`);
for (const miss of misses) {
  console.log(`  ${miss.file} ${miss.field}: expected ${JSON.stringify(miss.expected)}, got ${JSON.stringify(miss.actual)}`);
}
process.exitCode = misses.length === 0 ? 0 : 1;
