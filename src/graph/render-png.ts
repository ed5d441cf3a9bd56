// SVG → PNG with resvg (prebuilt binaries from the npm registry). Text is set in the DejaVu
// Sans shipped as an npm package, never in system fonts, so the same SVG gives the same
// pixels on every machine (the reference-image tests depend on it).
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const FONT = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf');

/** resvg's native module, loaded on the first graph: most servers never draw one (~4 MB). */
let resvgModule: typeof import('@resvg/resvg-js') | null = null;

export function svgToPng(svg: string): Buffer {
  resvgModule ??= require('@resvg/resvg-js') as typeof import('@resvg/resvg-js');
  const resvg = new resvgModule.Resvg(svg, {
    font: { loadSystemFonts: false, fontFiles: [FONT], defaultFontFamily: 'DejaVu Sans' },
    shapeRendering: 2,
    textRendering: 1,
  });
  return resvg.render().asPng();
}
