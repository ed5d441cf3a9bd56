// What the root server knows of a protocol (Keepa, ASA, the web app…): its encapsulated
// plugin, and how to answer the requests that reach no route of it.
//
// Routing: fastify matches routes itself. A request that matches no route, or that fails
// before routing (bad URL encoding, a body on an unknown path), is answered by the first
// protocol of PROTOCOLS whose `claims` accepts it; a request too malformed to parse at all
// (a header block or URL over Node's limit) is answered on the socket with `rawError` of
// the protocol claiming its path.
import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyError, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';

/** The parts of a request a protocol may decide a claim on (a raw socket error has no more). */
export interface ClaimableRequest {
  /** Path and query string, as received. */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
}

export interface ApiProtocol {
  readonly name: string;
  /** Registered encapsulated: its hooks, decorators, error handler and auth stay inside it. */
  readonly plugin: FastifyPluginAsync;
  /** Whether an unrouted request belongs to this protocol. */
  claims(request: ClaimableRequest): boolean;
  /** Answers a request no route matched, in the protocol's own error shape. */
  notFound(request: FastifyRequest, reply: FastifyReply): Promise<unknown>;
  /** Answers an error raised outside the protocol's routes (before routing). */
  rootError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): Promise<unknown>;
  /** The body of an error answered on a bare socket (status line written by the root). */
  rawError(status: number, message: string): { readonly contentType: string; readonly body: string };
}

/** The first protocol claiming `request`; the last one is the fallback when none does. */
export function protocolFor(protocols: readonly ApiProtocol[], request: ClaimableRequest): ApiProtocol {
  return protocols.find((protocol) => protocol.claims(request)) ?? protocols[protocols.length - 1]!;
}

/** The path of a URL without its query string. */
export function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}
