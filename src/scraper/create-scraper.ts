// The scraper the rest of pricekeep uses: one object, backend chosen by configuration
// (PRICEKEEP_SCRAPER_BACKEND), the same outcome types whichever backend runs.
import type { Logger } from 'pino';
import { ConfigError, type ScraperBackendName, type ScraperConfig } from '../config.js';
import { AsaBackend } from './backends/asa.js';
import { DirectBackend } from './backends/direct.js';
import { ReplayBackend } from './backends/replay.js';
import type { RetryPolicy } from './fetch/attempts.js';
import type { LimiterClock } from './fetch/host-limiter.js';
import type { ScraperBackend } from './types.js';

export interface CreateScraperOptions {
  /** Overrides config.backend. */
  readonly backend?: ScraperBackendName;
  readonly logger?: Logger;
  /** Backoff before the 2nd attempt (default config.retryBaseMs, 1000 ms). Tests set it small. */
  readonly backoffBaseMs?: number;
  readonly backoffMaxMs?: number;
  readonly maxRetryAfterMs?: number;
  /** Jitter source, 0 ≤ x < 1 (default Math.random). */
  readonly random?: () => number;
  readonly userAgent?: string;
  /** Time source of the direct backend's per-host rate limit (default the system's). */
  readonly limiterClock?: LimiterClock;
}

export type Scraper = ScraperBackend;

export function retryPolicyOf(config: ScraperConfig, options: CreateScraperOptions = {}): RetryPolicy {
  return {
    maxAttempts: config.maxAttempts,
    baseMs: options.backoffBaseMs ?? config.retryBaseMs ?? 1000,
    maxMs: options.backoffMaxMs ?? config.retryMaxMs ?? 30_000,
    maxRetryAfterMs: options.maxRetryAfterMs ?? config.maxRetryAfterMs ?? 30_000,
    random: options.random ?? Math.random,
  };
}

export function createScraper(config: ScraperConfig, options: CreateScraperOptions = {}): Scraper {
  const retry = retryPolicyOf(config, options);
  const backend = options.backend ?? config.backend;
  switch (backend) {
    case 'direct':
      return new DirectBackend(config, { retry, userAgent: options.userAgent, logger: options.logger, clock: options.limiterClock });
    case 'asa':
      return new AsaBackend(config, { retry, logger: options.logger });
    case 'replay':
      if (!config.replayDir) throw new ConfigError('the replay backend needs PRICEKEEP_REPLAY_DIR (a directory of saved pages)');
      return new ReplayBackend(config.replayDir);
  }
}
