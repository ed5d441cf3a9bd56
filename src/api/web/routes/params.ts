// Checks of the dashboard API's path and body values.
import { domainForId } from '../../../keepa/domains.js';
import { WebError } from '../web-error.js';

export function integerField(name: string, raw: string, min: number, max: number): number {
  const value = Number(raw);
  if (!/^-?\d+$/.test(raw.trim()) || value < min || value > max) {
    throw new WebError('bad_request', `${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

export function domainParam(raw: string): number {
  const id = Number(raw);
  if (!/^\d+$/.test(raw) || !domainForId(id)) throw new WebError('bad_request', `unknown marketplace (domain id) "${raw}"`);
  return id;
}

export function productParams(params: unknown): { domainId: number; asin: string } {
  const { domainId, asin } = params as { domainId: string; asin: string };
  if (!/^[0-9A-Z]{10}$/.test(asin)) throw new WebError('bad_request', `"${asin}" is not an ASIN`);
  return { domainId: domainParam(domainId), asin };
}
