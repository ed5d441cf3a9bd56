// The attribute tables of a product page (overview, technical details, detail bullets),
// read once into label → value, plus the best-sellers rank row kept as an element because
// its structure (one entry per line, linked sub-categories) carries the ranks.
import type { Element } from 'domhandler';
import { BRAND_LABEL, BYLINE_BRAND, DIMENSIONS_LABEL, MANUFACTURER_LABEL, REVIEWS_LABEL, SALES_RANK_LABEL } from '../locale/phrases.js';
import { textOf } from '../html/text.js';
import type { ExtractContext } from './context.js';
import { absoluteUrl, findAll, findFirst } from './dom.js';

export interface DetailTables {
  /** Label → value, first occurrence wins (overview before technical details). */
  readonly details: Map<string, string>;
  /** The value element of the best-sellers rank row, when the page has one. */
  readonly salesRankCell: Element | undefined;
}

const TABLE_IDS = [
  'productOverview_feature_div', 'productDetails_techSpec_section_1', 'productDetails_techSpec_section_2',
  'productDetails_detailBullets_sections1', 'technicalSpecifications_section_1', 'productDetails_feature_div', 'prodDetails', 'tech',
];
/** Detail bullets; the mobile layout keeps its full list in a secondary view. */
const BULLET_IDS = ['detailBulletsWrapper_feature_div', 'detailBullets_feature_div', 'detailBullets_secondary_view_div'];

// Detail bullets wrap the colon in bidi marks: "Brand ‏ : ‎ Ultrean".
const BIDI_MARKS = /[\u200e\u200f\u061c]/g;

function cleanValue(text: string): string {
  return text.replace(BIDI_MARKS, '').replace(/\s+/g, ' ').trim();
}

/** "Brand ‏ : ‎", "Marke:" → "Brand", "Marke". */
function cleanLabel(text: string): string {
  return cleanValue(text).replace(/\s*[:：]$/, '');
}

export function detailTables(ctx: ExtractContext): DetailTables {
  const { page } = ctx;
  const details = new Map<string, string>();
  let salesRankCell: Element | undefined;
  const add = (label: string, valueEl: Element) => {
    if (!label) return;
    if (SALES_RANK_LABEL.test(label)) {
      salesRankCell ??= valueEl;
      return;
    }
    if (REVIEWS_LABEL.test(label) || details.has(label)) return;
    const value = cleanValue(textOf(valueEl));
    if (value) details.set(label, value);
  };

  const seenRows = new Set<Element>();
  // Amazon repeats some of these ids (the mobile layout has a short primary view and the full
  // secondary one), so every element with the id is read; the first value of a label wins.
  for (const table of TABLE_IDS.flatMap((id) => page.allById(id))) {
    for (const row of findAll(page, table, 'tr')) {
      if (seenRows.has(row)) continue;
      seenRows.add(row);
      const cells = row.children.filter((c): c is Element => c.type === 'tag' && (c.name === 'th' || c.name === 'td'));
      if (cells.length < 2) continue;
      add(cleanLabel(textOf(cells[0])), cells[1]);
    }
  }
  // As with the tables, every bullet list is read (the wrapper holds the list: each item once).
  const items = new Set(BULLET_IDS.flatMap((id) => page.allById(id)).flatMap((root) => findAll(page, root, 'li')));
  for (const item of items) {
    const bold = findFirst(page, item, 'span.a-text-bold');
    if (!bold) continue;
    const label = cleanLabel(textOf(bold));
    if (SALES_RANK_LABEL.test(label)) {
      salesRankCell ??= item;
      continue;
    }
    const boldText = cleanValue(textOf(bold));
    const full = cleanValue(textOf(item));
    const value = (full.startsWith(boldText) ? full.slice(boldText.length) : full).replace(/^[:：]\s*/, '').trim();
    if (label && value && !details.has(label) && !REVIEWS_LABEL.test(label)) details.set(label, value);
  }
  // Older layouts: `<li id="SalesRank"><b>Amazon Bestsellers Rank:</b> …</li>` in the detail
  // bullets, or `<tr id="SalesRank"><td class="label">…</td><td class="value">…</td></tr>`.
  if (!salesRankCell) {
    const legacy = page.byId('SalesRank');
    const cells = legacy?.name === 'tr' ? legacy.children.filter((c): c is Element => c.type === 'tag' && (c.name === 'td' || c.name === 'th')) : [];
    salesRankCell = cells.length >= 2 ? cells[cells.length - 1] : legacy;
  }
  return { details, salesRankCell };
}

export function detailValue(details: Map<string, string>, label: RegExp): string | null {
  for (const [name, value] of details) if (label.test(name)) return value;
  return null;
}

export interface BrandFacts {
  readonly brand: string | null;
  readonly storeUrl: string | null;
}

/** Brand from the attribute tables, else from the byline ("Visit the X Store", "Marca: X"). */
export function brandOf(ctx: ExtractContext, details: Map<string, string>): BrandFacts {
  const byline = ctx.page.byId('bylineInfo');
  const storeUrl = absoluteUrl(byline?.attribs.href, ctx.origin);
  const fromTable = detailValue(details, BRAND_LABEL);
  if (fromTable) return { brand: fromTable, storeUrl };
  const text = cleanValue(textOf(byline));
  if (!text) return { brand: null, storeUrl };
  for (const pattern of BYLINE_BRAND) {
    const match = pattern.exec(text);
    if (match) return { brand: match[1].trim(), storeUrl };
  }
  // A bare byline ("ChangM") is the brand when it links to the brand's store or listing.
  const href = byline?.attribs.href ?? '';
  const isBrandLink = /\/stores\/|field-lbr_brands_browse-bin=|field-brandtextbin=/.test(href);
  return { brand: isBrandLink && !/\s{2,}/.test(text) ? text : null, storeUrl };
}

export function manufacturerOf(details: Map<string, string>): string | null {
  return detailValue(details, MANUFACTURER_LABEL);
}

export function dimensionsOf(details: Map<string, string>): string | null {
  return detailValue(details, /^(?:product dimensions|produktabmessungen|dimensions du produit|dimensioni prodotto|dimensiones del producto|dimensões do produto|productafmetingen|wymiary produktu|produktmått|製品サイズ|ürün boyutları|أبعاد المنتج)/i) ?? detailValue(details, DIMENSIONS_LABEL);
}
