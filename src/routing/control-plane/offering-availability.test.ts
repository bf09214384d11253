import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMigratedDatabase } from '../../../test/helpers/migrated-database.js';
import { AlertSink } from '../../observability/alert-sink.js';
import { createLogger } from '../../observability/logger.js';
import { ProviderInstances } from '../../providers/provider-instances.js';
import { SsrfGuard } from '../../security/ssrf-guard.js';
import { ControlPlane } from './control-plane.js';
import { OfferingAvailability, offeringUnavailableKey } from './offering-availability.js';

const logger = createLogger('silent');
const retired = {
  provider: 'runware',
  model: 'veo-3-fast',
  providerModelId: 'google:3@1',
  code: 'provider_model_unavailable',
  reason: 'runware answered 400: invalidModel',
};

describe('OfferingAvailability', () => {
  let opened: Awaited<ReturnType<typeof openMigratedDatabase>>;
  let alerts: AlertSink;
  const instances: ControlPlane[] = [];
  const start = async () => {
    const controlPlane = new ControlPlane({
      database: opened.database,
      instances: new ProviderInstances([]),
      defaults: {},
      reloadIntervalMs: 3_600_000,
      logger,
    });
    const offerings = new OfferingAvailability({ controlPlane, alerts, logger, now: () => 0 });
    await controlPlane.start();
    instances.push(controlPlane);
    return { controlPlane, offerings };
  };
  beforeAll(async () => {
    opened = await openMigratedDatabase('pglite');
    alerts = new AlertSink({
      database: opened.database,
      logger,
      guard: new SsrfGuard({}),
      secret: () => 'whsec_test',
    });
  });
  afterAll(async () => {
    for (const controlPlane of instances) await controlPlane.stop();
    await opened?.close();
  });

  it('should mark an offering once, alert once, and show it to a reloading instance', async () => {
    const one = await start();
    const two = await start();
    expect(await one.offerings.markUnavailable(retired)).toBe(true);
    expect(await one.offerings.markUnavailable(retired)).toBe(false);
    expect(await two.offerings.markUnavailable(retired)).toBe(false);
    expect(one.offerings.unavailable('runware', 'veo-3-fast')).toMatchObject({
      providerModelId: 'google:3@1',
      since: '1970-01-01T00:00:00.000Z',
    });
    const third = await start();
    expect(third.offerings.list()).toEqual([{ ...retired, since: '1970-01-01T00:00:00.000Z' }]);
    const raised = (await alerts.recent(10)).filter(
      (alert) => alert.alert_type === 'offering_unavailable',
    );
    expect(raised).toHaveLength(1);
  });

  it('should restore an offering everywhere and say when there was nothing to restore', async () => {
    const one = await start();
    expect(await one.offerings.restore('runware', 'veo-3-fast', { actor: 'admin' })).toBe(true);
    expect(one.offerings.unavailable('runware', 'veo-3-fast')).toBeUndefined();
    expect(await one.offerings.restore('runware', 'veo-3-fast', { actor: 'admin' })).toBe(false);
    const [audit] = await one.controlPlane.audit({
      limit: 1,
      key: offeringUnavailableKey('runware', 'veo-3-fast'),
    });
    expect(audit).toMatchObject({ action: expect.stringMatching(/delete/i), actor: 'admin' });
  });

  it('should ignore an unreadable mark written by hand', async () => {
    const one = await start();
    await one.controlPlane.store.set(
      offeringUnavailableKey('fal', 'flux-dev'),
      { text: 'not json' },
      { actor: 'sql' },
    );
    await one.controlPlane.reload();
    expect(one.offerings.unavailable('fal', 'flux-dev')).toBeUndefined();
  });
});
