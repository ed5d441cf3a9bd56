// Keepa's `stats` request parameter → the stats interval in Keepa minutes.
//   "180"                     the last 180 days up to now ("0" is an empty interval at now,
//                             which is what Keepa answered in the empty-interval fixture)
//   "2025-01-01,2025-02-01"   UTC dates; the end date is included (interval ends at the
//                             following midnight)
//   "1735689600000,1738368000000"  unix epoch milliseconds (what the Java client sends)
// The two ends of a range may mix forms. Anything else is a StatsParamError.
import { MINUTES_PER_DAY, toKeepaMinute, type KeepaMinute } from './time.js';

export interface StatsInterval {
  readonly start: KeepaMinute;
  readonly end: KeepaMinute;
}

/** A `stats` value we cannot read; returned, not thrown, so the API can answer 400. */
export class StatsParamError extends Error {
  override readonly name = 'StatsParamError';
  readonly code = 'INVALID_STATS_PARAMETER';
}

/** Longest day count we accept: a century of history is more than any product has. */
export const MAX_STATS_DAYS = 36_525;

const DAYS = /^\d{1,6}$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
// Ten digits or more (from 2001-09-09 on), so that a day count is never read as milliseconds.
const EPOCH_MS = /^\d{10,15}$/;

function parseEnd(text: string, isEnd: boolean): KeepaMinute | StatsParamError {
  const date = DATE.exec(text);
  if (date) {
    const [year, month, day] = [Number(date[1]), Number(date[2]), Number(date[3])];
    const ms = Date.UTC(year, month - 1, day + (isEnd ? 1 : 0));
    const check = new Date(Date.UTC(year, month - 1, day));
    if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) {
      return new StatsParamError(`stats: ${text} is not a calendar date`);
    }
    return toKeepaMinute(ms);
  }
  if (EPOCH_MS.test(text)) return toKeepaMinute(Number(text));
  return new StatsParamError(`stats: ${JSON.stringify(text)} is neither a date (YYYY-MM-DD) nor epoch milliseconds (10+ digits)`);
}

/** Parses `stats` relative to `now`; the result is [start, end) in Keepa minutes. */
export function parseStatsParam(value: string, now: KeepaMinute): StatsInterval | StatsParamError {
  const text = value.trim();
  if (DAYS.test(text)) {
    const days = Number(text);
    if (days > MAX_STATS_DAYS) return new StatsParamError(`stats: ${days} days is more than ${MAX_STATS_DAYS}`);
    return { start: now - days * MINUTES_PER_DAY, end: now };
  }
  const parts = text.split(',');
  if (parts.length !== 2) {
    return new StatsParamError(`stats must be a number of days or START,END (dates or epoch ms), got ${JSON.stringify(value)}`);
  }
  const start = parseEnd(parts[0].trim(), false);
  if (start instanceof StatsParamError) return start;
  const end = parseEnd(parts[1].trim(), true);
  if (end instanceof StatsParamError) return end;
  if (start > end) return new StatsParamError(`stats: start ${parts[0].trim()} is after end ${parts[1].trim()}`);
  return { start, end };
}
