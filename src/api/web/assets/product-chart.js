// The product page's chart: every stored price series on one price axis, the sales rank
// on a second axis, the rating on a third (0–5 stars), as step lines with gaps where out
// of stock; range buttons, drag to zoom, and a tooltip with each series' exact value in
// the marketplace's currency at the cursor's local date-time. The drawn data is exposed as
// window.__chart so the browser tests read what the chart holds, not only its pixels.
import uPlot from './vendor/uPlot.esm.js';
import { alignSeries, indexAt, keepaMinuteToSeconds, rangeExtent } from './chart-data.js';
import { formatCount, formatMoney, formatRating } from './display/money.js';
import { h, localDateTime } from './dom.js';

export const RANGES = [
  ['1 week', 7],
  ['1 month', 31],
  ['3 months', 90],
  ['1 year', 365],
  ['All', null],
];

function formatValue(scale, value, format) {
  if (value === null || value === undefined) return scale === 'price' ? 'out of stock' : '—';
  if (scale === 'price') return formatMoney(value, format);
  if (scale === 'rank') return `#${formatCount(value, format)}`;
  return `${formatRating(value)} ★`;
}

function tooltipPlugin(series, format, tooltip) {
  return {
    hooks: {
      setCursor: [
        (u) => {
          // The step in force at the cursor's time, not uPlot's nearest point: between two
          // points a history holds the earlier value.
          const idx = u.cursor.left >= 0 ? indexAt(u.data[0], u.posToVal(u.cursor.left, 'x')) : -1;
          if (idx < 0) {
            tooltip.hidden = true;
            return;
          }
          tooltip.hidden = false;
          tooltip.replaceChildren(
            h('div', { class: 'tip-time' }, localDateTime(u.posToVal(u.cursor.left, 'x') * 1000)),
            ...series.map((s, i) =>
              u.series[i + 1].show
                ? h('div', { class: 'tip-row', 'data-series': s.key },
                    h('span', { class: 'swatch', style: `background:${s.color}` }), `${s.label}: `, h('b', {}, formatValue(s.scale, u.data[i + 1][idx], format)))
                : null,
            ),
          );
          const left = Math.min(u.cursor.left + 16, u.over.clientWidth - tooltip.offsetWidth);
          tooltip.style.left = `${Math.max(0, left)}px`;
          tooltip.style.top = `${Math.max(0, u.cursor.top - tooltip.offsetHeight - 8)}px`;
        },
      ],
    },
  };
}

/** Draws the chart into `container`; returns the uPlot instance. */
export function drawChart(container, product, format) {
  const series = product.series;
  const data = alignSeries(series, product.now);
  const nowSeconds = keepaMinuteToSeconds(product.now);
  const firstSeconds = data[0].length ? data[0][0] : nowSeconds;
  const tooltip = h('div', { class: 'tooltip', hidden: true, role: 'tooltip' });
  const stepped = uPlot.paths.stepped({ align: 1 });
  const hasRank = series.some((s) => s.scale === 'rank');
  const hasRating = series.some((s) => s.scale === 'rating');
  const width = Math.max(320, container.clientWidth || 900);
  // When the first frame is on the canvas (uPlot may draw after the constructor returns).
  let drawnAt = 0;
  const markDrawn = () => {
    if (drawnAt) return;
    drawnAt = performance.now();
    if (window.__chart) window.__chart.drawnAt = drawnAt;
  };
  const options = {
    width,
    height: 420,
    series: [
      { value: (u, v) => (v === null ? '—' : localDateTime(v * 1000)) },
      ...series.map((s) => ({
        label: s.label,
        scale: s.scale,
        stroke: s.color,
        width: s.scale === 'price' ? 2 : 1.25,
        dash: s.key === 'csv:4' ? [6, 4] : undefined,
        paths: stepped,
        spanGaps: false,
        points: { show: false },
        value: (u, v) => formatValue(s.scale, v, format),
      })),
    ],
    scales: {
      x: { time: true },
      price: { auto: true },
      rank: { auto: true },
      rating: { auto: false, range: [0, 50] },
    },
    axes: [
      {},
      { scale: 'price', values: (u, ticks) => ticks.map((t) => formatMoney(Math.round(t), format)), size: 80 },
      hasRank ? { scale: 'rank', side: 1, grid: { show: false }, values: (u, ticks) => ticks.map((t) => `#${formatCount(Math.round(t), format)}`), size: 100 } : { scale: 'rank', show: false },
      { scale: 'rating', show: false },
    ],
    cursor: { drag: { x: true, y: false, setScale: true }, points: { show: false } },
    legend: { show: true, live: false },
    plugins: [tooltipPlugin(series, format, tooltip)],
    hooks: { draw: [markDrawn] },
  };
  const u = new uPlot(options, data, container);
  u.over.append(tooltip);
  const initial = rangeExtent(90, firstSeconds, nowSeconds);
  u.setScale('x', initial);
  window.__chart = {
    uplot: u,
    data,
    series: series.map((s) => ({ key: s.key, label: s.label, scale: s.scale, points: s.t.length })),
    now: nowSeconds,
    first: firstSeconds,
    drawnAt,
    hasRating,
  };
  return u;
}

/** The range buttons above the chart. */
export function rangeButtons(u, first, now) {
  return h('div', { class: 'ranges', role: 'group', 'aria-label': 'Range' },
    ...RANGES.map(([label, days]) =>
      h('button', { type: 'button', 'data-days': days ?? 'all', onclick: () => u.setScale('x', rangeExtent(days, first, now)) }, label)));
}
