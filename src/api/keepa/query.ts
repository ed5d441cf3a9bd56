// Readers of Keepa-style query parameters: each returns the typed value or throws the
// catalogued ApiError (400 malformed, 405 out of range). Clients send booleans as 0/1.
import { ApiError } from './errors.js';

export type Query = Readonly<Record<string, unknown>>;

/** A parameter name with case and word separators ignored: buyBox, buybox, BUYBOX; only-live-offers, onlyLiveOffers, only_live_offers. */
function foldName(name: string): string {
  return name.toLowerCase().replace(/[-_]/g, '');
}

/**
 * The query with every parameter under the endpoint's own spelling: Keepa's clients and
 * users' scripts write `buyBox`, `onlyLiveOffers`, `only_live_offers` for `buybox` and
 * `only-live-offers`, and Keepa answers them alike. Unknown names stay as given (for
 * rejectUnknown); two spellings of one parameter are one parameter given twice.
 */
export function canonicalQuery(query: Query, known: ReadonlySet<string>): Query {
  const byFolded = new Map([...known].map((name) => [foldName(name), name]));
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(query)) {
    const canonical = byFolded.get(foldName(name)) ?? name;
    if (canonical in out) {
      throw new ApiError('invalid_parameter', `Parameter "${canonical}" was given more than once.`);
    }
    out[canonical] = value;
  }
  return out;
}

/** Rejects parameters the endpoint does not know (typos would otherwise pass silently). */
export function rejectUnknown(query: Query, known: ReadonlySet<string>): void {
  for (const name of Object.keys(query)) {
    if (!known.has(name)) {
      throw new ApiError('unknown_parameter', `Unknown parameter "${name}".`, `Known parameters: ${[...known].join(', ')}.`);
    }
  }
}

/** The single string value of a parameter, undefined when absent. */
export function single(query: Query, name: string): string | undefined {
  const value = query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new ApiError('invalid_parameter', `Parameter "${name}" was given more than once.`);
  return value.trim();
}

export function required(query: Query, name: string): string {
  const value = single(query, name);
  if (value === undefined || value === '') throw new ApiError('missing_parameter', `Parameter "${name}" is required.`);
  return value;
}

const INTEGER = /^-?\d{1,15}$/;

/** An integer parameter in [min, max]; malformed → 400, outside the range → 405. */
export function integer(query: Query, name: string, min: number, max: number): number | undefined {
  const raw = single(query, name);
  if (raw === undefined) return undefined;
  if (!INTEGER.test(raw)) throw new ApiError('invalid_parameter', `Parameter "${name}" must be an integer, got "${raw}".`);
  const value = Number(raw);
  if (value < min || value > max) {
    throw new ApiError('out_of_range', `Parameter "${name}" must be between ${min} and ${max}, got ${value}.`);
  }
  return value;
}

/** A 0/1 flag (true/false accepted too); absent → `fallback`. */
export function flag(query: Query, name: string, fallback = false): boolean {
  const raw = single(query, name);
  if (raw === undefined) return fallback;
  if (raw === '1' || raw === 'true') return true;
  if (raw === '0' || raw === 'false') return false;
  throw new ApiError('invalid_parameter', `Parameter "${name}" must be 0 or 1, got "${raw}".`);
}

/** A comma-separated list, blanks dropped, duplicates dropped (first occurrence kept). */
export function list(raw: string): string[] {
  return [...new Set(raw.split(',').map((item) => item.trim()).filter(Boolean))];
}
