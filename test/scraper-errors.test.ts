// The one failure policy: each catalogue entry decides what happens next, the attempt loop
// obeys it, and no other module keeps its own table of codes.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { codeForStatus, policyOf, SCRAPE_ERRORS, scrapeError, type ScrapeErrorCode } from '../src/scraper/errors.js';
import { runAttempts } from '../src/scraper/fetch/attempts.js';

const CODES = Object.keys(SCRAPE_ERRORS) as ScrapeErrorCode[];

describe('scrape error catalogue', () => {
  it('gives every code a policy and says whether the session is at fault', () => {
    const table = Object.fromEntries(CODES.map((code) => [code, [SCRAPE_ERRORS[code].policy, SCRAPE_ERRORS[code].sessionAtFault]]));
    expect(table).toEqual({
      invalid_params: ['retire', false],
      unauthorized: ['halt', false],
      revoked: ['halt', false],
      insufficient_credits: ['halt', false],
      forbidden_region: ['reschedule', false],
      not_found: ['retire', false],
      upstream_timeout: ['retry', true],
      blocked_by_amazon: ['retry', true],
      rate_limited: ['retry', true],
      internal_error: ['retry', false],
      not_implemented: ['halt', false],
      target_unreachable: ['retry', true],
      extraction_failed: ['reschedule', false],
      asin_mismatch: ['retire', false],
      generic_gallery_page: ['retire', false],
      capacity: ['retry', false],
    });
  });

  it('copies the policy onto each error and keeps the ASIN Amazon served instead', () => {
    expect(scrapeError('asin_mismatch', 'moved', { servedAsin: 'B092LGG221' })).toEqual({
      code: 'asin_mismatch', message: 'moved', httpStatus: 502, policy: 'retire', sessionAtFault: false, servedAsin: 'B092LGG221',
    });
    expect(policyOf('unauthorized')).toBe('halt');
    expect(policyOf('something_new')).toBe('retry'); // an unknown stored code is an internal error
  });

  it('maps a bare HTTP status to ASA\'s generic code for it', () => {
    expect([401, 402, 404, 422, 502, 503, 504, 418].map(codeForStatus)).toEqual([
      'unauthorized', 'insufficient_credits', 'not_found', 'blocked_by_amazon', 'target_unreachable', 'capacity', 'internal_error', 'invalid_params',
    ]);
  });

  it('is the attempt loop\'s only rule: exactly the retry policy is attempted again', async () => {
    const policy = { maxAttempts: 3, baseMs: 0, maxMs: 0, maxRetryAfterMs: 0, random: () => 0 };
    for (const code of CODES) {
      let calls = 0;
      const result = await runAttempts<never>(policy, async () => {
        calls++;
        return { ok: false, error: scrapeError(code), httpStatus: null, proxy: null };
      });
      expect([code, result.ok, calls]).toEqual([code, false, SCRAPE_ERRORS[code].policy === 'retry' ? 3 : 1]);
    }
  });
});

describe('no second table of codes', () => {
  const root = join(import.meta.dirname, '..');
  const files = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
    });
  const quoted = CODES.map((c) => `'${c}'`).join('|');
  // A list, set or map of several codes (['not_found', 'generic_gallery_page'], { 401: 'unauthorized', 402: … })
  // or a type keyed by codes is a policy table outside the catalogue.
  const table = new RegExp(`(?:${quoted})\\s*[,\\]]\\s*(?:[\\w'"]+\\s*:\\s*)?(?:${quoted})|Record<ScrapeErrorCode|Set<ScrapeErrorCode|Map<ScrapeErrorCode`);

  it('keeps every table of scrape error codes in src/scraper/errors.ts', () => {
    const offenders = [...files(join(root, 'src')), ...files(join(root, 'jobs'))]
      .filter((path) => !path.endsWith(join('src', 'scraper', 'errors.ts')))
      .filter((path) => table.test(readFileSync(path, 'utf8')))
      .map((path) => relative(root, path));
    expect(offenders).toEqual([]);
  });
});
