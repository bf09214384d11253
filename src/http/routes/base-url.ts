import type { FastifyRequest } from 'fastify';

/**
 * The origin clients should use for links (asset URLs): the configured public URL, or the
 * origin this request arrived on.
 */
export function baseUrlOf(request: FastifyRequest, publicUrl: string | undefined): string {
  if (publicUrl) return publicUrl.replace(/\/+$/, '');
  return `${request.protocol}://${request.host}`;
}
