import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import multipart from '@fastify/multipart';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppDependencies } from './routes/app-dependencies.js';
import { installRequestDeadline } from './request-deadline.js';
import { answerClientError } from './answer-client-error.js';
import { installErrorHandler, sendError } from './error-handler.js';
import {
  documentObjectTransform,
  documentTransform,
  installRouteDocs,
  securitySchemes,
} from './document-routes.js';
import { installUnstorableTextCheck } from './reject-unstorable-text.js';
import { adminOfferingRoutes } from './routes/admin-offering-routes.js';
import { adminProviderRoutes } from './routes/admin-provider-routes.js';
import { assetRoutes } from './routes/asset-routes.js';
import { generationRoutes } from './routes/generation-routes.js';
import { healthRoutes } from './routes/health-routes.js';
import { modelRoutes } from './routes/model-routes.js';
import { openAiImageRoutes } from './routes/openai-image-routes.js';
import { openAiVideoRoutes } from './routes/openai-video-routes.js';
import { providerWebhookRoutes } from './routes/provider-webhook-routes.js';
import { uploadRoutes } from './routes/upload-routes.js';
import { operationsRoutes } from './routes/operations-routes.js';
import { adminRoutingRoutes } from './routes/admin-routing-routes.js';
import { adminRolloutRoutes } from './routes/admin-rollout-routes.js';
import { feedbackRoutes } from './routes/feedback-routes.js';
import { adminTenancyRoutes } from './routes/admin-tenancy-routes.js';
import { installApiKeyAuth } from './routes/api-key-auth.js';
import { installApiKeyRateLimit } from './routes/api-key-rate-limit.js';
import { callerRoutes } from './routes/caller-routes.js';
import { usageRoutes } from './routes/usage-routes.js';
import { adminQuotaRoutes } from './routes/admin-quota-routes.js';
import { adminWhoamiRoutes } from './routes/admin-whoami-routes.js';
import { s1RunwareDownloadRoute } from './routes/s1-runware-download-route.js';
import { s1RunwareRoutes } from './routes/s1-runware-routes.js';
import { s5VideoRoutes } from './routes/s5-video-routes.js';
import { adminChannelRoutes } from './routes/admin-channel-routes.js';
import { relayRoutes } from './routes/relay-routes.js';
import { s3MotifGenerationRoutes } from './routes/s3-motif-generation-routes.js';
import { s3MotifProviderRoutes } from './routes/s3-motif-provider-routes.js';
import { s3MotifServiceRoutes } from './routes/s3-motif-service-routes.js';
import { dashboardRoutes } from './routes/dashboard-routes.js';
import { telegramWebhookRoutes } from './routes/telegram-webhook-routes.js';
import { adminAnalyticsRoutes } from './routes/admin-analytics-routes.js';
import { adminEventRoutes } from './routes/admin-event-routes.js';

/**
 * Builds the Fastify app from its dependencies, with no side effects (no listen, no workers),
 * so tests can `inject()` requests or listen on port 0.
 */
export async function buildApp(dependencies: AppDependencies): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: dependencies.logger as FastifyBaseLogger,
    // Per-request lines go out at debug level (onResponse below); info stays readable in production.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 1024 * 1024,
    requestTimeout: dependencies.config.requestTimeoutSeconds * 1000,
    trustProxy: dependencies.config.trustProxy,
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.-]{1,100}$/.test(given)
        ? given
        : crypto.randomUUID();
    },
    // The router's own refusals (a bad URL, an over-long path parameter) and the HTTP parser's
    // (a malformed Content-Length, oversized headers, a timeout) in the one error body.
    frameworkErrors: sendError,
    clientErrorHandler: answerClientError,
  });

  app.setValidatorCompiler(validatorCompiler);
  // Response schemas document the API; plain JSON.stringify keeps serialisation cheap.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  installErrorHandler(app);
  installRequestDeadline(app, dependencies.config.requestTimeoutSeconds * 1000);
  installApiKeyAuth(app, dependencies);
  // After auth: the limit is the calling key's.
  await installApiKeyRateLimit(app, dependencies);
  installUnstorableTextCheck(app);
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  app.addHook('onResponse', async (request, reply) => {
    request.log.debug(
      {
        method: request.method,
        url: request.url.split('?')[0],
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
      },
      'request',
    );
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Switchyard',
        version: '0.1.0',
        description:
          'One API for image and video generation across providers: durable jobs, routing, fallback and canary rollouts.',
      },
      tags: [
        { name: 'generations', description: 'Native generation jobs' },
        { name: 'assets', description: 'Uploads and generated files' },
        { name: 'models', description: 'Catalog and estimates' },
        { name: 'openai', description: 'OpenAI Images/Videos compatible routes' },
        {
          name: 's1',
          description:
            'S1 Runware video proxy compatibility routes (/api/v3/…), translated onto native jobs',
        },
        {
          name: 's3',
          description:
            'S3 image service manager compatibility routes (/motif/…), translated onto native jobs and the control plane',
        },
        {
          name: 's5',
          description:
            'S5 video engine compatibility routes (/api/videos/…), translated onto native jobs',
        },
        { name: 'providers', description: 'Provider callbacks' },
        { name: 'operations', description: 'Health and readiness' },
        { name: 'admin', description: 'Admin API (Authorization: Bearer SWITCHYARD_ADMIN_KEY)' },
      ],
      components: { securitySchemes },
    },
    transform: documentTransform,
    // Schemas registered with an id (the error envelope, the job) become shared components.
    transformObject: documentObjectTransform,
  });
  installRouteDocs(app, Object.keys(dependencies.config.relay.routes));
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app
    .withTypeProvider<ZodTypeProvider>()
    .get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await app.register(multipart, {
    limits: { fileSize: dependencies.config.uploads.maxBytes, files: 1, fields: 20, parts: 25 },
    throwFileSizeLimit: true,
  });
  await app.register(healthRoutes(dependencies));
  await app.register(generationRoutes(dependencies));
  await app.register(uploadRoutes(dependencies));
  await app.register(assetRoutes(dependencies));
  await app.register(modelRoutes(dependencies));
  await app.register(openAiImageRoutes(dependencies));
  await app.register(openAiVideoRoutes(dependencies));
  await app.register(s1RunwareRoutes(dependencies));
  await app.register(s1RunwareDownloadRoute(dependencies));
  await app.register(s5VideoRoutes(dependencies));
  await app.register(s3MotifGenerationRoutes(dependencies));
  await app.register(s3MotifServiceRoutes(dependencies));
  await app.register(s3MotifProviderRoutes(dependencies));
  await app.register(providerWebhookRoutes(dependencies));
  await app.register(adminProviderRoutes(dependencies));
  await app.register(adminOfferingRoutes(dependencies));
  await app.register(adminRoutingRoutes(dependencies));
  await app.register(adminRolloutRoutes(dependencies));
  await app.register(feedbackRoutes(dependencies));
  await app.register(adminTenancyRoutes(dependencies));
  await app.register(adminChannelRoutes(dependencies));
  await app.register(relayRoutes(dependencies));
  await app.register(callerRoutes());
  await app.register(usageRoutes(dependencies));
  await app.register(adminQuotaRoutes(dependencies));
  await app.register(adminWhoamiRoutes(dependencies));
  await app.register(operationsRoutes(dependencies));
  await app.register(adminAnalyticsRoutes(dependencies));
  await app.register(adminEventRoutes(dependencies));
  await app.register(dashboardRoutes());
  await app.register(telegramWebhookRoutes(dependencies));
  return app;
}
