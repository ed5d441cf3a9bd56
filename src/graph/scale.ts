// Axis scales for the server-drawn graph: "nice" tick steps (1, 2, 5 × 10^k) over integer
// values, so every tick is a whole number of minor units and prints exactly.

export interface Scale {
  readonly min: number;
  readonly max: number;
  readonly ticks: readonly number[];
}

function niceStep(span: number, count: number): number {
  const raw = Math.max(span / count, 1);
  const power = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * power >= raw) return m * power;
  return 10 * power;
}

/** A scale over [low, high] (integers); `zoom` false starts it at 0 (Keepa's yzoom=0). */
export function valueScale(low: number, high: number, zoom: boolean, count = 4): Scale {
  let min = zoom ? low : Math.min(0, low);
  let max = high;
  if (max <= min) {
    max = min + Math.max(1, Math.abs(min) * 0.1);
    min = zoom ? Math.max(0, min - (max - min)) : min;
  }
  const step = niceStep(max - min, count);
  min = Math.floor(min / step) * step;
  max = Math.ceil(max / step) * step;
  if (max === min) max = min + step;
  const ticks: number[] = [];
  for (let v = min; v <= max; v += step) ticks.push(v);
  return { min, max, ticks };
}

const DAY_STEPS = [1, 2, 7, 14, 30, 61, 91, 182, 365, 730, 1825];

/** Time ticks (Keepa minutes at UTC midnights) across [from, to]. */
export function timeTicks(from: number, to: number, count = 5): number[] {
  const days = (to - from) / 1440;
  const step = DAY_STEPS.find((d) => d >= days / count) ?? DAY_STEPS[DAY_STEPS.length - 1]!;
  const ticks: number[] = [];
  for (let t = Math.ceil(from / 1440) * 1440; t <= to; t += step * 1440) ticks.push(t);
  if (days < 1) {
    // Under a day: every 6 hours.
    ticks.length = 0;
    for (let t = Math.ceil(from / 360) * 360; t <= to; t += 360) ticks.push(t);
  }
  return ticks;
}
