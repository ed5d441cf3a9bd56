// The web dashboard as a protocol of the root server (see ../protocol.ts): it claims its
// own paths (/app/…, /login, /logout) and any other request of a browser asking for HTML
// that is not a Keepa call (no `key`), so a mistyped page gets an HTML 404, not JSON.
import { pathOf, type ApiProtocol, type ClaimableRequest } from '../protocol.js';
import { sendWebError, webPlugin } from './plugin.js';
import { WebError } from './web-error.js';

const OWN_PATHS = /^\/(app\/|login$|logout$|favicon\.ico$)/;

function claims(request: ClaimableRequest): boolean {
  const path = pathOf(request.url);
  if (OWN_PATHS.test(path)) return true;
  const accept = request.headers.accept ?? '';
  return accept.includes('text/html') && !/[?&]key=/.test(request.url);
}

export const webProtocol: ApiProtocol = {
  name: 'web',
  plugin: webPlugin,
  claims,
  notFound: async (request, reply) => sendWebError(new WebError('not_found', `Nothing at ${pathOf(request.url)}.`), request, reply),
  rootError: async (error, request, reply) => sendWebError(error, request, reply),
  rawError: (_status, message) => ({
    contentType: 'text/html; charset=utf-8',
    body: `<!doctype html><title>pricekeep</title><p>${message.replace(/[<>&]/g, (c) => `&#${c.charCodeAt(0)};`)}</p>`,
  }),
};
