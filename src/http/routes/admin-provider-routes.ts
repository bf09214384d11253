import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { SimulatorAdapter } from '../../providers/simulator/simulator-adapter.js';
import type { AppDependencies } from './app-dependencies.js';
import { operatorAuth } from './operator-auth.js';
import { authorOf } from './admin-routing-routes.js';
import { NotFoundError } from '../../core/errors/index.js';
import { errorResponses, jsonResponse } from '../schemas/error-responses.js';
import {
  AdminProviderListSchema,
  AdminProviderSchema,
  WebhookSecretSchema,
} from '../schemas/admin-provider-responses.js';

/**
 * Admin: provider instances and simulator drills.
 *
 * @example
 * curl -X PATCH localhost:8787/admin/providers/simulator -H "authorization: Bearer $SWITCHYARD_ADMIN_KEY" \
 *   -H 'content-type: application/json' -d '{"failureRate":0.5,"failureKinds":["rate_limited"]}'
 */
export function adminProviderRoutes(
  dependencies: Pick<
    AppDependencies,
    'instances' | 'providerAdmin' | 'config' | 'health' | 'webhookSecret' | 'apiKeys'
  >,
): FastifyPluginAsyncZod {
  const { instances, providerAdmin } = dependencies;
  const describe = (id: string) => {
    const instance = instances.get(id);
    if (!instance) throw new NotFoundError('provider', id);
    const { adapter } = instance;
    return {
      id: adapter.id,
      type: adapter.type,
      enabled: instance.enabled,
      models: adapter.models.map((model) => model.modelKey),
      circuit: dependencies.health.circuit(adapter.id),
      credits: dependencies.health.credits.isExhausted(adapter.id)
        ? ('exhausted' as const)
        : ('ok' as const),
      capabilities: adapter.models.map((model) => ({
        model: model.modelKey,
        provider_model_id: model.providerModelId,
        kind: model.kind,
        deprecated: model.deprecated,
        price: model.price,
        ...model.capabilities,
      })),
      profile: adapter instanceof SimulatorAdapter ? adapter.profile : undefined,
    };
  };
  return async (app) => {
    app.addHook('onRequest', operatorAuth(dependencies));
    app.get(
      '/admin/webhook-secret',
      {
        schema: {
          tags: ['admin'],
          summary: 'The secret outbound webhooks are signed with (Standard Webhooks)',
          response: { 200: jsonResponse('The signing secret', WebhookSecretSchema) },
        },
      },
      async () => ({
        secret: dependencies.webhookSecret(),
        scheme: 'standard-webhooks' as const,
        headers: ['webhook-id', 'webhook-timestamp', 'webhook-signature'],
      }),
    );
    app.get(
      '/admin/providers',
      {
        schema: {
          tags: ['admin'],
          summary: 'List provider instances',
          response: { 200: jsonResponse('Every provider instance', AdminProviderListSchema) },
        },
      },
      async () => ({
        object: 'list' as const,
        data: instances.list().map((instance) => describe(instance.adapter.id)),
      }),
    );
    app.post(
      '/admin/providers/:id/circuit',
      {
        schema: {
          tags: ['admin'],
          summary:
            "Force a provider's circuit open (tried only after every other provider) or closed (counters reset)",
          params: z.object({ id: z.string() }),
          body: z.object({ state: z.enum(['open', 'closed']) }).strict(),
          response: {
            200: jsonResponse('The provider instance', AdminProviderSchema),
            ...errorResponses(404),
          },
        },
      },
      async (request) => {
        describe(request.params.id);
        dependencies.health.forceCircuit(request.params.id, request.body.state);
        request.log.warn(
          { provider: request.params.id, state: request.body.state },
          'circuit forced by an operator',
        );
        return describe(request.params.id);
      },
    );
    app.get(
      '/admin/providers/:id',
      {
        schema: {
          tags: ['admin'],
          summary: 'Describe a provider instance',
          params: z.object({ id: z.string() }),
          response: {
            200: jsonResponse('The provider instance', AdminProviderSchema),
            ...errorResponses(404),
          },
        },
      },
      async (request) => describe(request.params.id),
    );
    app.patch(
      '/admin/providers/:id',
      {
        schema: {
          tags: ['admin'],
          summary: "Change a simulator's profile at runtime (drills)",
          params: z.object({ id: z.string() }),
          body: z.record(z.string(), z.unknown()),
          response: {
            200: jsonResponse('The provider instance', AdminProviderSchema),
            ...errorResponses(404),
          },
        },
      },
      async (request) => {
        await providerAdmin.patchProfile(
          request.params.id,
          request.body,
          authorOf(request, undefined),
        );
        return describe(request.params.id);
      },
    );
  };
}
