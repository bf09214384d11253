import type { FastifyPluginAsync } from 'fastify';
import { defaultGroup } from '../../core/channel.js';
import type { AppDependencies } from './app-dependencies.js';

/**
 * S4's relay routes: `<prefix>/v1/*` for each `relay.routes` entry (`/runway`, `/runwayml` →
 * `runway`, `/kling` → `kling`, `/pika` → `pika`). TokenAuth is the API-key hook (the same
 * keys as `/v1`); the body is taken as raw bytes and forwarded untouched, with the query, to a
 * channel of the caller's group; the upstream's status, headers and body come back unchanged.
 *
 * @example
 * curl -X POST localhost:8787/runwayml/v1/image_to_video -H "authorization: Bearer sy-…" \
 *   -H 'x-runway-version: 2024-11-06' -H 'content-type: application/json' \
 *   -d '{"model":"gen4_turbo","promptImage":"https://…/cat.png","ratio":"1280:720","duration":5}'
 * curl localhost:8787/runwayml/v1/tasks/<id> -H "authorization: Bearer sy-…" \
 *   -H 'x-runway-version: 2024-11-06'
 */
export function relayRoutes(
  dependencies: Pick<AppDependencies, 'channels' | 'config'>,
): FastifyPluginAsync {
  const { channels, config } = dependencies;
  return async (app) => {
    // Raw bytes for every content type: the upstream gets exactly what the caller sent.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser(
      '*',
      { parseAs: 'buffer', bodyLimit: config.relay.bodyLimitBytes },
      (_request, body, done) => done(null, body),
    );
    for (const [prefix, model] of Object.entries(config.relay.routes)) {
      app.all(
        `${prefix}/v1/*`,
        { schema: { hide: true }, bodyLimit: config.relay.bodyLimitBytes },
        async (request, reply) => {
          const { caller } = request;
          const rest = request.url.slice(prefix.length);
          const queryAt = rest.indexOf('?');
          const answer = await channels.relay.relay({
            model,
            method: request.method,
            path: queryAt < 0 ? rest : rest.slice(0, queryAt),
            search: queryAt < 0 ? '' : rest.slice(queryAt),
            headers: request.headers,
            body: Buffer.isBuffer(request.body) ? request.body : undefined,
            group: caller.kind === 'tenant' ? caller.key.effectiveGroup : defaultGroup,
            tenantId: caller.kind === 'tenant' ? caller.key.tenantId : null,
            apiKeyId: caller.kind === 'tenant' ? caller.key.id : null,
            admin: caller.kind === 'admin',
          });
          return reply.status(answer.status).headers(answer.headers).send(answer.body);
        },
      );
    }
  };
}
