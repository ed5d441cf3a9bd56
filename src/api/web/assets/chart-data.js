// Stored step histories → uPlot's aligned columns. A Keepa series holds each value until
// its next point, so every series is carried forward onto the union of all timestamps;
// a negative value (Keepa's -1 "no offer") becomes null, which uPlot draws as a gap — an
// out-of-stock stretch never shows as a price of 0 or -1.

const KEEPA_EPOCH_SECONDS = 21_564_000 * 60;

/** Unix seconds of a Keepa minute (uPlot's x unit). */
export function keepaMinuteToSeconds(minute) {
  return (minute + KEEPA_EPOCH_SECONDS / 60) * 60;
}

function unionTimes(series, nowMinute) {
  let total = 0;
  for (const s of series) total += s.t.length;
  const all = new Float64Array(total + 1);
  let n = 0;
  for (const s of series) for (const t of s.t) all[n++] = t;
  if (nowMinute !== undefined && nowMinute !== null) all[n++] = nowMinute;
  const sorted = all.subarray(0, n).sort();
  const out = [];
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) out.push(sorted[i]);
  return out;
}

/**
 * series: [{ t: Keepa minutes ascending, v: values }]; nowMinute: where the last values end.
 * Returns [x (unix seconds), ...one column per series] with null before a series' first
 * point and wherever its value in force is negative.
 */
export function alignSeries(series, nowMinute) {
  const times = unionTimes(series, nowMinute);
  const columns = [times.map(keepaMinuteToSeconds)];
  for (const s of series) {
    const column = new Array(times.length);
    let j = -1;
    for (let i = 0; i < times.length; i++) {
      while (j + 1 < s.t.length && s.t[j + 1] <= times[i]) j++;
      const value = j < 0 ? null : s.v[j];
      column[i] = value === null || value < 0 ? null : value;
    }
    columns.push(column);
  }
  return columns;
}

/** The x extent of a range button: the last `days` days up to now, or everything (days null). */
export function rangeExtent(days, firstSeconds, nowSeconds) {
  if (days === null) return { min: firstSeconds, max: nowSeconds };
  return { min: Math.max(firstSeconds, nowSeconds - days * 86_400), max: nowSeconds };
}

/** Index of the last x at or before `seconds` (the step in force there), -1 before the first. */
export function indexAt(xs, seconds) {
  let lo = 0;
  let hi = xs.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid] <= seconds) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}
