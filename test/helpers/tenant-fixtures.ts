import { z } from 'zod';
import { getJson, postJson } from './http-client.js';

const TenantBody = z.looseObject({
  id: z.string(),
  balance_usd: z.number().nullable(),
  reserved_usd: z.number(),
});
export type TenantBody = z.infer<typeof TenantBody>;

/** Admin calls the quota tests share: a tenant with one key, and a tenant read back. */
export function tenantFixtures(url: string, adminKey: string) {
  const admin = { authorization: `Bearer ${adminKey}` };
  return {
    admin,
    async tenantWithKey(
      body: Record<string, unknown>,
    ): Promise<{ tenant: TenantBody; key: string }> {
      const created = await postJson(`${url}/admin/tenants`, body, admin);
      if (created.status !== 201) throw new Error(`tenant: ${JSON.stringify(created.body)}`);
      const tenant = TenantBody.parse(created.body);
      const key = await postJson(`${url}/admin/keys`, { tenant: tenant.id }, admin);
      if (key.status !== 201) throw new Error(`key: ${JSON.stringify(key.body)}`);
      return { tenant, key: z.looseObject({ key: z.string() }).parse(key.body).key };
    },
    async tenant(id: string): Promise<TenantBody> {
      return TenantBody.parse((await getJson(`${url}/admin/tenants/${id}`, admin)).body);
    },
  };
}
