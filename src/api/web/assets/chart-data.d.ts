// Types of chart-data.js (served to the browser as is).
export interface StepSeries {
  readonly t: readonly number[];
  readonly v: readonly number[];
}
export function keepaMinuteToSeconds(minute: number): number;
export function alignSeries(series: readonly StepSeries[], nowMinute?: number | null): [number[], ...Array<Array<number | null>>];
export function rangeExtent(days: number | null, firstSeconds: number, nowSeconds: number): { min: number; max: number };
export function indexAt(xs: readonly number[], seconds: number): number;
