// Parsing a user's moment (`export --as-of`, dashboards' "as of" fields) into unix ms.
// date-fns' parseISO is strict ISO 8601 (Date.parse also takes "May 10 2026" and reads a
// date-time without offset in the process's local time zone). An instant must say its
// zone: a date-time without `Z` or an offset is refused rather than read in whatever zone
// the server runs in; a date alone is that day's UTC midnight, as Keepa's stats dates.
// The two functions' own modules: the package root loads all of date-fns (~5 MB of heap
// in every process, `pricekeep start` included).
import { isValid } from 'date-fns/isValid';
import { parseISO } from 'date-fns/parseISO';

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const HAS_ZONE = /(Z|[+-]\d{2}(:?\d{2})?)$/i;

/** Unix ms of an ISO 8601 date (UTC midnight) or date-time with zone; null if it is neither. */
export function parseInstant(text: string): number | null {
  const trimmed = text.trim();
  const zoned = DATE_ONLY.test(trimmed) ? `${trimmed}T00:00:00Z` : trimmed;
  if (!HAS_ZONE.test(zoned) || !/^\d{4}-\d{2}-\d{2}T/.test(zoned)) return null;
  const date = parseISO(zoned);
  return isValid(date) ? date.getTime() : null;
}
