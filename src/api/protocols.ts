// The protocols the server speaks, in claim order (see protocol.ts): a protocol with its
// own path prefix first, the web app (browsers asking for HTML) next, Keepa last: it has
// always answered at the root and claims whatever no other protocol does, so a Keepa
// client asking for an endpoint we lack still gets Keepa's envelope.
// Adding a protocol is one line here; the root (server.ts) does not change.
import { keepaProtocol } from './keepa/index.js';
import type { ApiProtocol } from './protocol.js';
import { webProtocol } from './web/index.js';

export const PROTOCOLS: readonly ApiProtocol[] = [webProtocol, keepaProtocol];
