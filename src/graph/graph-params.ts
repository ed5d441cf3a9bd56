// Keepa's /graphimage parameters (keepa-api-more.md §5) parsed and checked once, with
// Keepa's defaults. A value outside its documented domain is an error naming the
// parameter, answered as a Keepa error by the route.

/** Every parameter of /graphimage besides the key (unknown ones are rejected, as on every route). */
export const GRAPH_PARAMETERS: ReadonlySet<string> = new Set([
  'asin', 'domain', 'amazon', 'new', 'used', 'salesrank', 'bb', 'bbu', 'fba', 'fbm', 'ld', 'wd', 'pe',
  'range', 'yzoom', 'width', 'height', 'title', 'cBackground', 'cFont',
  'cAmazon', 'cNew', 'cUsed', 'cSales', 'cFBA', 'cFBM', 'cBB', 'cBBU', 'cLD', 'cWD', 'cPE',
]);

/** Graphs Keepa can draw, by their query flag, with the csv index each one reads. */
export const GRAPH_SERIES = [
  { flag: 'amazon', color: 'cAmazon', csv: 0, label: 'Amazon', fallback: 'ffa500', default: true },
  { flag: 'new', color: 'cNew', csv: 1, label: 'New', fallback: '8888dd', default: true },
  { flag: 'used', color: 'cUsed', csv: 2, label: 'Used', fallback: '444444', default: false },
  { flag: 'bb', color: 'cBB', csv: 18, label: 'Buy Box', fallback: 'ff00b4', default: false },
  { flag: 'bbu', color: 'cBBU', csv: 32, label: 'Used Buy Box', fallback: 'da66ff', default: false },
  { flag: 'fba', color: 'cFBA', csv: 10, label: 'New FBA', fallback: 'ff5722', default: false },
  { flag: 'fbm', color: 'cFBM', csv: 7, label: 'New FBM', fallback: '039be5', default: false },
  { flag: 'ld', color: 'cLD', csv: 8, label: 'Lightning Deal', fallback: 'ff0000', default: false },
  { flag: 'wd', color: 'cWD', csv: 9, label: 'Warehouse Deal', fallback: '9c27b0', default: false },
  { flag: 'pe', color: 'cPE', csv: 33, label: 'Prime Exclusive', fallback: '795548', default: false },
] as const;

export const SALES_RANK = { flag: 'salesrank', color: 'cSales', csv: 3, label: 'Sales Rank', fallback: '3a883a' } as const;

export interface GraphLine {
  readonly csv: number;
  readonly label: string;
  /** #rrggbb */
  readonly color: string;
}

export interface GraphParams {
  /** Price graphs asked for, in drawing order. */
  readonly prices: readonly GraphLine[];
  readonly salesRank: GraphLine | null;
  readonly rangeDays: number;
  readonly yzoom: boolean;
  readonly width: number;
  readonly height: number;
  readonly title: boolean;
  readonly background: string;
  readonly font: string;
}

export class GraphParamError extends Error {
  override readonly name = 'GraphParamError';
  constructor(
    readonly param: string,
    message: string,
    /** malformed: not a value of the parameter's kind; range: a number outside its bounds. */
    readonly kind: 'malformed' | 'range' = 'malformed',
  ) {
    super(message);
  }
}

type Query = Readonly<Record<string, string | undefined>>;

function flag(query: Query, name: string, fallback: boolean): boolean {
  const raw = query[name];
  if (raw === undefined) return fallback;
  if (raw === '0' || raw === '1') return raw === '1';
  throw new GraphParamError(name, `${name} must be 0 or 1, got "${raw}"`);
}

function integer(query: Query, name: string, fallback: number, min: number, max: number): number {
  const raw = query[name];
  if (raw === undefined) return fallback;
  if (!/^-?\d{1,9}$/.test(raw)) throw new GraphParamError(name, `${name} must be an integer, got "${raw}"`);
  if (Number(raw) < min || Number(raw) > max) {
    throw new GraphParamError(name, `${name} must be from ${min} to ${max}, got ${Number(raw)}`, 'range');
  }
  return Number(raw);
}

function color(query: Query, name: string, fallback: string): string {
  const raw = query[name];
  if (raw === undefined) return `#${fallback}`;
  if (!/^[0-9a-fA-F]{6}$/.test(raw)) throw new GraphParamError(name, `${name} must be six hex digits (RGB without #), got "${raw}"`);
  return `#${raw.toLowerCase()}`;
}

/** The parameters other than key/asin/domain; unknown parameters are ignored, as Keepa does. */
export function parseGraphParams(query: Query): GraphParams {
  // Every flag and colour is checked, also those of graphs not drawn.
  const lines = GRAPH_SERIES.map((s) => ({
    on: flag(query, s.flag, s.default),
    line: { csv: s.csv, label: s.label, color: color(query, s.color, s.fallback) },
  }));
  const rankOn = flag(query, SALES_RANK.flag, false);
  const rankColor = color(query, SALES_RANK.color, SALES_RANK.fallback);
  const prices = lines.filter((l) => l.on).map((l) => l.line);
  const salesRank = rankOn ? { csv: SALES_RANK.csv, label: SALES_RANK.label, color: rankColor } : null;
  return {
    prices,
    salesRank,
    rangeDays: integer(query, 'range', 90, 1, 36_500),
    yzoom: flag(query, 'yzoom', true),
    width: integer(query, 'width', 500, 300, 1000),
    height: integer(query, 'height', 200, 150, 1000),
    title: flag(query, 'title', true),
    background: color(query, 'cBackground', 'ffffff'),
    font: color(query, 'cFont', '333333'),
  };
}

/** A stable key of the parsed parameters (the image cache key, with the product version). */
export function graphParamsKey(params: GraphParams): string {
  return JSON.stringify(params);
}
