import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ApiKeyScope, type ApiKey, type Tenant } from '../../core/tenancy.js';
import type { BudgetChanges } from '../../store/repositories/tenant-repository.js';
import type { AppDependencies } from './app-dependencies.js';
import type { FastifyRequest } from 'fastify';
import { errorResponses, jsonResponse, noContent } from '../schemas/error-responses.js';
import {
  ApiKeyListSchema,
  ApiKeySchema,
  CreatedApiKeySchema,
  TenantListSchema,
  TenantSchema,
} from '../schemas/admin-tenancy-responses.js';

const tenantResponse = {
  200: jsonResponse('The tenant', TenantSchema),
  ...errorResponses(404),
};
const keyResponse = { 200: jsonResponse('The API key', ApiKeySchema), ...errorResponses(404) };
import {
  assertOwnTenant,
  assertTenantMaySet,
  tenantAdminAuth,
  tenantAdminScope,
} from './tenant-admin-auth.js';

const name = z.string().min(1).max(100);
const group = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[\w.-]+$/, 'letters, digits, _ . - only');
const scopes = z.array(z.enum(ApiKeyScope)).min(1);
const models = z.array(z.string().min(1).max(200)).min(1);
const allowedIps = z.array(z.string().min(2).max(64)).min(1);
/** Requests per minute, counted on every instance together. */
const rateLimitRpm = z.number().int().min(1).max(1_000_000);
/** Unfinished jobs at once, on every instance together. */
const maxConcurrentJobs = z.number().int().min(1).max(100_000);
const IdParams = z.object({ id: z.string().min(1).max(100) });
const usd = z.number().min(0).nullable().optional();
const budgetLimits = z.object({ soft_usd: usd, hard_usd: usd }).strict();
/** `{day?: {soft_usd?, hard_usd?}, month?: {…}}`; null clears a limit, absent keeps it. */
const budgets = z
  .object({ day: budgetLimits.optional(), month: budgetLimits.optional() })
  .strict()
  .optional();

function budgetChanges(input: z.infer<typeof budgets>): BudgetChanges | undefined {
  if (!input) return undefined;
  const limits = (period: z.infer<typeof budgetLimits> | undefined) =>
    period && { softUsd: period.soft_usd, hardUsd: period.hard_usd };
  return { day: limits(input.day), month: limits(input.month) };
}

function tenantJson(tenant: Tenant) {
  return {
    id: tenant.id,
    object: 'tenant' as const,
    name: tenant.name,
    group: tenant.group,
    balance_usd: tenant.balanceUsd,
    reserved_usd: tenant.reservedUsd,
    budgets: {
      day: { soft_usd: tenant.budgets.day.softUsd, hard_usd: tenant.budgets.day.hardUsd },
      month: { soft_usd: tenant.budgets.month.softUsd, hard_usd: tenant.budgets.month.hardUsd },
    },
    created_at: tenant.createdAt.toISOString(),
    updated_at: tenant.updatedAt.toISOString(),
  };
}

/** A key as the admin API shows it: never the hash, never the plaintext (only at creation). */
function keyJson(key: ApiKey) {
  return {
    id: key.id,
    object: 'api_key' as const,
    tenant_id: key.tenantId,
    name: key.name,
    prefix: key.prefix,
    group: key.group,
    scopes: key.scopes,
    models: key.models,
    allowed_ips: key.allowedIps,
    rate_limit_rpm: key.rateLimitRpm,
    max_concurrent_jobs: key.maxConcurrentJobs,
    expires_at: key.expiresAt?.toISOString() ?? null,
    revoked_at: key.revokedAt?.toISOString() ?? null,
    last_used_at: key.lastUsedAt?.toISOString() ?? null,
    created_at: key.createdAt.toISOString(),
  };
}

/**
 * Admin: tenants and their API keys. A key's plaintext is in the creation answer only.
 *
 * @example
 * curl -X POST localhost:8787/admin/tenants -H "authorization: Bearer $SWITCHYARD_ADMIN_KEY" \
 *   -H 'content-type: application/json' -d '{"name":"acme","group":"default"}'
 * curl -X POST localhost:8787/admin/keys -H "authorization: Bearer $SWITCHYARD_ADMIN_KEY" \
 *   -H 'content-type: application/json' -d '{"tenant":"acme","name":"web","expires_in_seconds":2592000}'
 * curl -X PATCH localhost:8787/admin/keys/key_… -H "authorization: Bearer $SWITCHYARD_ADMIN_KEY" \
 *   -H 'content-type: application/json' -d '{"rate_limit_rpm":120,"max_concurrent_jobs":4}'
 * curl -X DELETE localhost:8787/admin/keys/key_… -H "authorization: Bearer $SWITCHYARD_ADMIN_KEY"
 */
export function adminTenancyRoutes(
  dependencies: Pick<AppDependencies, 'tenancy' | 'config' | 'apiKeys'>,
): FastifyPluginAsyncZod {
  const { tenancy } = dependencies;
  /** A tenant admin may act on its own tenant's keys only; others' look absent. */
  const ownKey = async (request: FastifyRequest, id: string) => {
    const key = await tenancy.key(id);
    assertOwnTenant(request, key.tenantId, 'api_key', id);
    return key;
  };
  return async (app) => {
    app.addHook('onRequest', tenantAdminAuth(dependencies));

    app.post(
      '/admin/tenants',
      {
        schema: {
          tags: ['admin'],
          summary: 'Create a tenant',
          body: z
            .object({
              name,
              group: group.optional(),
              balance_usd: z.number().min(0).optional(),
              budgets,
            })
            .strict(),
          response: {
            201: jsonResponse('The tenant created', TenantSchema),
            ...errorResponses(409),
          },
        },
      },
      async (request, reply) => {
        const tenant = await tenancy.createTenant({
          name: request.body.name,
          group: request.body.group,
          balanceUsd: request.body.balance_usd,
          budgets: budgetChanges(request.body.budgets),
        });
        return reply.status(201).send(tenantJson(tenant));
      },
    );
    app.get(
      '/admin/tenants',
      {
        schema: {
          tags: ['admin'],
          summary: 'List tenants',
          response: { 200: jsonResponse('Every tenant', TenantListSchema) },
        },
      },
      async () => ({
        object: 'list' as const,
        data: (await tenancy.listTenants()).map(tenantJson),
      }),
    );
    app.get(
      '/admin/tenants/:id',
      {
        schema: {
          tags: ['admin'],
          summary: 'A tenant (by id or name)',
          params: IdParams,
          response: tenantResponse,
        },
      },
      async (request) => {
        const tenant = await tenancy.tenant(request.params.id);
        assertOwnTenant(request, tenant.id, 'tenant', request.params.id);
        return tenantJson(tenant);
      },
    );
    app.patch(
      '/admin/tenants/:id',
      {
        schema: {
          tags: ['admin'],
          summary:
            'Change a tenant (name, group, balance, budgets); keys obey at once on every instance',
          params: IdParams,
          body: z
            .object({
              name: name.optional(),
              group: group.optional(),
              balance_usd: z.number().min(0).nullable().optional(),
              budgets,
            })
            .strict(),
          response: { ...tenantResponse, ...errorResponses(404, 409) },
        },
      },
      async (request) =>
        tenantJson(
          await tenancy.updateTenant(request.params.id, {
            name: request.body.name,
            group: request.body.group,
            balanceUsd: request.body.balance_usd,
            budgets: budgetChanges(request.body.budgets),
          }),
        ),
    );
    app.delete(
      '/admin/tenants/:id',
      {
        schema: {
          tags: ['admin'],
          summary: 'Delete a tenant and its keys (its jobs and files stay)',
          params: IdParams,
          response: { 204: noContent, ...errorResponses(404) },
        },
      },
      async (request, reply) => {
        await tenancy.deleteTenant(request.params.id);
        return reply.status(204).send(null);
      },
    );

    app.post(
      '/admin/keys',
      {
        schema: {
          tags: ['admin'],
          summary: 'Create an API key (the plaintext `key` is shown in this answer only)',
          body: z
            .object({
              tenant: z.string().min(1).max(100),
              name: name.optional(),
              group: group.optional(),
              scopes: scopes.optional(),
              models: models.optional(),
              allowed_ips: allowedIps.optional(),
              rate_limit_rpm: rateLimitRpm.optional(),
              max_concurrent_jobs: maxConcurrentJobs.optional(),
              expires_at: z.iso.datetime({ offset: true }).optional(),
              /** Lifetime from now (the gateway's clock). */
              expires_in_seconds: z.number().int().min(1).optional(),
            })
            .strict(),
          response: {
            201: jsonResponse('The key created, with its plaintext', CreatedApiKeySchema),
            ...errorResponses(404),
          },
        },
      },
      async (request, reply) => {
        const body = request.body;
        const owner = await tenancy.tenant(body.tenant);
        assertOwnTenant(request, owner.id, 'tenant', body.tenant);
        assertTenantMaySet(request, body);
        const { key, plaintext } = await tenancy.createKey({
          tenant: body.tenant,
          name: body.name,
          group: body.group,
          scopes: body.scopes,
          models: body.models,
          allowedIps: body.allowed_ips,
          rateLimitRpm: body.rate_limit_rpm,
          maxConcurrentJobs: body.max_concurrent_jobs,
          expiresAt: body.expires_at ? new Date(body.expires_at) : undefined,
          expiresInSeconds: body.expires_in_seconds,
        });
        return reply.status(201).send({ ...keyJson(key), key: plaintext });
      },
    );
    app.get(
      '/admin/keys',
      {
        schema: {
          tags: ['admin'],
          summary: 'List API keys (prefix only, never the key)',
          querystring: z.object({ tenant: z.string().min(1).max(100).optional() }),
          response: { 200: jsonResponse('API keys', ApiKeyListSchema), ...errorResponses(404) },
        },
      },
      async (request) => {
        const scope = tenantAdminScope(request);
        if (scope !== undefined && request.query.tenant !== undefined) {
          const asked = await tenancy.tenant(request.query.tenant);
          assertOwnTenant(request, asked.id, 'tenant', request.query.tenant);
        }
        return {
          object: 'list' as const,
          data: (await tenancy.listKeys({ tenant: scope ?? request.query.tenant })).map(keyJson),
        };
      },
    );
    app.get(
      '/admin/keys/:id',
      {
        schema: { tags: ['admin'], summary: 'An API key', params: IdParams, response: keyResponse },
      },
      async (request) => keyJson(await ownKey(request, request.params.id)),
    );
    app.patch(
      '/admin/keys/:id',
      {
        schema: {
          tags: ['admin'],
          summary: 'Change a key; every instance obeys within a second',
          params: IdParams,
          body: z
            .object({
              name: name.nullable().optional(),
              group: group.nullable().optional(),
              scopes: scopes.optional(),
              models: models.nullable().optional(),
              allowed_ips: allowedIps.nullable().optional(),
              rate_limit_rpm: rateLimitRpm.nullable().optional(),
              max_concurrent_jobs: maxConcurrentJobs.nullable().optional(),
              expires_at: z.iso.datetime({ offset: true }).nullable().optional(),
            })
            .strict(),
          response: keyResponse,
        },
      },
      async (request) => {
        const body = request.body;
        await ownKey(request, request.params.id);
        assertTenantMaySet(request, body);
        return keyJson(
          await tenancy.updateKey(request.params.id, {
            name: body.name,
            group: body.group,
            scopes: body.scopes,
            models: body.models,
            allowedIps: body.allowed_ips,
            rateLimitRpm: body.rate_limit_rpm,
            maxConcurrentJobs: body.max_concurrent_jobs,
            expiresAt:
              body.expires_at === undefined
                ? undefined
                : body.expires_at === null
                  ? null
                  : new Date(body.expires_at),
          }),
        );
      },
    );
    app.delete(
      '/admin/keys/:id',
      {
        schema: {
          tags: ['admin'],
          summary: 'Revoke a key; every instance refuses it within a second',
          params: IdParams,
          response: keyResponse,
        },
      },
      async (request) => {
        await ownKey(request, request.params.id);
        return keyJson(await tenancy.revokeKey(request.params.id));
      },
    );
  };
}
