// Shared readers of the discovery endpoints (/query, /deal, /bestsellers, /category,
// /search): the domain, the JSON selection (GET parameter or POST body), and the catch-up
// of stale summaries before a query runs.
import type { FastifyRequest } from 'fastify';
import { DiscoveryRequestError } from '../../keepa/discovery-fields.js';
import { domainForId } from '../../keepa/domains.js';
import { catchUpSummaries } from '../../store/discovery.js';
import { ApiError } from './errors.js';
import { required, single, type Query } from './query.js';

export function discoveryDomain(query: Query, optional = false): number | null {
  const raw = optional ? single(query, 'domain') : required(query, 'domain');
  if (raw === undefined || raw === '') return null;
  if (!/^\d{1,4}$/.test(raw)) throw new ApiError('invalid_parameter', `Parameter "domain" must be a domain id, got "${raw}".`);
  const id = Number(raw);
  if (!domainForId(id)) throw new ApiError('out_of_range', `Unknown domain ${id}.`, 'Keepa ids 1–6 and 8–12; pricekeep extension ids 101–109.');
  return id;
}

/** The request's JSON object: the POST body, else the `selection` parameter. */
export function selectionOf(request: FastifyRequest): unknown {
  const query = request.query as Query;
  if (request.method === 'POST' && request.body !== undefined && request.body !== null && request.body !== '') {
    if (single(query, 'selection') !== undefined) throw new ApiError('invalid_parameter', 'Send the selection either as the body or as "selection", not both.');
    return typeof request.body === 'string' ? parseJson(request.body, 'body') : request.body;
  }
  return parseJson(required(query, 'selection'), 'selection');
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ApiError('invalid_parameter', `The ${what} is not valid JSON: ${(error as Error).message}.`);
  }
}

/** Runs a parser of src/keepa, turning its field error into the catalogue's 400. */
export function parsed<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof DiscoveryRequestError) {
      throw new ApiError('invalid_parameter', error.message, `field: ${error.field}`);
    }
    throw error;
  }
}

/** Brings the summaries of recently written products up to date (bounded) before a query. */
export async function catchUp(request: FastifyRequest): Promise<void> {
  const { store, clock, config } = request.server.pricekeep;
  await catchUpSummaries(store, clock, config.discovery.queryDrainLimit);
}
