// The webhook URL check, run when a URL is set and again at every delivery: http or
// https only, and every address the host resolves to must pass the address policy. A
// host with one private address among public ones is refused as a whole: DNS answers
// rotate, and the connection could land on the private one.
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { addressVerdict } from './address-policy.js';

export const MAX_WEBHOOK_URL_LENGTH = 2048;

export interface ResolvedAddress {
  readonly address: string;
  readonly family: 4 | 6;
}

/** Resolves a host name to all its addresses (injected by tests). */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export interface WebhookUrlOptions {
  /** PRICEKEEP_WEBHOOK_ALLOW_PRIVATE=1: loopback/private/link-local/CGNAT/ULA targets allowed. */
  readonly allowPrivate: boolean;
  readonly resolve?: Resolver;
}

export type WebhookUrlFailure = 'invalid_url' | 'unsupported_scheme' | 'refused_address' | 'dns_failed';

export type WebhookUrlCheck =
  | { readonly ok: true; readonly url: URL; readonly addresses: readonly ResolvedAddress[] }
  | { readonly ok: false; readonly code: WebhookUrlFailure; readonly message: string };

export const systemResolver: Resolver = async (hostname) =>
  (await lookup(hostname, { all: true, verbatim: true })).map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));

/** The URL's syntax and scheme, without DNS: what can be said about it offline. */
export function parseWebhookUrl(raw: string): { ok: true; url: URL } | { ok: false; code: WebhookUrlFailure; message: string } {
  if (raw.length > MAX_WEBHOOK_URL_LENGTH) {
    return { ok: false, code: 'invalid_url', message: `webhook URL longer than ${MAX_WEBHOOK_URL_LENGTH} characters` };
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, code: 'invalid_url', message: `not a URL: "${raw.slice(0, 200)}"` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { ok: false, code: 'unsupported_scheme', message: `webhook URL must be http or https, got ${url.protocol.replace(/:$/, '')}` };
  }
  if (url.hostname === '') return { ok: false, code: 'invalid_url', message: 'webhook URL has no host' };
  return { ok: true, url };
}

/** The URL's host as a bare name or IP literal (WHATWG keeps IPv6 literals in brackets). */
export function hostOf(url: URL): string {
  return url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
}

/** Checks addresses a host resolved to; the first refused one decides. */
export function checkAddresses(
  host: string,
  addresses: readonly ResolvedAddress[],
  allowPrivate: boolean,
): { ok: true } | { ok: false; code: WebhookUrlFailure; message: string } {
  if (addresses.length === 0) return { ok: false, code: 'dns_failed', message: `${host} has no address` };
  for (const a of addresses) {
    const verdict = addressVerdict(a.address, { allowPrivate });
    if (!verdict.allowed) {
      const via = a.address === host ? '' : `${host} resolves to `;
      return { ok: false, code: 'refused_address', message: `webhook target refused: ${via}${verdict.reason}` };
    }
  }
  return { ok: true };
}

/** Resolves a host (an IP literal resolves to itself) and checks every answer. */
export async function resolveChecked(
  host: string,
  options: WebhookUrlOptions,
): Promise<{ ok: true; addresses: ResolvedAddress[] } | { ok: false; code: WebhookUrlFailure; message: string }> {
  const family = isIP(host);
  let addresses: ResolvedAddress[];
  if (family !== 0) addresses = [{ address: host, family: family === 6 ? 6 : 4 }];
  else {
    try {
      addresses = await (options.resolve ?? systemResolver)(host);
    } catch (error) {
      return { ok: false, code: 'dns_failed', message: `cannot resolve ${host}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` };
    }
  }
  const verdict = checkAddresses(host, addresses, options.allowPrivate);
  return verdict.ok ? { ok: true, addresses } : verdict;
}

export async function checkWebhookUrl(raw: string, options: WebhookUrlOptions): Promise<WebhookUrlCheck> {
  const parsed = parseWebhookUrl(raw);
  if (!parsed.ok) return parsed;
  const resolved = await resolveChecked(hostOf(parsed.url), options);
  return resolved.ok ? { ok: true, url: parsed.url, addresses: resolved.addresses } : resolved;
}
