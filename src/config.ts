// All configuration from the environment, parsed and validated in one place. Every
// variable, its default and its meaning is listed here and in the README.
import { resolve } from 'node:path';

export interface StoreConfig {
  /** postgres:// URL of a TimescaleDB or PostgreSQL server; absent = embedded TimescaleDB. */
  readonly databaseUrl: string | undefined;
  /** Directory of the embedded database (PRICEKEEP_DATA_DIR, default ./data). */
  readonly dataDir: string;
}

export interface ApiConfig {
  readonly host: string;
  readonly port: number;
}

export type ScraperBackendName = 'direct' | 'asa' | 'replay';

export interface ScraperConfig {
  readonly backend: ScraperBackendName;
  /** Replaces `https://www.amazon.<tld>` for the direct backend (tests, local stand-ins). */
  readonly amazonBaseUrl: string | undefined;
  readonly proxies: readonly string[];
  readonly asaBaseUrl: string;
  readonly asaApiKey: string | undefined;
  /** Directory of saved pages for the replay backend. */
  readonly replayDir: string | undefined;
  readonly timeoutMs: number;
  readonly maxAttempts: number;
  /** Requests in flight per Amazon host. */
  readonly perHostConcurrency: number;
  /** Requests started per second per Amazon host. */
  readonly perHostRatePerSecond: number;
  /** Backoff before the 2nd attempt, doubling after (PRICEKEEP_RETRY_BASE_MS, default 1000). */
  readonly retryBaseMs?: number;
  /** Ceiling of one backoff wait (PRICEKEEP_RETRY_MAX_MS, default 30000). */
  readonly retryMaxMs?: number;
  /** Longest Retry-After waited out inside one scrape; longer ones go back to the scheduler (PRICEKEEP_MAX_RETRY_AFTER_MS, default 30000). */
  readonly maxRetryAfterMs?: number;
}

export interface AlertsConfig {
  /** PRICEKEEP_WEBHOOK_ALLOW_PRIVATE=1: webhooks may target loopback/private/link-local/CGNAT/ULA addresses. */
  readonly webhookAllowPrivate: boolean;
  /** SMTP server for e-mail notifications (PRICEKEEP_SMTP_URL, smtp[s]://user:pass@host:port); unset = no e-mail. */
  readonly smtpUrl: string | undefined;
  /** From address of notification e-mails (PRICEKEEP_MAIL_FROM). */
  readonly mailFrom: string;
  /** Base URL of this server in links (feeds, e-mails): PRICEKEEP_PUBLIC_URL, default http://HOST:PORT. */
  readonly publicUrl: string;
}

export interface WebConfig {
  /**
   * auto: the dashboard asks for a login unless the server is bound to a loopback address;
   * required: always (PRICEKEEP_WEB_AUTH, default auto).
   */
  readonly auth: 'auto' | 'required';
  /** Lifetime of a dashboard session (PRICEKEEP_WEB_SESSION_HOURS, default 168 = a week). */
  readonly sessionHours: number;
}

export interface Config {
  readonly logLevel: string;
  readonly alerts: AlertsConfig;
  readonly store: StoreConfig;
  readonly api: ApiConfig;
  readonly scraper: ScraperConfig;
  readonly web: WebConfig;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

type Env = Readonly<Record<string, string | undefined>>;

function text(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = text(env, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer between ${min} and ${max}, got "${raw}"`);
  }
  return value;
}

function positiveNumber(env: Env, name: string, fallback: number): number {
  const raw = text(env, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new ConfigError(`${name} must be a positive number, got "${raw}"`);
  return value;
}

function url(env: Env, name: string): string | undefined {
  const raw = text(env, name);
  if (raw === undefined) return undefined;
  try {
    new URL(raw);
  } catch {
    throw new ConfigError(`${name} must be a URL, got "${raw}"`);
  }
  return raw;
}

function flag(env: Env, name: string): boolean {
  const raw = text(env, name);
  if (raw === undefined || raw === '0' || raw.toLowerCase() === 'false') return false;
  if (raw === '1' || raw.toLowerCase() === 'true') return true;
  throw new ConfigError(`${name} must be 1 or 0, got "${raw}"`);
}

function backend(env: Env): ScraperBackendName {
  const raw = text(env, 'PRICEKEEP_SCRAPER_BACKEND') ?? 'direct';
  if (raw === 'direct' || raw === 'asa' || raw === 'replay') return raw;
  throw new ConfigError(`PRICEKEEP_SCRAPER_BACKEND must be direct, asa or replay, got "${raw}"`);
}

// pino's levels (src/logger.ts checks the same list).
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function logLevel(env: Env): string {
  const raw = text(env, 'PRICEKEEP_LOG_LEVEL') ?? 'info';
  if (!LOG_LEVELS.includes(raw)) throw new ConfigError(`PRICEKEEP_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${raw}"`);
  return raw;
}

function webAuth(env: Env): WebConfig['auth'] {
  const raw = text(env, 'PRICEKEEP_WEB_AUTH') ?? 'auto';
  if (raw === 'auto' || raw === 'required') return raw;
  throw new ConfigError(`PRICEKEEP_WEB_AUTH must be auto or required, got "${raw}"`);
}

export function loadConfig(env: Env = process.env): Config {
  const host = text(env, 'PRICEKEEP_HOST') ?? '127.0.0.1';
  const port = integer(env, 'PORT', 8080, 0, 65535);
  return {
    logLevel: logLevel(env),
    alerts: {
      webhookAllowPrivate: flag(env, 'PRICEKEEP_WEBHOOK_ALLOW_PRIVATE'),
      smtpUrl: url(env, 'PRICEKEEP_SMTP_URL'),
      mailFrom: text(env, 'PRICEKEEP_MAIL_FROM') ?? 'pricekeep <pricekeep@localhost>',
      publicUrl: (url(env, 'PRICEKEEP_PUBLIC_URL') ?? `http://${host.includes(':') ? `[${host}]` : host}:${port}`).replace(/\/+$/, ''),
    },
    store: {
      databaseUrl: url(env, 'DATABASE_URL'),
      dataDir: resolve(text(env, 'PRICEKEEP_DATA_DIR') ?? 'data'),
    },
    api: {
      host,
      port,
    },
    scraper: {
      backend: backend(env),
      amazonBaseUrl: url(env, 'PRICEKEEP_AMAZON_BASE_URL'),
      proxies: (text(env, 'PRICEKEEP_PROXIES') ?? '').split(',').map((p) => p.trim()).filter(Boolean),
      asaBaseUrl: url(env, 'PRICEKEEP_ASA_URL') ?? 'https://api.amazonscraperapi.com',
      asaApiKey: text(env, 'PRICEKEEP_ASA_KEY'),
      replayDir: text(env, 'PRICEKEEP_REPLAY_DIR'),
      timeoutMs: integer(env, 'PRICEKEEP_FETCH_TIMEOUT_MS', 30_000, 100, 600_000),
      maxAttempts: integer(env, 'PRICEKEEP_MAX_ATTEMPTS', 4, 1, 20),
      perHostConcurrency: integer(env, 'PRICEKEEP_HOST_CONCURRENCY', 4, 1, 256),
      perHostRatePerSecond: positiveNumber(env, 'PRICEKEEP_HOST_RATE', 2),
      retryBaseMs: integer(env, 'PRICEKEEP_RETRY_BASE_MS', 1000, 0, 600_000),
      retryMaxMs: integer(env, 'PRICEKEEP_RETRY_MAX_MS', 30_000, 0, 3_600_000),
      maxRetryAfterMs: integer(env, 'PRICEKEEP_MAX_RETRY_AFTER_MS', 30_000, 0, 3_600_000),
    },
    web: {
      auth: webAuth(env),
      sessionHours: integer(env, 'PRICEKEEP_WEB_SESSION_HOURS', 168, 1, 24 * 365),
    },
  };
}
