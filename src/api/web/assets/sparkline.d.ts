// Types of sparkline.js (served to the browser as is).
export const MIN_STRETCH_PX: number;
export function sparklinePath(t: readonly number[], v: readonly number[], from: number, to: number, width: number, height: number): string;
