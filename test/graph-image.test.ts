// The /graphimage renderer on real Keepa products, compared with reference PNGs committed
// under test/reference/graphimage (regenerate with UPDATE_REFERENCE_IMAGES=1 after a
// deliberate change, and look at them).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GraphParamError, parseGraphParams } from '../src/graph/graph-params.js';
import { graphInputOf } from '../src/graph/graph-input.js';
import { renderGraphSvg, visibleSpans } from '../src/graph/render-graph-svg.js';
import { svgToPng } from '../src/graph/render-png.js';
import { splitKeepaProduct } from '../src/keepa/product-object.js';
import { SHARED_FIXTURES } from './helpers/fixtures.js';
import { countColor, decodePng, diffPng } from './helpers/png-diff.js';

const REFERENCE = new URL('./reference/graphimage/', import.meta.url);

function fixture(name: string) {
  return splitKeepaProduct(JSON.parse(readFileSync(`${SHARED_FIXTURES}keepa/more/${name}.json`, 'utf8')));
}

// The Python client's own test parameters, and a sales-rank graph of a JPY product.
const CASES: ReadonlyArray<{ name: string; query: Record<string, string> }> = [
  { name: '1496849574_us', query: { amazon: '1', new: '1', used: '1', bb: '1', fba: '1', range: '365', width: '800', height: '400', cAmazon: 'FFA500', cNew: '8888dd', cUsed: '444444', cBB: 'ff00b4', cFBA: 'ff5722' } },
  { name: 'B0BSL6P6WJ_jp', query: { salesrank: '1', title: '0', range: '90' } },
];

function render(name: string, query: Record<string, string>): Buffer {
  const product = fixture(name);
  // "now" is the snapshot's lastUpdate, so the picture never moves with the wall clock.
  const input = graphInputOf(product, product.meta.lastUpdate as number);
  return svgToPng(renderGraphSvg(input, parseGraphParams(query)));
}

describe('graph image', () => {
  for (const { name, query } of CASES) {
    it(`draws ${name} as its reference image`, () => {
      const png = render(name, query);
      const file = new URL(`${name}.png`, REFERENCE);
      if (process.env.UPDATE_REFERENCE_IMAGES === '1') writeFileSync(file, png);
      expect(existsSync(file), `reference image ${file.pathname} is missing`).toBe(true);
      const diff = diffPng(png, readFileSync(file));
      expect(diff.sameSize).toBe(true);
      expect(diff.differing).toBeLessThan(0.002);
      const { width, height } = decodePng(png);
      expect([width, height]).toEqual([Number(query.width ?? 500), Number(query.height ?? 200)]);
    });
  }

  it('draws each graph in the colour asked for, and nothing of a graph not asked for', () => {
    const withUsed = render('1496849574_us', { used: '1', cUsed: '00c000', amazon: '0', new: '0' });
    const withoutUsed = render('1496849574_us', { used: '0', cUsed: '00c000' });
    expect(countColor(withUsed, '#00c000')).toBeGreaterThan(500);
    expect(countColor(withoutUsed, '#00c000')).toBe(0);
    const background = render('1496849574_us', { cBackground: '102030' });
    expect(countColor(background, '#102030', 0)).toBeGreaterThan(500 * 200 * 0.5);
  });

  it('leaves out-of-stock stretches as gaps', () => {
    const points = [
      { t: 100, value: 500, second: null },
      { t: 200, value: -1, second: null },
      { t: 300, value: 700, second: null },
    ];
    expect(visibleSpans(points, 150, 400)).toEqual([
      { from: 150, to: 200, value: 500 },
      { from: 300, to: 400, value: 700 },
    ]);
  });

  it('rejects parameters outside Keepa\'s documented values, naming them', () => {
    for (const [param, value] of [['width', '200'], ['height', '1001'], ['range', '0'], ['range', 'abc'], ['amazon', '2'], ['cNew', 'blue'], ['yzoom', 'yes']] as const) {
      let error: unknown;
      try {
        parseGraphParams({ [param]: value });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(GraphParamError);
      expect((error as GraphParamError).param).toBe(param);
    }
    expect(parseGraphParams({})).toMatchObject({ rangeDays: 90, width: 500, height: 200, yzoom: true, title: true, salesRank: null });
    expect(parseGraphParams({}).prices.map((p) => p.label)).toEqual(['Amazon', 'New']);
  });
});
