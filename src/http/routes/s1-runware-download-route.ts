import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ValidationError } from '../../core/errors/index.js';
import { SsrfGuard } from '../../security/ssrf-guard.js';
import { errorResponses } from '../schemas/error-responses.js';
import { binaryResponse } from '../schemas/public-responses.js';
import type { AppDependencies } from './app-dependencies.js';
import { accessOf } from './api-key-auth.js';
import { baseUrlOf } from './base-url.js';
import { ownAssetId } from './s1-runware-routes.js';
import { sendAsset } from './send-asset.js';
import { isAllowedCdnUrl, sendCdnFile } from './s1-cdn-download.js';

const downloadPath = '/api/v3/runware/download';

/** What S1's clients download: its videos (and the stills of image jobs, from this gateway). */
const downloadTypes = ['video/mp4', 'video/webm', 'image/png', 'image/jpeg', 'image/webp'] as const;

/** S1's browser clients fetched the video cross-origin (as a Blob, with Range for seeking). */
function allowCrossOrigin(reply: FastifyReply): void {
  reply.header('access-control-allow-origin', '*');
  reply.header('access-control-allow-methods', 'GET, HEAD, OPTIONS');
  reply.header('access-control-allow-headers', 'range, authorization');
  reply.header(
    'access-control-expose-headers',
    'content-length, content-range, accept-ranges, content-type, etag',
  );
}

/**
 * S1's CORS download proxy, `GET /api/v3/runware/download?url=…`: streams a video this gateway
 * stored, with Range support. Only links to the gateway's own assets are served, and files on
 * the operator's provider CDN hosts (`compat.s1.downloadHosts`, fetched through the SSRF-safe
 * helper); any other URL is refused without being fetched (no open proxy).
 *
 * @example
 * curl 'localhost:8787/api/v3/runware/download?url=http://localhost:8787/v1/assets/asset_…'
 */
export function s1RunwareDownloadRoute(
  dependencies: Pick<AppDependencies, 'assets' | 'config'>,
): FastifyPluginAsyncZod {
  const { assets, config } = dependencies;
  const cdnHosts = config.compat.s1.downloadHosts;
  const cdn = {
    guard: new SsrfGuard({ allowedPrivateHosts: config.downloads.allowedPrivateHosts }),
    maxBytes: config.downloads.maxBytes,
    timeoutMs: config.downloads.timeoutMs,
  };
  return async (app) => {
    app.options(downloadPath, { schema: { hide: true } }, async (_request, reply) => {
      allowCrossOrigin(reply);
      return reply.status(204).send();
    });

    app.get(
      downloadPath,
      {
        schema: {
          tags: ['s1'],
          summary: 'Download a finished video with CORS headers (S1)',
          description:
            'Streams a file this gateway stored (a `video_url` from the generate route), or one on a provider CDN host the operator listed in `compat.s1.downloadHosts`, with CORS headers and HTTP Range support (206/416). Any other URL is refused with 400 `url_not_allowed` and never fetched: this is not a proxy for other hosts.',
          querystring: z.object({ url: z.string().min(1).max(4096) }),
          response: {
            200: binaryResponse('The whole file', downloadTypes),
            206: binaryResponse('The requested byte range (`Range: bytes=…`)', downloadTypes),
            ...errorResponses(404, 416, 502),
          },
        },
      },
      async (request, reply) => {
        allowCrossOrigin(reply);
        const id = ownAssetId(request.query.url, baseUrlOf(request, config.publicUrl));
        if (!id && isAllowedCdnUrl(request.query.url, cdnHosts))
          return sendCdnFile(request, reply, request.query.url, cdn);
        if (!id)
          throw new ValidationError(
            "Only files of this gateway (its own '/v1/assets/…' links) and of the provider CDN hosts the operator allowed can be downloaded here.",
            { parameter: 'url' },
            'url_not_allowed',
          );
        return sendAsset(request, reply, assets, id, undefined, accessOf(request));
      },
    );
  };
}
