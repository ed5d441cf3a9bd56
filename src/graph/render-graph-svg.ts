// The /graphimage picture as SVG, from stored histories alone (a pure function): the
// price graphs Keepa's parameters ask for as step lines on one price axis, the sales rank
// on a second axis at the right, `range` days up to `now`. A negative value (-1, no
// offer) ends a line: out-of-stock stretches are gaps, never drawn at 0.
import { formatCount, formatMoney, type MoneyFormat } from '../display/money.js';
import type { NumericPoint } from '../keepa/history-series.js';
import { keepaMinuteToUnixMs, type KeepaMinute } from '../keepa/time.js';
import type { GraphLine, GraphParams } from './graph-params.js';
import { timeTicks, valueScale, type Scale } from './scale.js';

export interface GraphInput {
  readonly title: string | null;
  readonly format: MoneyFormat;
  /** The right edge of the graph. */
  readonly now: KeepaMinute;
  /** Stored points by csv index. */
  readonly csv: ReadonlyMap<number, readonly NumericPoint[]>;
}

interface Span {
  readonly from: number;
  readonly to: number;
  readonly value: number;
}

/** The constant stretches of a step history inside [from, to], without its gaps. */
export function visibleSpans(points: readonly NumericPoint[], from: number, to: number): Span[] {
  const spans: Span[] = [];
  for (let i = 0; i < points.length; i++) {
    const start = Math.max(points[i]!.t, from);
    const end = i + 1 < points.length ? Math.min(points[i + 1]!.t, to) : to;
    if (end <= start || points[i]!.value < 0) continue;
    spans.push({ from: start, to: end, value: points[i]!.value });
  }
  return spans;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function dateLabel(minute: number, days: number): string {
  const d = new Date(keepaMinuteToUnixMs(minute));
  if (days < 1) return `${String(d.getUTCHours()).padStart(2, '0')}:00`;
  if (days > 730) return `${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
  return `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}`;
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function extent(spans: readonly Span[][]): [number, number] | null {
  let low = Infinity;
  let high = -Infinity;
  for (const list of spans) for (const s of list) {
    low = Math.min(low, s.value);
    high = Math.max(high, s.value);
  }
  return low === Infinity ? null : [low, high];
}

interface Box {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

function stepPath(spans: readonly Span[], x: (t: number) => number, y: (v: number) => number): string {
  let d = '';
  let previousEnd: number | null = null;
  for (const s of spans) {
    d += previousEnd === s.from ? `V${y(s.value).toFixed(1)}` : `M${x(s.from).toFixed(1)} ${y(s.value).toFixed(1)}`;
    d += `H${x(s.to).toFixed(1)}`;
    previousEnd = s.to;
  }
  return d;
}

function line(spans: readonly Span[], graph: GraphLine, x: (t: number) => number, y: (v: number) => number): string {
  const d = stepPath(spans, x, y);
  return d ? `<path d="${d}" fill="none" stroke="${graph.color}" stroke-width="1.5"/>` : '';
}

export function renderGraphSvg(input: GraphInput, params: GraphParams): string {
  const { width, height } = params;
  const to = input.now;
  const from = to - params.rangeDays * 1440;
  const font = `font-family="DejaVu Sans" fill="${params.font}"`;
  const top = params.title && input.title ? 22 : 8;
  const box: Box = { left: 62, top, width: width - 62 - (params.salesRank ? 62 : 14), height: height - top - 36 };
  const x = (t: number) => box.left + ((t - from) / (to - from)) * box.width;

  const priceSpans = params.prices.map((g) => visibleSpans(input.csv.get(g.csv) ?? [], from, to));
  const rankSpans = params.salesRank ? visibleSpans(input.csv.get(params.salesRank.csv) ?? [], from, to) : [];
  const priceRange = extent(priceSpans);
  const rankRange = extent([rankSpans]);
  const yOf = (scale: Scale) => (v: number) => box.top + box.height - ((v - scale.min) / (scale.max - scale.min)) * box.height;

  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<rect width="${width}" height="${height}" fill="${params.background}"/>`,
  ];
  if (params.title && input.title) {
    const room = Math.floor((width - 16) / 7);
    const title = input.title.length > room ? `${input.title.slice(0, room - 1)}…` : input.title;
    parts.push(`<text x="8" y="15" font-size="12" ${font}>${escapeXml(title)}</text>`);
  }
  parts.push(`<rect x="${box.left}" y="${box.top}" width="${box.width}" height="${box.height}" fill="none" stroke="#cccccc"/>`);

  for (const t of timeTicks(from, to)) {
    const px = x(t).toFixed(1);
    // A label at the right edge is right-aligned instead of cut off.
    const anchor = x(t) > box.left + box.width - 25 ? 'end' : 'middle';
    parts.push(`<line x1="${px}" y1="${box.top}" x2="${px}" y2="${box.top + box.height}" stroke="#eeeeee"/>`);
    parts.push(`<text x="${px}" y="${box.top + box.height + 13}" font-size="10" text-anchor="${anchor}" ${font}>${dateLabel(t, params.rangeDays)}</text>`);
  }

  const clip = `<clipPath id="plot"><rect x="${box.left}" y="${box.top}" width="${box.width}" height="${box.height}"/></clipPath>`;
  parts.push(`<defs>${clip}</defs>`);
  const drawn: string[] = [];
  if (priceRange) {
    const scale = valueScale(priceRange[0], priceRange[1], params.yzoom);
    const y = yOf(scale);
    for (const tick of scale.ticks) {
      const py = y(tick).toFixed(1);
      parts.push(`<line x1="${box.left}" y1="${py}" x2="${box.left + box.width}" y2="${py}" stroke="#eeeeee"/>`);
      parts.push(`<text x="${box.left - 4}" y="${py}" dy="3.5" font-size="10" text-anchor="end" ${font}>${escapeXml(formatMoney(tick, input.format))}</text>`);
    }
    params.prices.forEach((g, i) => drawn.push(line(priceSpans[i]!, g, x, y)));
  }
  if (params.salesRank && rankRange) {
    const scale = valueScale(rankRange[0], rankRange[1], params.yzoom);
    const y = yOf(scale);
    for (const tick of scale.ticks) {
      parts.push(`<text x="${box.left + box.width + 4}" y="${y(tick).toFixed(1)}" dy="3.5" font-size="10" ${font} fill-opacity="0.8">${formatCount(tick, input.format)}</text>`);
    }
    // Drawn first so the prices stay on top.
    drawn.unshift(line(rankSpans, params.salesRank, x, y));
  }
  parts.push(`<g clip-path="url(#plot)">${drawn.join('')}</g>`);
  if (!priceRange && !rankRange) {
    parts.push(`<text x="${box.left + box.width / 2}" y="${box.top + box.height / 2}" font-size="12" text-anchor="middle" ${font}>No data in this range</text>`);
  }

  // Legend: one swatch and name per graph asked for.
  let lx = box.left;
  const ly = height - 8;
  for (const g of [...params.prices, ...(params.salesRank ? [params.salesRank] : [])]) {
    parts.push(`<rect x="${lx}" y="${ly - 8}" width="10" height="8" fill="${g.color}"/>`);
    parts.push(`<text x="${lx + 13}" y="${ly}" font-size="10" ${font}>${g.label}</text>`);
    lx += 13 + g.label.length * 6.5 + 10;
  }
  parts.push('</svg>');
  return parts.join('');
}
