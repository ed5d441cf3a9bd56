// What every protocol plugin reaches through `request.server.pricekeep`: the store, the
// configuration, the injected clock and the optional scrape-now hook. Protocol-neutral.
import type { AsaScrape } from '../asa/scrape-result.js';
import type { Config } from '../config.js';
import type { Store } from '../store/index.js';

/**
 * Scrapes these products now and stores what was observed (the tracking pipeline).
 * Resolves to the ASINs whose scrape failed (nothing was recorded for them).
 */
export type RefreshProducts = (domainId: number, asins: readonly string[]) => Promise<RefreshOutcome>;

export interface RefreshOutcome {
  /** ASINs whose scrape did not produce an observation (captcha, 404, network…). */
  readonly failed: readonly string[];
}

export interface ApiContext {
  readonly store: Store;
  readonly config: Config;
  /** Unix ms; injected so tests run token buckets, leases and stats over a simulated clock. */
  readonly clock: () => number;
  readonly refresh: RefreshProducts | null;
  /** Runs ASA requests through the scraper (the ASA protocol answers 503 capacity without it). */
  readonly asaScrape: AsaScrape | null;
  /** The admin API (src/api/admin) of a server holding an embedded data directory; null: none. */
  readonly admin: AdminHooks | null;
}

/** What the admin API needs from the process serving it. */
export interface AdminHooks {
  /** Bearer secret every admin request must carry (published in the data directory, mode 0600). */
  readonly secret: string;
  /** Runs a CLI command (the words after `pricekeep`) as if typed in `cwd`; resolves to its exit code. */
  runCli(argv: readonly string[], cwd: string, sink: { stdout(text: string): void; stderr(text: string): void }): Promise<number>;
}

declare module 'fastify' {
  interface FastifyInstance {
    pricekeep: ApiContext;
  }
}
