// Descriptive content of a product page: title, bullets, description, breadcrumbs,
// images, videos and the variation (twister) map. Images and variations live in inline
// script JSON, read from the raw HTML.
import { jsonAfter, jsonStringAfter } from '../html/json-scan.js';
import { textOf, textOrNull } from '../html/text.js';
import type { LadderStep, Variation } from '../types.js';
import type { ExtractContext } from './context.js';
import { absoluteUrl, findAll, hasClass } from './dom.js';

export function titleOf(ctx: ExtractContext): string | null {
  for (const el of ctx.page.allById('productTitle')) {
    const text = textOf(el);
    if (text) return text;
  }
  // The mobile layout: h1#title; its Kindle book page: #ebooksTitle.
  return textOrNull(ctx.page.byId('title')) ?? textOrNull(ctx.page.byId('ebooksTitle'));
}

export function bulletPoints(ctx: ExtractContext): string | null {
  const root = ctx.page.byId('feature-bullets') ?? ctx.page.byId('featurebullets_feature_div');
  const lines = findAll(ctx.page, root, 'li')
    .filter((li) => !hasClass(li, 'aok-hidden') && li.attribs.id !== 'replacementPartsFitmentBullet')
    .map((li) => textOf(li))
    .filter(Boolean);
  return lines.length > 0 ? lines.join('\n') : null;
}

export function descriptionOf(ctx: ExtractContext): string | null {
  return textOrNull(ctx.page.byId('productDescription')) ?? textOrNull(ctx.page.byId('bookDescription_feature_div'));
}

/** Breadcrumb ladder (department → … → leaf); [] when the page shows "Back to results". */
export function categoryLadder(ctx: ExtractContext): LadderStep[] {
  return findAll(ctx.page, ctx.page.byId('wayfinding-breadcrumbs_feature_div'), 'a')
    .filter((a) => /[?&]node=\d+|\/b\//.test(a.attribs.href ?? ''))
    .map((a) => ({ name: textOf(a), url: absoluteUrl(a.attribs.href, ctx.origin) }))
    .filter((step) => step.name !== '');
}

interface GalleryImage {
  hiRes?: string | null;
  large?: string | null;
}

export function imagesOf(ctx: ExtractContext): string[] {
  const { html } = ctx.page;
  const at = html.indexOf("'colorImages'");
  const initial = at >= 0 ? jsonAfter(html, "'initial'", at, 20) : undefined;
  if (Array.isArray(initial)) {
    const urls = (initial as GalleryImage[]).map((img) => img?.hiRes || img?.large).filter((u): u is string => typeof u === 'string');
    if (urls.length > 0) return [...new Set(urls)];
  }
  const landing = ctx.page.byId('landingImage') ?? ctx.page.byId('imgBlkFront');
  if (!landing) return [];
  const hires = landing.attribs['data-old-hires'];
  if (hires) return [hires];
  try {
    const dynamic = Object.keys(JSON.parse(landing.attribs['data-a-dynamic-image'] ?? '{}'));
    if (dynamic.length > 0) return [dynamic[dynamic.length - 1]];
  } catch {
    // fall through to src
  }
  return landing.attribs.src && !landing.attribs.src.startsWith('data:') ? [landing.attribs.src] : [];
}

const VIDEOS = /"videos"\s*:\s*\[\s*\{/;

export function hasVideos(ctx: ExtractContext): boolean {
  return textOf(ctx.page.byId('videoCount')) !== '' || VIDEOS.test(ctx.page.html);
}

export interface TwisterFacts {
  readonly parentAsin: string | null;
  readonly variations: Variation[];
}

/** The variation map: every child ASIN with its dimension values ("color": "Black"). */
export function twister(ctx: ExtractContext, pageAsin: string): TwisterFacts {
  const { html } = ctx.page;
  const at = html.indexOf('"dimensionValuesDisplayData"');
  // A page that is its own parent (apparel parents) or has none reports null, as ASA does.
  const parent = jsonStringAfter(html, 'parentAsin');
  const parentAsin = parent && parent !== pageAsin && /^[A-Z0-9]{10}$/.test(parent) ? parent : null;
  if (at < 0) return { parentAsin, variations: [] };
  const values = jsonAfter(html, '"dimensionValuesDisplayData"', at);
  // The twister's own "dimensions" and "currentAsin" keys come shortly before the values.
  const near = (key: string) => {
    const i = html.lastIndexOf(key, at);
    return i >= 0 && at - i < 20_000 ? i : -1;
  };
  const dimsAt = near('"dimensions"');
  const dimensions = dimsAt >= 0 ? jsonAfter(html, '"dimensions"', dimsAt) : jsonAfter(html, '"dimensionsDisplay"', at);
  const currentAt = near('"currentAsin"');
  const current = (currentAt >= 0 ? jsonStringAfter(html, 'currentAsin', currentAt) : undefined) ?? pageAsin;
  if (!values || typeof values !== 'object' || Array.isArray(values)) return { parentAsin, variations: [] };
  const names = Array.isArray(dimensions) ? dimensions.map((d) => String(d).replace(/_name$/, '')) : [];
  const variations: Variation[] = [];
  for (const [asin, list] of Object.entries(values as Record<string, unknown>)) {
    if (!/^[A-Z0-9]{10}$/.test(asin) || !Array.isArray(list)) continue;
    const dims: Record<string, string> = {};
    list.forEach((value, i) => {
      dims[names[i] ?? `dimension_${i + 1}`] = String(value);
    });
    variations.push({ asin, dimensions: dims, selected: asin === current });
  }
  return { parentAsin, variations };
}
