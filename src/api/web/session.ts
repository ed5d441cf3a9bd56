// Dashboard sessions: a random token in an HttpOnly cookie, its SHA-256 in the database,
// and a CSRF token per session that every change must echo in a header or form field.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Store } from '../../store/index.js';
import { deleteWebSession, findWebSession, insertWebSession, type WebSession } from '../../store/web-auth.js';

export function randomToken(): string {
  return randomBytes(32).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function sameToken(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export async function openSession(store: Store, nowMs: number, hours: number): Promise<{ token: string; csrf: string; maxAgeSeconds: number }> {
  const token = randomToken();
  const csrf = randomToken();
  const maxAgeSeconds = hours * 3600;
  await insertWebSession(store, hashToken(token), csrf, new Date(nowMs), new Date(nowMs + maxAgeSeconds * 1000));
  return { token, csrf, maxAgeSeconds };
}

export function findSession(store: Store, token: string, nowMs: number): Promise<WebSession | null> {
  return findWebSession(store, hashToken(token), new Date(nowMs));
}

export function closeSession(store: Store, token: string): Promise<void> {
  return deleteWebSession(store, hashToken(token));
}
