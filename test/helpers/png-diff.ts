// Pixel comparison of two PNGs for the reference-image tests.
import { PNG } from 'pngjs';

export interface PngDiff {
  readonly sameSize: boolean;
  /** Share of pixels whose largest channel difference exceeds `threshold`. */
  readonly differing: number;
}

export function decodePng(png: Buffer): PNG {
  return PNG.sync.read(png);
}

export function diffPng(actual: Buffer, expected: Buffer, threshold = 48): PngDiff {
  const a = decodePng(actual);
  const b = decodePng(expected);
  if (a.width !== b.width || a.height !== b.height) return { sameSize: false, differing: 1 };
  let differing = 0;
  for (let i = 0; i < a.data.length; i += 4) {
    let max = 0;
    for (let c = 0; c < 4; c++) max = Math.max(max, Math.abs(a.data[i + c]! - b.data[i + c]!));
    if (max > threshold) differing++;
  }
  return { sameSize: true, differing: differing / (a.width * a.height) };
}

/** Pixels within `tolerance` of an #rrggbb colour. */
export function countColor(png: Buffer, hex: string, tolerance = 24): number {
  const { data } = decodePng(png);
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];
  let count = 0;
  for (let i = 0; i < data.length; i += 4) {
    if (Math.abs(data[i]! - r) <= tolerance && Math.abs(data[i + 1]! - g) <= tolerance && Math.abs(data[i + 2]! - b) <= tolerance) count++;
  }
  return count;
}
