import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { GatewayError } from '../core/errors/index.js';

/** The one error body: `{"error":{"code","message","details"?}}`. */
export interface ErrorBody {
  error: { code: string; message: string; type?: string; details?: Record<string, unknown> };
}

/** Fastify's own client-error codes and the stable codes we expose for them. */
const fastifyClientErrors: Record<string, { code: string; status: number }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'invalid_json', status: 400 },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'invalid_json', status: 400 },
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'payload_too_large', status: 413 },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: 'unsupported_media_type', status: 415 },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: 'invalid_request', status: 400 },
  FST_ERR_CTP_EMPTY_TYPE: { code: 'unsupported_media_type', status: 415 },
  FST_ERR_CTP_INVALID_TYPE: { code: 'unsupported_media_type', status: 415 },
  FST_ERR_VALIDATION: { code: 'invalid_request', status: 400 },
  // The router's own refusals, before any route runs (see `frameworkErrors` in build-app.ts).
  FST_ERR_BAD_URL: { code: 'invalid_request', status: 400 },
  FST_ERR_MAX_PARAM_LENGTH: { code: 'uri_too_long', status: 414 },
  FST_INVALID_MULTIPART_CONTENT_TYPE: { code: 'unsupported_media_type', status: 415 },
  FST_REQ_FILE_TOO_LARGE: { code: 'payload_too_large', status: 413 },
  FST_FILES_LIMIT: { code: 'payload_too_large', status: 413 },
  FST_PARTS_LIMIT: { code: 'payload_too_large', status: 413 },
  FST_FIELDS_LIMIT: { code: 'payload_too_large', status: 413 },
};

/** OpenAI-style `type` so that OpenAI SDKs classify our errors sensibly. */
function openAiType(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 429) return 'rate_limit_error';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

/** Builds the body and status for any thrown value. */
function renderError(error: unknown): { status: number; body: ErrorBody } {
  if (error instanceof GatewayError) {
    const { code, message, details } = error.toJSON();
    return {
      status: error.httpStatus,
      body: { error: { code, message, type: openAiType(error.httpStatus), details } },
    };
  }
  const fastifyError = error as FastifyError & { validation?: unknown };
  if (hasZodFastifySchemaValidationErrors(fastifyError)) {
    const issues = fastifyError.validation.map((issue) => ({
      field:
        issue.instancePath.replace(/^\//, '').replaceAll('/', '.') ||
        (issue.params?.issue as { path?: unknown[] } | undefined)?.path?.join('.') ||
        '(body)',
      message: issue.message ?? 'invalid',
    }));
    const context = fastifyError.validationContext ?? 'body';
    const summary = issues.map((issue) => `${issue.field}: ${issue.message}`).join('; ');
    return {
      status: 400,
      body: {
        error: {
          code: 'invalid_request',
          message: `Invalid ${context}: ${summary}`,
          type: 'invalid_request_error',
          details: { issues },
        },
      },
    };
  }
  const mapped = fastifyError.code ? fastifyClientErrors[fastifyError.code] : undefined;
  if (mapped) {
    return {
      status: mapped.status,
      body: {
        error: {
          code: mapped.code,
          message: fastifyError.message,
          type: openAiType(mapped.status),
        },
      },
    };
  }
  const statusCode = fastifyError.statusCode;
  if (statusCode && statusCode >= 400 && statusCode < 500) {
    return {
      status: statusCode,
      body: {
        error: {
          code: 'invalid_request',
          message: fastifyError.message,
          type: openAiType(statusCode),
        },
      },
    };
  }
  return {
    status: 500,
    body: {
      error: {
        code: 'internal_error',
        message: 'Internal error; it has been logged.',
        type: 'server_error',
      },
    },
  };
}

/**
 * Renders any thrown value as the one error body. Also Fastify's `frameworkErrors` option:
 * the router refuses a bad URL or an over-long path parameter before any route or hook runs,
 * and without this it would answer in Fastify's own shape.
 */
export function sendError(error: unknown, request: FastifyRequest, reply: FastifyReply) {
  const { status, body } = renderError(error);
  if (status >= 500) request.log.error({ err: error }, 'request failed');
  else request.log.info({ code: body.error.code, status }, 'request rejected');
  const retryAfter = (error as { retryAfterMs?: number }).retryAfterMs;
  if (retryAfter) reply.header('retry-after', Math.ceil(retryAfter / 1000));
  // Refused before its body was all read (an upload past its limit): the rest is drained, but
  // the connection is not reused, since a client that was still sending cannot be trusted to
  // have framed the next request on it.
  if (request.raw.complete === false && !reply.sent) reply.header('connection', 'close');
  return reply.status(status).send(body);
}

/** Installs the single error handler and the JSON 404. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler(sendError);
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({
      error: {
        code: 'route_not_found',
        message: `No route ${request.method} ${request.url.split('?')[0]}.`,
        type: 'not_found_error',
      },
    } satisfies ErrorBody),
  );
}
