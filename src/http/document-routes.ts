import type { FastifyInstance, RouteOptions } from 'fastify';
import type { SwaggerTransform, SwaggerTransformObject } from '@fastify/swagger';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { errorResponses } from './schemas/error-responses.js';
import { keyRequirement } from './routes/api-key-auth.js';

/** The name of the bearer scheme in `components.securitySchemes`. */
export const bearerScheme = 'bearerAuth';

/** The `components.securitySchemes` of `/openapi.json`: what `/docs`' Authorize button fills. */
export const securitySchemes = {
  [bearerScheme]: {
    type: 'http',
    scheme: 'bearer',
    description:
      'The admin key (SWITCHYARD_ADMIN_KEY) or a tenant API key. Without an admin key configured the gateway is open and no key is needed.',
  },
} as const;

/** Routes whose caller holds the admin key (the admin API, S3's service manager). */
function isOperatorRoute(url: string): boolean {
  return url.startsWith('/admin/') || url.startsWith('/motif/services');
}

/**
 * Completes every documented route's schema as `/openapi.json` shows it, in one place instead
 * of in each route: the error responses any route can give (with the shared envelope), and the
 * bearer security requirement of routes that take a key. A route's own responses win. A route
 * in the document that declares no 2xx of its own fails start-up: a client generated from the
 * document would otherwise get an answer it has no type for.
 */
export function installRouteDocs(app: FastifyInstance, relayPrefixes: readonly string[]): void {
  app.addHook('onRoute', (route: RouteOptions) => {
    const schema = route.schema as (RouteOptions['schema'] & Record<string, unknown>) | undefined;
    if (!schema || schema.hide) return;
    const declared = (schema.response ?? {}) as Record<string, unknown>;
    if (!Object.keys(declared).some((status) => status.startsWith('2')))
      throw new Error(
        `${String(route.method)} ${route.url} declares no 2xx response; describe what it answers (or hide it from the document).`,
      );
    const requirement = isOperatorRoute(route.url)
      ? 'required'
      : keyRequirement(route.url, relayPrefixes);
    schema.response = { ...errorResponses(), ...declared };
    if (schema.security === undefined && requirement !== 'none') {
      // An empty requirement object marks the key as optional (OpenAPI 3: "or none").
      schema.security =
        requirement === 'required' ? [{ [bearerScheme]: [] }] : [{ [bearerScheme]: [] }, {}];
    }
  });
}

/**
 * The swagger transform: zod schemas to JSON Schema, plus a route's `documentedBody` (a body
 * the handler reads itself, multipart or raw bytes) as its `requestBody`, for the document only.
 */
export const documentTransform: SwaggerTransform = (document) => {
  const { documentedBody, ...schema } = (document.schema ?? {}) as Record<string, unknown>;
  const result = jsonSchemaTransform({ ...document, schema } as Parameters<
    typeof jsonSchemaTransform
  >[0]);
  if (documentedBody === undefined) return result;
  return { ...result, schema: { ...(result.schema as object), body: documentedBody } };
};

/**
 * The swagger object transform: schemas registered with an id become shared components; the
 * input-side copies the library makes of each are dropped when no operation refers to them.
 */
export const documentObjectTransform: SwaggerTransformObject = (document) => {
  const object = jsonSchemaTransformObject(document) as {
    paths?: unknown;
    components?: { schemas?: Record<string, unknown> };
  };
  const schemas = object.components?.schemas;
  if (!schemas) return object as ReturnType<SwaggerTransformObject>;
  const used = JSON.stringify([object.paths, ...Object.values(schemas)]);
  for (const name of Object.keys(schemas)) {
    if (name.endsWith('Input') && !used.includes(`"#/components/schemas/${name}"`))
      delete schemas[name];
  }
  return object as ReturnType<SwaggerTransformObject>;
};
