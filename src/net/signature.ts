// Webhook signatures: `X-Pricekeep-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of
// "<t>.<body>">` with the key's secret, so a receiver can tell the body came from this
// server and is recent (the timestamp is inside the MAC: a replay cannot move it).
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-pricekeep-signature';

/** A new per-key webhook secret (`whsec_` + 32 random bytes, hex); the HMAC key is the whole string. */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('hex')}`;
}

export function signPayload(secret: string, body: string, unixSeconds: number): string {
  const mac = createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
  return `t=${unixSeconds},v1=${mac}`;
}

/** True when `header` signs `body` with `secret` and its time is within `toleranceSeconds` of now. */
export function verifySignature(
  header: string,
  body: string,
  secret: string,
  options: { nowSeconds: number; toleranceSeconds?: number },
): boolean {
  const parts = new Map(header.split(',').map((p) => p.trim().split('=', 2) as [string, string]));
  const t = Number(parts.get('t'));
  const v1 = parts.get('v1');
  if (!Number.isInteger(t) || !v1 || !/^[0-9a-f]{64}$/.test(v1)) return false;
  if (Math.abs(options.nowSeconds - t) > (options.toleranceSeconds ?? 300)) return false;
  const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest();
  return timingSafeEqual(expected, Buffer.from(v1, 'hex'));
}
