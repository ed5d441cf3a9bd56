// ASA's batch webhook signature: `X-ASA-Signature: sha256=<hex HMAC-SHA256 of the raw
// body>` with the batch's secret, the format ASA's own Node and Python verifiers check.
import { createHmac } from 'node:crypto';

export function asaSignature(secret: string, rawBody: string | Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`;
}
