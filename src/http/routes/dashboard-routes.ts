import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';

/**
 * The built dashboard (`npm run build` writes it there). The same relative path resolves from
 * `src/http/routes` (tests, `npm run dev`) and `dist/http/routes` (`npm start`): both sit three
 * levels under the repository root.
 */
export const defaultDashboardDir = fileURLToPath(new URL('../../../dist/web/', import.meta.url));

/** Vite puts content-hashed files under `assets/`: their name changes whenever they do. */
const immutable = 'public, max-age=31536000, immutable';

/**
 * The page holds the admin key, so it runs only its own bundled code and talks only to this
 * gateway. Outputs may live on an object store's origin: images and video load from anywhere.
 */
const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  'img-src * data: blob:',
  'media-src * blob:',
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

/**
 * The operator's console: a single-page app under `/dashboard`. Not behind the `/v1` key: the
 * page itself holds no data; it logs in with the admin key and calls the admin API with it.
 * Unknown paths under `/dashboard/` answer the app's `index.html` (the app routes on the
 * client), which is never cached so a new build is picked up on the next load.
 *
 * @example
 * open http://localhost:8787/dashboard
 */
export function dashboardRoutes(root: string = defaultDashboardDir): FastifyPluginAsync {
  return async (app) => {
    const built = existsSync(path.join(root, 'index.html'));
    if (built) {
      await app.register(fastifyStatic, {
        root,
        prefix: '/dashboard/',
        serve: false,
        decorateReply: true,
      });
    }

    app.get('/dashboard', { schema: { hide: true } }, async (_request, reply) =>
      reply.redirect('/dashboard/'),
    );
    app.get<{ Params: { '*': string } }>(
      '/dashboard/*',
      { schema: { hide: true } },
      async (request, reply) => {
        if (!built) {
          return reply.status(503).send({
            error: {
              code: 'dashboard_not_built',
              message: 'the dashboard is not built; run `npm run build`',
            },
          });
        }
        const file = assetPath(root, request.params['*']);
        if (file) {
          const hashed = file.startsWith('assets/');
          reply.header('cache-control', hashed ? immutable : 'public, max-age=300');
          return reply.sendFile(file, { cacheControl: false });
        }
        reply.header('cache-control', 'no-cache');
        reply.header('content-security-policy', contentSecurityPolicy);
        reply.header('x-content-type-options', 'nosniff');
        reply.header('referrer-policy', 'no-referrer');
        return reply.sendFile('index.html', { cacheControl: false });
      },
    );
  };
}

/** The request's file relative to `root` when it names one inside it, else undefined. */
function assetPath(root: string, requested: string): string | undefined {
  if (!requested || requested === 'index.html') return undefined;
  const base = path.resolve(root) + path.sep;
  const resolved = path.resolve(base, requested);
  if (!resolved.startsWith(base)) return undefined;
  const stat = statSync(resolved, { throwIfNoEntry: false });
  return stat?.isFile() ? path.relative(base, resolved).split(path.sep).join('/') : undefined;
}
