// A 90-day price sparkline as an SVG path: steps like the chart, gaps where out of stock.

/**
 * t: Keepa minutes ascending, v: values (negative = no offer), drawn from `from` to `to`
 * (Keepa minutes) into a width × height box. Returns the `d` of a path ('' if nothing).
 */
export function sparklinePath(t, v, from, to, width, height) {
  const spans = [];
  for (let i = 0; i < t.length; i++) {
    const start = Math.max(t[i], from);
    const end = i + 1 < t.length ? Math.min(t[i + 1], to) : to;
    if (end <= start || v[i] < 0) continue;
    spans.push([start, end, v[i]]);
  }
  if (spans.length === 0) return '';
  let low = Infinity;
  let high = -Infinity;
  for (const [, , value] of spans) {
    low = Math.min(low, value);
    high = Math.max(high, value);
  }
  const x = (minute) => (((minute - from) / (to - from)) * width).toFixed(1);
  const y = (value) => (high === low ? height / 2 : height - 1 - ((value - low) / (high - low)) * (height - 2)).toFixed(1);
  let d = '';
  let previousEnd = null;
  for (const [start, end, value] of spans) {
    d += previousEnd === start ? `V${y(value)}` : `M${x(start)} ${y(value)}`;
    d += `H${x(end)}`;
    previousEnd = end;
  }
  return d;
}
