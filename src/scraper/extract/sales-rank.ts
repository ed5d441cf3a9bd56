// Best-sellers rank: one entry per line of the rank cell, main category first.
//   "#1 in Kitchen (See Top 100 in Kitchen)"      "Nr. 31,579 in Computer & Zubehör (…)"
//   "Nº 172 em Serras Elétricas"  "n.º 23 en Refrigeradores"  "1,234位ホーム＆キッチン (…)"
//   "Ev ve Yaşam kategorisinde 123.456. sırada"     "278 in Large Appliances" (no "#")
//   "#1161 in Books > Food & Drink > Vegetarian & Vegan" (older layouts print the ladder;
//   the rank is the leaf's, as the newer layouts name only the leaf)
// Ranks are integers, so every separator inside the number is grouping.
import type { Element } from 'domhandler';
import { normalizeNumerals } from '../locale/numbers.js';
import { SALES_RANK_LABEL } from '../locale/phrases.js';
import { linesOf, textOf } from '../html/text.js';
import type { SalesRank } from '../types.js';
import type { ExtractContext } from './context.js';
import { absoluteUrl, findAll } from './dom.js';

const ENTRY = /^(?:#|nr\.?|n\.?\s?[º°o]\.?|no\.|n\.)?\s*(\d[\d.,' ]*)\s*(?:位\s*|(?:in|em|en|dans|in der|nella categoria|w|i|di|på|في)\s+)(.+)$/i;
/** The main category's "(See Top 100 in …)", "(Ver los 100 más vendidos)", "(…の売れ筋ランキングを見る)". */
const TOP_LIST_LINK = /\([^)]*(?:\b100\b|ランキング)[^)]*\)/g;
const BARE_RANK = /^(?:#|nr\.?|no\.)?\s*(\d[\d.,' ]*)$/i;
const ENTRY_TR = /^(.+?)\s+kategorisinde\s+(\d[\d.,]*)\.?\s*sırada/i;

interface BestSellerLink {
  readonly text: string;
  readonly url: string | null;
  readonly nodeId: string | null;
}

function parseLine(line: string): { rank: number; category: string } | null {
  // Drop "(See Top 100 in …)" and the row label that bullets put on the first line; a
  // parenthesis that is part of the category stays ("Home & Garden (Books)").
  let text = normalizeNumerals(line).replace(TOP_LIST_LINK, ' ').replace(/\s+/g, ' ').trim();
  const colon = text.indexOf(':');
  if (colon >= 0 && SALES_RANK_LABEL.test(text.slice(0, colon))) text = text.slice(colon + 1).trim();
  text = text.replace(/^[-–]\s*/, '');
  // The mobile layout can give the main rank alone ("Best Sellers Rank | 147710", "Amazon.com
  // Sales Rank: 375493"): a rank whose category is unknown, empty as ASA gives it.
  const bare = BARE_RANK.exec(text);
  if (bare) {
    const rank = Number(bare[1].replace(/[.,' ]/g, ''));
    return Number.isSafeInteger(rank) && rank > 0 ? { rank, category: '' } : null;
  }
  const tr = ENTRY_TR.exec(text);
  const match = tr ? [tr[0], tr[2], tr[1]] : ENTRY.exec(text);
  if (!match) return null;
  const rank = Number(match[1].replace(/[.,' ]/g, ''));
  const ladder = match[2].replace(/\s*[|›>-]\s*$/, '').split(/\s+[>›]\s+/);
  const category = ladder[ladder.length - 1].trim();
  return Number.isSafeInteger(rank) && rank > 0 && category ? { rank, category } : null;
}

export function salesRanks(ctx: ExtractContext, cell: Element | undefined): SalesRank[] {
  if (!cell) return [];
  const links: BestSellerLink[] = findAll(ctx.page, cell, 'a[href*="/gp/bestsellers/"]').map((a) => {
    const href = a.attribs.href;
    return {
      text: textOf(a),
      url: absoluteUrl(href, ctx.origin),
      nodeId: /\/gp\/bestsellers\/[^/]+\/(\d+)/.exec(href)?.[1] ?? null,
    };
  });
  const out: SalesRank[] = [];
  for (const line of linesOf(cell)) {
    const entry = parseLine(line);
    if (!entry) continue;
    if (entry.category === '') {
      // Only the main rank comes without a category.
      if (out.length === 0) out.push({ rank: entry.rank, category: '', category_id: null, ladder: [] });
      continue;
    }
    // Sub-categories are links; the main category links only to its top-100 list.
    const link = links.find((l) => l.text === entry.category) ?? (out.length === 0 ? links.find((l) => l.text.includes(entry.category)) : undefined);
    out.push({
      rank: entry.rank,
      category: entry.category,
      category_id: link?.nodeId ?? null,
      ladder: [{ name: entry.category, url: link?.url ?? null }],
    });
  }
  return out;
}
