// Static files of the dashboard, served as they are in the repository (no build step):
// this folder's assets/, the money formatter shared with the server (src/display), and
// uPlot from node_modules. A fixed list read at start-up: no path from a request ever
// reaches the file system.
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

export interface Asset {
  readonly body: Buffer;
  readonly type: string;
}

function typeOf(name: string): string | undefined {
  return TYPES[name.slice(name.lastIndexOf('.'))];
}

/** URL path under /app/assets/ → file. */
export function loadAssets(): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  const add = (urlPath: string, file: string) => {
    const type = typeOf(file);
    if (type) assets.set(urlPath, { body: readFileSync(file), type });
  };
  const own = join(here, 'assets');
  for (const name of readdirSync(own)) if (!name.endsWith('.d.ts')) add(name, join(own, name));
  add('display/money.js', join(here, '../../display/money.js'));
  const uplot = dirname(require.resolve('uplot/dist/uPlot.esm.js'));
  add('vendor/uPlot.esm.js', join(uplot, 'uPlot.esm.js'));
  add('vendor/uPlot.min.css', join(uplot, 'uPlot.min.css'));
  return assets;
}
