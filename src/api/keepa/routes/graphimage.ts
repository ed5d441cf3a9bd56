// GET /graphimage: Keepa's graph image, a PNG drawn from the stored histories with the
// series, range, size and colours the parameters ask for (keepa-api-more.md §5). No
// envelope on success (Keepa's Python client checks the PNG signature); errors are Keepa
// errors. One token per image drawn; the same user asking the same image of an unchanged
// product within 90 minutes gets it from the cache for nothing, as on Keepa.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hashApiKey, isWellFormedApiKey } from '../../../auth/api-key.js';
import { GRAPH_PARAMETERS, GraphParamError, graphParamsKey, parseGraphParams, type GraphParams } from '../../../graph/graph-params.js';
import { graphInputOf } from '../../../graph/graph-input.js';
import { GraphImageCache } from '../../../graph/image-cache.js';
import { renderGraphSvg } from '../../../graph/render-graph-svg.js';
import { svgToPng } from '../../../graph/render-png.js';
import { domainForId } from '../../../keepa/domains.js';
import { isAsin } from '../../../asins.js';
import { keepaNow } from '../../../keepa/time.js';
import { readProducts } from '../../../store/index.js';
import { productVersion } from '../../../store/product-version.js';
import { ApiError, invalidKey } from '../errors.js';
import { rejectUnknown, required, single } from '../query.js';
import { chargeTokens, loadBucket } from '../tokens.js';
import { noValidation } from './schemas.js';

export const GRAPH_IMAGE_COST = 1;

const KNOWN = new Set(['key', ...GRAPH_PARAMETERS]);

function graphParams(query: Record<string, unknown>): GraphParams {
  const values: Record<string, string | undefined> = {};
  for (const name of GRAPH_PARAMETERS) values[name] = single(query, name);
  try {
    return parseGraphParams(values);
  } catch (error) {
    if (error instanceof GraphParamError) {
      throw new ApiError(error.kind === 'range' ? 'out_of_range' : 'invalid_parameter', `Parameter "${error.param}": ${error.message}.`);
    }
    throw error;
  }
}

export async function graphImageRoutes(app: FastifyInstance): Promise<void> {
  const cache = new GraphImageCache(app.pricekeep.clock);

  async function handle(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const { store, clock } = request.server.pricekeep;
    const query = request.query as Record<string, unknown>;
    if (!isWellFormedApiKey(query.key)) throw invalidKey();
    rejectUnknown(query, KNOWN);
    const asin = required(query, 'asin').toUpperCase();
    if (!isAsin(asin)) throw new ApiError('invalid_parameter', `Parameter "asin" must be a 10-character ASIN, got "${asin}".`);
    const domainRaw = required(query, 'domain');
    const domain = /^\d{1,4}$/.test(domainRaw) ? domainForId(Number(domainRaw)) : undefined;
    if (!domain) throw new ApiError('invalid_parameter', `Parameter "domain" must be a domain id, got "${domainRaw}".`);
    const params = graphParams(query);
    if (!(await loadBucket(request))) throw invalidKey();

    const version = await productVersion(store, domain.id, asin);
    if (version === null) throw new ApiError('not_found', `No stored product ${asin} on domain ${domain.id}.`);
    const key = GraphImageCache.key(hashApiKey(query.key as string), domain.id, asin, version, graphParamsKey(params));
    let png = cache.get(key);
    const cached = png !== null;
    if (!png) {
      await chargeTokens(request, GRAPH_IMAGE_COST);
      const product = (await readProducts(store, domain.id, [asin])).get(asin)!;
      png = svgToPng(renderGraphSvg(graphInputOf(product, keepaNow(clock)), params));
      cache.set(key, png);
    }
    return reply
      .type('image/png')
      .header('cache-control', 'private, max-age=5400')
      .header('x-keepa-tokens-consumed', cached ? '0' : String(GRAPH_IMAGE_COST))
      .send(png);
  }

  app.get('/graphimage', {
    schema: { summary: 'Graph image of a product\'s stored history (Keepa graph image request); PNG' },
    validatorCompiler: noValidation,
    handler: handle,
  });
}
