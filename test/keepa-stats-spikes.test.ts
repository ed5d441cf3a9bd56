// Golden tests of what the saved Keepa responses show about the price spikes Keepa leaves out
// of max, maxInInterval and the averages of offer price series (issue 11;
// scripts/spike-analysis.ts prints the full evidence). Which points Keepa leaves out is read
// off each response (every point above its all-time max); how their time is treated is
// pinned here on every offer series of the 52 book responses. No rule that picks them from
// the series was found, so the engine still counts every point; the cases below are the ones
// any future rule must reproduce.
import { describe, expect, it } from 'vitest';
import { readSavedResponses, statsInputOfSaved, type SavedResponse } from './golden/saved-response.js';
import { labelSeries, OFFER_PRICE_TYPES, spikeFields, withoutPoints, type LabelledSeries } from './golden/spike-labels.js';
import { computeStats } from '../src/keepa/stats.js';
import { SHARED_FIXTURES } from './helpers/fixtures.js';

const MORE = `${SHARED_FIXTURES}keepa/more`;
const books = readSavedResponses(MORE).filter((s) => s.request.statsParam === '365');
const byFile = new Map(books.map((s) => [s.file, s]));

function response(file: string): SavedResponse {
  const found = byFile.get(file);
  if (!found) throw new Error(`${file} is not a 365-day response in ${MORE}`);
  return found;
}

function labelled(file: string, csvIndex: number): LabelledSeries {
  const s = labelSeries(response(file), csvIndex);
  if (!s) throw new Error(`${file} has no csv ${csvIndex}`);
  return s;
}

const leftOut = (s: LabelledSeries) => (k: number) => s.labels[k] === 'left out';

function pointAt(s: LabelledSeries, t: number) {
  const k = s.view.times.indexOf(t);
  return { value: s.view.values[k], label: s.labels[k] };
}

function keepaFields(file: string, csvIndex: number) {
  const stats = response(file).product.stats;
  return Object.fromEntries(['avg30', 'avg90', 'avg180', 'avg365', 'max', 'maxInInterval'].map((f) => [f, stats[f][csvIndex]]));
}

describe('price spikes Keepa leaves out of the stats of offer price series', () => {
  it('are deleted: the previous value holds over their time (8498388899_us.json, USED 22965 and 79600)', () => {
    const used = labelled('8498388899_us.json', 2);
    expect([pointAt(used, 7517706), pointAt(used, 7521270)]).toEqual([
      { value: 22965, label: 'left out' },
      { value: 79600, label: 'left out' },
    ]);
    const fields = spikeFields(withoutPoints(used.view, leftOut(used)), used.now);
    expect(fields).toEqual(keepaFields('8498388899_us.json', 2));
    expect(fields).toMatchObject({ avg30: 10477, avg365: 3516, max: [7515356, 17733] });
    // Counting them, as the engine does, reads 35424 and 79600.
    const ours = computeStats(statsInputOfSaved(response('8498388899_us.json')));
    expect([ours.avg30[2], ours.max[2]]).toEqual([35424, [7521270, 79600]]);
  });

  it('do not leave a gap: their time is not counted as no offer (0135048761_us.json, USED_GOOD_SHIPPING avg365 34809)', () => {
    const good = labelled('0135048761_us.json', 21);
    expect(spikeFields(withoutPoints(good.view, leftOut(good), 'delete'), good.now).avg365).toBe(34809);
    expect(spikeFields(withoutPoints(good.view, leftOut(good), 'gap'), good.now).avg365).toBe(27439);
    expect(response('0135048761_us.json').product.stats.avg365[21]).toBe(34809);
  });

  it('explain every avg*, max and maxInInterval of the offer series of the 52 book responses once deleted', () => {
    const wrong: string[] = [];
    let total = 0;
    for (const saved of books) {
      for (const csvIndex of OFFER_PRICE_TYPES) {
        const s = labelSeries(saved, csvIndex);
        if (!s) continue;
        const got = spikeFields(withoutPoints(s.view, leftOut(s)), s.now);
        for (const [field, keepa] of Object.entries(keepaFields(saved.file, csvIndex))) {
          total++;
          if (JSON.stringify(got[field as keyof typeof got]) !== JSON.stringify(keepa)) wrong.push(saved.file);
        }
      }
    }
    expect(total).toBe(2832);
    expect(wrong).toEqual([]);
  });

  it('keep a high value that stands alone at ×6 both neighbours, yet leave out a later ×4 one (1580626130_us.json, USED_GOOD_SHIPPING)', () => {
    const good = labelled('1580626130_us.json', 21);
    const k = good.view.times.indexOf(3741220);
    expect([good.view.values[k - 1], good.view.values[k], good.view.values[k + 1]]).toEqual([3314, 19979, 1131]);
    expect(good.labels[k]).toBe('counted');
    const j = good.view.times.indexOf(6170998);
    expect([good.view.values[j - 1], good.view.values[j], good.view.values[j + 1]]).toEqual([12976, 53776, 19255]);
    expect(good.labels[j]).toBe('left out');
    expect(response('1580626130_us.json').product.stats.max[21]).toEqual([3741220, 19979]);
  });

  it('keep ×21 after an out-of-stock gap (1937565750_us.json, USED_GOOD_SHIPPING 50245) but leave ×1.3 out after a kept ×4.2 (8498388899_us.json, USED)', () => {
    expect(pointAt(labelled('1937565750_us.json', 21), 5508234)).toEqual({ value: 50245, label: 'counted' });
    const used = labelled('8498388899_us.json', 2);
    expect([pointAt(used, 7515356), pointAt(used, 7517706)]).toEqual([
      { value: 17733, label: 'counted' },
      { value: 22965, label: 'left out' },
    ]);
  });

  it('depend on more than the price: the same offer at the same minute is kept in one series and left out of two (0135048761_us.json, 150695 at 7225452)', () => {
    const file = '0135048761_us.json';
    expect(pointAt(labelled(file, 21), 7225452)).toEqual({ value: 150695, label: 'counted' });
    expect(pointAt(labelled(file, 2), 7225452)).toEqual({ value: 150695, label: 'left out' });
    expect(pointAt(labelled(file, 32), 7225452)).toEqual({ value: 150695, label: 'left out' });
  });

  it('cut a falling run between two close values: 111455 left out, 105867 kept (0135048761_us.json, USED_VERY_GOOD_SHIPPING)', () => {
    const veryGood = labelled('0135048761_us.json', 20);
    expect([pointAt(veryGood, 7331140), pointAt(veryGood, 7331968)]).toEqual([
      { value: 111455, label: 'left out' },
      { value: 105867, label: 'counted' },
    ]);
  });
});
