import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Channel } from '../../core/channel.js';
import type { AppDependencies } from './app-dependencies.js';
import { operatorAuth } from './operator-auth.js';
import { errorResponses, jsonResponse, noContent } from '../schemas/error-responses.js';
import {
  ChannelListSchema,
  ChannelSchema,
  ChannelTestSchema,
} from '../schemas/admin-channel-responses.js';

const channelResponse = {
  200: jsonResponse('The channel', ChannelSchema),
  ...errorResponses(404),
};

const group = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[\w.-]+$/, 'letters, digits, _ . - only');
const model = z.string().min(1).max(200);
const key = z.string().min(1).max(4096);
const IdParams = z.object({ id: z.string().min(1).max(100) });

const fields = {
  type: z.string().min(1).max(64),
  name: z.string().min(1).max(100),
  groups: z.array(group).min(1).max(50),
  /** Shorthand for one group. */
  group,
  base_url: z.url({ protocol: /^https?$/ }),
  keys: z.array(key).min(1).max(100),
  /** Shorthand for one key. */
  key,
  models: z.array(model).min(1).max(500),
  model_mapping: z.record(model, model),
  priority: z.number().int().min(-1000).max(1000),
  weight: z.number().int().min(0).max(10_000),
  enabled: z.boolean(),
};

const CreateBody = z
  .object({
    type: fields.type,
    name: fields.name,
    groups: fields.groups.optional(),
    group: fields.group.optional(),
    base_url: fields.base_url.optional(),
    keys: fields.keys.optional(),
    key: fields.key.optional(),
    models: fields.models,
    model_mapping: fields.model_mapping.optional(),
    priority: fields.priority.optional(),
    weight: fields.weight.optional(),
    enabled: fields.enabled.optional(),
  })
  .strict()
  .refine((body) => body.keys || body.key, {
    message: 'keys (or key) is required',
    path: ['keys'],
  });

const UpdateBody = z
  .object({
    type: fields.type.optional(),
    name: fields.name.optional(),
    groups: fields.groups.optional(),
    group: fields.group.optional(),
    base_url: fields.base_url.nullable().optional(),
    keys: fields.keys.optional(),
    key: fields.key.optional(),
    models: fields.models.optional(),
    model_mapping: fields.model_mapping.nullable().optional(),
    priority: fields.priority.optional(),
    weight: fields.weight.optional(),
    enabled: fields.enabled.optional(),
  })
  .strict();

/** A channel as the admin API shows it: keys only as masked tails. */
function channelJson(
  channel: Channel,
  state: { keys: { available: number; setAside: number } | undefined; problem?: string },
) {
  return {
    id: channel.id,
    object: 'channel' as const,
    type: channel.type,
    name: channel.name,
    groups: channel.groups,
    base_url: channel.baseUrl,
    keys: channel.keyTails,
    models: channel.models,
    model_mapping: channel.modelMapping,
    priority: channel.priority,
    weight: channel.weight,
    enabled: channel.enabled,
    health: {
      loaded: state.keys !== undefined,
      keys_available: state.keys?.available ?? 0,
      keys_set_aside: state.keys?.setAside ?? 0,
      ...(state.problem ? { error: state.problem } : {}),
    },
    created_at: channel.createdAt.toISOString(),
    updated_at: channel.updatedAt.toISOString(),
  };
}

/**
 * Admin: channels (provider instances per routing group). Keys go in, never out: answers show
 * only their masked tails.
 *
 * @example
 * curl -X POST localhost:8787/admin/channels -H "authorization: Bearer $SWITCHYARD_ADMIN_KEY" \
 *   -H 'content-type: application/json' -d '{"type":"runway","name":"runway-a","groups":["vip"],
 *   "keys":["key_…"],"models":["runway"],"model_mapping":{"runway":"gen4_turbo"}}'
 * curl -X PATCH localhost:8787/admin/channels/chan_… -H "authorization: Bearer $SWITCHYARD_ADMIN_KEY" \
 *   -H 'content-type: application/json' -d '{"enabled":false}'
 * curl -X POST localhost:8787/admin/channels/chan_…/test -H "authorization: Bearer $SWITCHYARD_ADMIN_KEY"
 */
export function adminChannelRoutes(
  dependencies: Pick<AppDependencies, 'channels' | 'config' | 'apiKeys'>,
): FastifyPluginAsyncZod {
  const { channels } = dependencies;
  const render = (channel: Channel) => {
    const loaded = channels.cache.get(channel.id);
    return channelJson(channel, {
      keys: loaded ? channels.cache.keyCounts(loaded) : undefined,
      problem: channels.cache.problem(channel.id),
    });
  };
  return async (app) => {
    app.addHook('onRequest', operatorAuth(dependencies));

    app.post(
      '/admin/channels',
      {
        schema: {
          tags: ['admin'],
          summary: 'Create a channel',
          body: CreateBody,
          response: {
            201: jsonResponse('The channel created', ChannelSchema),
            ...errorResponses(409),
          },
        },
      },
      async (request, reply) => {
        const body = request.body;
        const channel = await channels.admin.create({
          type: body.type,
          name: body.name,
          groups: body.groups ?? (body.group ? [body.group] : undefined),
          baseUrl: body.base_url,
          keys: body.keys ?? [body.key!],
          models: body.models,
          modelMapping: body.model_mapping,
          priority: body.priority,
          weight: body.weight,
          enabled: body.enabled,
        });
        return reply.status(201).send(render(channel));
      },
    );
    app.get(
      '/admin/channels',
      {
        schema: {
          tags: ['admin'],
          summary: 'List channels',
          response: { 200: jsonResponse('Every channel', ChannelListSchema) },
        },
      },
      async () => ({
        object: 'list' as const,
        data: (await channels.admin.list()).map(render),
      }),
    );
    app.get(
      '/admin/channels/:id',
      {
        schema: {
          tags: ['admin'],
          summary: 'A channel (by id or name)',
          params: IdParams,
          response: channelResponse,
        },
      },
      async (request) => render(await channels.admin.get(request.params.id)),
    );
    app.patch(
      '/admin/channels/:id',
      {
        schema: {
          tags: ['admin'],
          summary: 'Change a channel; every instance obeys within a second',
          params: IdParams,
          body: UpdateBody,
          response: { ...channelResponse, ...errorResponses(404, 409) },
        },
      },
      async (request) => {
        const body = request.body;
        const channel = await channels.admin.update(request.params.id, {
          type: body.type,
          name: body.name,
          groups: body.groups ?? (body.group ? [body.group] : undefined),
          baseUrl: body.base_url,
          keys: body.keys ?? (body.key ? [body.key] : undefined),
          models: body.models,
          modelMapping: body.model_mapping,
          priority: body.priority,
          weight: body.weight,
          enabled: body.enabled,
        });
        return render(channel);
      },
    );
    app.delete(
      '/admin/channels/:id',
      {
        schema: {
          tags: ['admin'],
          summary: 'Delete a channel',
          params: IdParams,
          response: { 204: noContent, ...errorResponses(404) },
        },
      },
      async (request, reply) => {
        await channels.admin.delete(request.params.id);
        return reply.status(204).send(null);
      },
    );
    app.post(
      '/admin/channels/:id/test',
      {
        schema: {
          tags: ['admin'],
          summary: "Run the channel's cheap health check (never billable)",
          params: IdParams,
          response: {
            200: jsonResponse('The check result', ChannelTestSchema),
            ...errorResponses(404),
          },
        },
      },
      async (request) => {
        const channel = await channels.admin.get(request.params.id);
        const result = await channels.tester.test(channel.id);
        return {
          object: 'channel_test' as const,
          channel: channel.id,
          ok: result.ok,
          latency_ms: result.latencyMs,
          error: result.error ?? null,
          ...(result.credits ? { credits: result.credits } : {}),
        };
      },
    );
  };
}
