// Every route module of the API server, registered in this order by buildServer. A new
// group of routes (tracking, scrape endpoints…) is one plugin added to this list; Keepa-
// style routes charge through ../tokens.js and answer through ../keepa-reply.js.
import type { FastifyPluginAsync } from 'fastify';
import { healthRoutes } from './health.js';
import { productRoutes } from './product.js';
import { statusRoutes } from './status.js';
import { tokenRoutes } from './token.js';
import { trackingRoutes } from './tracking.js';

export const API_ROUTES: readonly FastifyPluginAsync[] = [productRoutes, tokenRoutes, trackingRoutes, statusRoutes, healthRoutes];
