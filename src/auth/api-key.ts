// API key format, generation and hashing. Keys look like Keepa's: 64 characters of
// lowercase letters and digits. Only the SHA-256 hash is stored.
import { createHash, randomBytes } from 'node:crypto';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
export const API_KEY_LENGTH = 64;
const KEY_PATTERN = /^[A-Za-z0-9]{64}$/;

/** A new random key (about 330 bits of entropy, unbiased by rejection sampling). */
export function generateApiKey(): string {
  let key = '';
  while (key.length < API_KEY_LENGTH) {
    for (const byte of randomBytes(API_KEY_LENGTH * 2)) {
      // 252 = 7 × 36: bytes at or above it would favour the first letters.
      if (byte < 252) key += ALPHABET[byte % 36];
      if (key.length === API_KEY_LENGTH) break;
    }
  }
  return key;
}

/** Cheap shape check done before any database work. */
export function isWellFormedApiKey(value: unknown): value is string {
  return typeof value === 'string' && KEY_PATTERN.test(value);
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** First characters shown by `keys list`, enough to tell keys apart. */
export function apiKeyPrefix(key: string): string {
  return key.slice(0, 8);
}
