import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ErrorBody } from '../helpers/api-schemas.js';
import { postJson } from '../helpers/http-client.js';
import { admin, gatewayConfig, rolloutBody } from '../helpers/rollout-scenario.js';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.js';

interface ServerEvent {
  event: string;
  data: unknown;
}

/** Reads a server-sent event stream with fetch, as any HTTP client would. */
async function openStream(url: string, headers: Record<string, string> = {}) {
  const controller = new AbortController();
  const response = await fetch(url, { headers, signal: controller.signal });
  const events: ServerEvent[] = [];
  const waiters: {
    test: (event: ServerEvent) => boolean;
    resolve: (event: ServerEvent) => void;
  }[] = [];
  const deliver = (event: ServerEvent) => {
    events.push(event);
    for (const waiter of [...waiters])
      if (waiter.test(event)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(event);
      }
  };
  void (async () => {
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
      if (done) return;
      buffer += value;
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = /^event: (.+)$/m.exec(block)?.[1];
        const data = /^data: (.+)$/m.exec(block)?.[1];
        if (event && data) deliver({ event, data: JSON.parse(data) as unknown });
      }
    }
  })();
  return {
    response,
    events,
    /** The first event (already seen or still to come) that `test` accepts. */
    next(test: (event: ServerEvent) => boolean): Promise<ServerEvent> {
      const seen = events.find(test);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve) => waiters.push({ test, resolve }));
    },
    close: () => controller.abort(),
  };
}

describe('live admin events over server-sent events', { timeout: 120_000 }, () => {
  let test: TestGateway;
  const streams: { close(): void }[] = [];
  beforeAll(async () => {
    test = await startTestGateway('pglite', gatewayConfig());
  });
  afterAll(async () => {
    for (const stream of streams) stream.close();
    await test?.close();
  });
  const issueToken = async () =>
    z
      .object({ token: z.string(), expires_at: z.string() })
      .parse((await postJson(`${test.url}/admin/events/token`, {}, admin)).body);

  it('should trade the admin key for a short-lived token, and refuse a stream without one', async () => {
    const refused = await postJson(`${test.url}/admin/events/token`, {});
    expect(refused.status).toBe(401);
    const { token, expires_at: expiresAt } = await issueToken();
    expect(token).not.toContain('rollout-admin-key');
    expect(Date.parse(expiresAt)).toBeGreaterThan(Date.now());
    for (const url of [
      `${test.url}/admin/events`,
      `${test.url}/admin/events?token=${encodeURIComponent(`${token}x`)}`,
      `${test.url}/admin/events?token=${token.replace(/^\d+/, '9999999999')}`,
    ]) {
      const response = await fetch(url);
      expect(response.status, url).toBe(401);
      expect(ErrorBody.parse(await response.json()).error.code).toBe('unauthorized');
    }
  });

  it('should stream rollout decisions, routing, provider and job changes as they happen', async () => {
    const { token } = await issueToken();
    const stream = await openStream(`${test.url}/admin/events?token=${token}`);
    streams.push(stream);
    expect(stream.response.status).toBe(200);
    expect(stream.response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    await stream.next((event) => event.event === 'ready');

    const started = await postJson(
      `${test.url}/admin/rollouts`,
      rolloutBody([
        { weight: 0.1, minDurationSeconds: 3600 },
        { weight: 1, minDurationSeconds: 0 },
      ]),
      admin,
    );
    expect(started.status).toBe(201);
    const id = z.object({ id: z.string() }).parse(started.body).id;
    const decision = await stream.next(
      (event) =>
        event.event === 'rollout' && (event.data as { decision?: string }).decision === 'started',
    );
    expect(decision.data).toMatchObject({ rollout_id: id, stage: 1, weights: { runware: 0.1 } });
    // The rollout is of one model: its weights are that model's.
    const routing = await stream.next((event) => {
      const models = (event.data as { models?: Record<string, { weights?: object }> }).models;
      return event.event === 'routing' && models?.['sim-image']?.weights !== undefined;
    });
    expect(routing.data).toMatchObject({
      models: { 'sim-image': { weights: { fal: 0.9, runware: 0.1 } } },
    });

    const rolledBack = await postJson(`${test.url}/admin/rollouts/${id}/rollback`, {}, admin);
    expect(rolledBack.status).toBe(200);
    await stream.next(
      (event) =>
        event.event === 'rollout' &&
        (event.data as { decision?: string }).decision === 'rolled_back',
    );
    const alert = await stream.next((event) => event.event === 'alert');
    expect(alert.data).toMatchObject({ type: 'rollout_rolled_back' });

    const disabled = await postJson(
      `${test.url}/admin/providers/runware/disable`,
      { reason: 'maintenance' },
      admin,
    );
    expect(disabled.status).toBe(200);
    const provider = await stream.next(
      (event) =>
        event.event === 'provider' &&
        (event.data as { providers: { id: string; enabled: boolean }[] }).providers.some(
          (entry) => entry.id === 'runware' && !entry.enabled,
        ),
    );
    expect(provider.data).toMatchObject({
      providers: expect.arrayContaining([{ id: 'fal', enabled: true }]),
    });

    const job = await postJson(
      `${test.url}/v1/generations?wait=30`,
      { model: 'sim-image', prompt: 'a live update' },
      admin,
    );
    const jobId = z.object({ id: z.string() }).parse(job.body).id;
    await stream.next(
      (event) =>
        event.event === 'job' &&
        (event.data as { id: string; status: string }).id === jobId &&
        (event.data as { status: string }).status === 'succeeded',
    );
  });

  it('should also open with the admin key as a bearer header (non-browser clients)', async () => {
    const stream = await openStream(`${test.url}/admin/events`, admin);
    streams.push(stream);
    expect(stream.response.status).toBe(200);
    expect((await stream.next((event) => event.event === 'ready')).data).toHaveProperty('at');
  });
});
