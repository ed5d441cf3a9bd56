// SVG → PNG with resvg (prebuilt binaries from the npm registry). Text is set in the DejaVu
// Sans shipped as an npm package, never in system fonts, so the same SVG gives the same
// pixels on every machine (the reference-image tests depend on it).
import { createRequire } from 'node:module';
import { Resvg } from '@resvg/resvg-js';

const require = createRequire(import.meta.url);
const FONT = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf');

export function svgToPng(svg: string): Buffer {
  const resvg = new Resvg(svg, {
    font: { loadSystemFonts: false, fontFiles: [FONT], defaultFontFamily: 'DejaVu Sans' },
    shapeRendering: 2,
    textRendering: 1,
  });
  return resvg.render().asPng();
}
