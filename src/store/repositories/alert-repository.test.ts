import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMigratedDatabase } from '../../../test/helpers/migrated-database.js';
import { backends } from '../../../test/helpers/test-database.js';
import { AlertRepository } from './alert-repository.js';

describe.each(backends)('AlertRepository on %s', (backend) => {
  let opened: Awaited<ReturnType<typeof openMigratedDatabase>>;
  let alerts: AlertRepository;
  beforeAll(async () => {
    opened = await openMigratedDatabase(backend);
    alerts = new AlertRepository(opened.database);
  });
  afterAll(async () => {
    await opened?.close();
  });

  it('should read back an inserted alert with its details parsed', async () => {
    await alerts.insert({
      id: 'alert_1',
      type: 'circuit_opened',
      severity: 'warning',
      message: 'circuit opened for sim',
      details: { provider: 'sim', failures: 3 },
      deliveryStatus: null,
    });
    const [row] = await alerts.recent(10);
    expect(row).toMatchObject({
      id: 'alert_1',
      alert_type: 'circuit_opened',
      severity: 'warning',
      message: 'circuit opened for sim',
      details: { provider: 'sim', failures: 3 },
      delivery_status: null,
    });
    expect(row?.created_at).toBeInstanceOf(Date);
  });

  it('should list the newest first, up to the limit', async () => {
    await opened.database.query(`UPDATE alerts SET created_at = now() - interval '1 hour'`);
    await alerts.insert({
      id: 'alert_2',
      type: 'rollout_rolled_back',
      severity: 'critical',
      message: 'rolled back',
      details: {},
      deliveryStatus: 'pending',
    });
    expect((await alerts.recent(1)).map((row) => row.id)).toEqual(['alert_2']);
    expect((await alerts.recent(10)).map((row) => row.id)).toEqual(['alert_2', 'alert_1']);
  });

  it('should record the outcome of a delivery', async () => {
    await alerts.updateDeliveryStatus('alert_2', 'delivered');
    const [row] = await alerts.recent(1);
    expect(row?.delivery_status).toBe('delivered');
  });
});
