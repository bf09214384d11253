import { describe, expect, it } from 'vitest';
import { GatewayError } from '../core/errors/index.js';
import type { Tenant } from '../core/tenancy.js';
import { createLogger } from '../observability/logger.js';
import type { Database } from '../store/database.js';
import { KeylessTenants } from './keyless-tenants.js';

function tenant(id: string, name: string, group = 'default'): Tenant {
  const none = { softUsd: null, hardUsd: null };
  return {
    id,
    name,
    group,
    balanceUsd: null,
    reservedUsd: 0,
    budgets: { day: none, month: none },
    createdAt: new Date(0),
    updatedAt: new Date(0),
  };
}

function keylessTenants(rows: Tenant[]) {
  return new KeylessTenants({
    database: {} as Database,
    tenants: { list: async () => rows },
    families: { s1: { tenant: 'party-app' }, s5: { tenant: 'tenant_v', requestsPerMinute: 30 } },
    defaults: { requestsPerMinute: 60, maxConcurrentJobs: 4 },
    reloadIntervalMs: 60_000,
    logger: createLogger('silent'),
  });
}

describe('KeylessTenants', () => {
  it('should resolve families by tenant name or id, with their limits over the defaults', async () => {
    const keyless = keylessTenants([
      tenant('tenant_p', 'party-app', 'vip'),
      tenant('tenant_v', 'v'),
    ]);
    await keyless.reload();
    expect(keyless.resolve('s1')).toEqual({
      family: 's1',
      tenantId: 'tenant_p',
      group: 'vip',
      apiKeyId: 'keyless:s1',
      requestsPerMinute: 60,
      maxConcurrentJobs: 4,
    });
    expect(keyless.resolve('s5')).toMatchObject({ tenantId: 'tenant_v', requestsPerMinute: 30 });
    expect(keyless.accepts('s3')).toBe(false);
  });

  it('should answer 503 naming the config key while the tenant does not exist, and resolve once it does', async () => {
    const rows: Tenant[] = [];
    const keyless = keylessTenants(rows);
    await keyless.reload();
    expect(keyless.accepts('s1')).toBe(true);
    let refused: unknown;
    try {
      keyless.resolve('s1');
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(GatewayError);
    expect(refused).toMatchObject({
      httpStatus: 503,
      code: 'keyless_tenant_unknown',
      details: { config_key: 'compat.keyless.s1.tenant' },
    });
    rows.push(tenant('tenant_p', 'party-app'));
    await keyless.reload();
    expect(keyless.resolve('s1').tenantId).toBe('tenant_p');
  });
});
