// The series the product page draws, in legend order, with the axis each one belongs to.
export type ChartScale = 'price' | 'rank' | 'rating';

export interface ChartSeriesSpec {
  readonly csv: number;
  readonly label: string;
  readonly scale: ChartScale;
  readonly color: string;
}

export const CHART_SERIES: readonly ChartSeriesSpec[] = [
  { csv: 0, label: 'Amazon', scale: 'price', color: '#ff9900' },
  { csv: 1, label: 'New', scale: 'price', color: '#1565c0' },
  { csv: 2, label: 'Used', scale: 'price', color: '#616161' },
  { csv: 4, label: 'List price', scale: 'price', color: '#00897b' },
  { csv: 18, label: 'Buy Box', scale: 'price', color: '#d81b60' },
  { csv: 3, label: 'Sales rank', scale: 'rank', color: '#2e7d32' },
  { csv: 16, label: 'Rating', scale: 'rating', color: '#8e24aa' },
];
