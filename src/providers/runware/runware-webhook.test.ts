import { describe, expect, it } from 'vitest';
import { runwareTaskUuid } from './runware-task-uuid.js';
import { RunwareWebhookTokens } from './runware-webhook.js';

const callback = 'https://gw.example/v1/providers/runware/webhook';
const query = (url: string) => Object.fromEntries(new URL(url).searchParams);

describe('runwareTaskUuid', () => {
  it('should derive a stable UUID v4 from the attempt id', () => {
    const uuid = runwareTaskUuid('att_0123456789abcdefghjkmnpqrs');
    expect(uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(runwareTaskUuid('att_0123456789abcdefghjkmnpqrs')).toBe(uuid);
    expect(runwareTaskUuid('att_0123456789abcdefghjkmnpqrt')).not.toBe(uuid);
  });
});

describe('RunwareWebhookTokens', () => {
  const tokens = new RunwareWebhookTokens('a-configured-secret-value');

  it('should put task, result count and token in the callback URL and accept it back', () => {
    const url = tokens.url(callback, 'task-1', 2);
    expect(url.startsWith(`${callback}?task=task-1&results=2&token=`)).toBe(true);
    expect(tokens.verify(query(url))).toEqual({ taskUUID: 'task-1', results: 2 });
  });

  it('should accept tokens issued by another instance with the same secret', () => {
    const url = new RunwareWebhookTokens('a-configured-secret-value').url(callback, 'task-1', 1);
    expect(tokens.verify(query(url)).taskUUID).toBe('task-1');
  });

  it('should reject missing, forged, re-targeted and altered tokens with 401', () => {
    const valid = query(tokens.url(callback, 'task-1', 1));
    const attempts = [
      {},
      { ...valid, token: undefined },
      { ...valid, token: 'forged' },
      { ...valid, task: 'task-2' },
      { ...valid, results: '3' },
      { ...valid, results: 'x' },
      query(new RunwareWebhookTokens('another-secret-entirely').url(callback, 'task-1', 1)),
      query(new RunwareWebhookTokens().url(callback, 'task-1', 1)),
    ];
    for (const attempt of attempts) {
      expect(() => tokens.verify(attempt)).toThrowError(
        expect.objectContaining({ httpStatus: 401 }),
      );
    }
  });
});
