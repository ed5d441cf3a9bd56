// A 90-day price sparkline as an SVG path: steps like the chart, gaps where out of stock.

/**
 * The narrowest stretch drawn, in pixels: a price seen only briefly between gaps (or a
 * product's only scrape, a few minutes before "now") would otherwise be a path of a
 * fraction of a pixel, which draws nothing.
 */
export const MIN_STRETCH_PX = 3;

/**
 * t: Keepa minutes ascending, v: values (negative = no offer), drawn from `from` to `to`
 * (Keepa minutes) into a width × height box. Returns the `d` of a path ('' if nothing).
 */
export function sparklinePath(t, v, from, to, width, height) {
  const spans = [];
  for (let i = 0; i < t.length; i++) {
    const start = Math.max(t[i], from);
    const end = i + 1 < t.length ? Math.min(t[i + 1], to) : to;
    // The last value holds until `to`: kept even when it starts at `to` (scraped this minute).
    const empty = i + 1 < t.length ? end <= start : start > to;
    if (empty || v[i] < 0) continue;
    spans.push([start, end, v[i]]);
  }
  if (spans.length === 0) return '';
  let low = Infinity;
  let high = -Infinity;
  for (const [, , value] of spans) {
    low = Math.min(low, value);
    high = Math.max(high, value);
  }
  const x = (minute) => ((minute - from) / (to - from)) * width;
  const y = (value) => (high === low ? height / 2 : height - 1 - ((value - low) / (high - low)) * (height - 2)).toFixed(1);
  let d = '';
  spans.forEach(([start, end, value], i) => {
    const joinsPrevious = i > 0 && spans[i - 1][1] === start;
    const joinsNext = i + 1 < spans.length && spans[i + 1][0] === end;
    let x0 = x(start);
    let x1 = x(end);
    if (!joinsPrevious && !joinsNext && x1 - x0 < MIN_STRETCH_PX) {
      // An isolated stretch too short to see: a tick of the least visible width, kept inside the box.
      x0 = Math.max(0, Math.min(x0, width - MIN_STRETCH_PX));
      x1 = x0 + MIN_STRETCH_PX;
    }
    d += joinsPrevious ? `V${y(value)}` : `M${x0.toFixed(1)} ${y(value)}`;
    d += `H${x1.toFixed(1)}`;
  });
  return d;
}
