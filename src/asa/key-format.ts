// ASA key format: `asa_live_` and 32 random letters and digits (~190 bits). Only the
// SHA-256 hash is stored; the prefix plus 12 characters (ASA's "shortprefix") names the
// key in lists and logs without revealing it.
import { createHash, randomBytes } from 'node:crypto';

export const ASA_KEY_PREFIX = 'asa_live_';
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const SECRET_LENGTH = 32;
const SHORT_PREFIX_LENGTH = ASA_KEY_PREFIX.length + 12;
// Accepts any asa_live_ token of sane length: keys of other lengths are simply unknown (401).
const KEY_PATTERN = /^asa_live_[A-Za-z0-9]{8,128}$/;

export function generateAsaKey(): string {
  let secret = '';
  while (secret.length < SECRET_LENGTH) {
    for (const byte of randomBytes(SECRET_LENGTH * 2)) {
      // 248 = 4 × 62: bytes at or above it would favour the first characters.
      if (byte < 248) secret += ALPHABET[byte % 62];
      if (secret.length === SECRET_LENGTH) break;
    }
  }
  return `${ASA_KEY_PREFIX}${secret}`;
}

export function isWellFormedAsaKey(value: string): boolean {
  return KEY_PATTERN.test(value);
}

export function hashAsaKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export function asaKeyShortPrefix(key: string): string {
  return key.slice(0, SHORT_PREFIX_LENGTH);
}
