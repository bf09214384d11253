import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TelegramFake, type BotApiCall } from '../fakes/telegram/telegram-fake.js';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.js';

const operator = 111;
const stranger = 999;
const tenantChat = -500;
const tenantMember = 222;

const textOf = (call: BotApiCall) => String(call.params.text ?? '');

describe('Telegram bot (fake Bot API, simulator)', () => {
  let fake: TelegramFake;
  let test: TestGateway;

  beforeAll(async () => {
    fake = await TelegramFake.start();
    test = await startTestGateway('pglite', {
      providers: [
        { id: 'simulator', type: 'simulator', latencyMs: { p50: 100, p95: 200 } },
        {
          id: 'sim-broken',
          type: 'simulator',
          failureRate: 1,
          models: [{ key: 'broken-image', kind: 'image' }],
        },
      ],
      jobs: { maxSubmitRounds: 1 },
      telegram: {
        botToken: fake.token,
        apiRoot: fake.url,
        allowedUserIds: [operator],
        chats: { [String(tenantChat)]: 'acme' },
        jobsPerMinute: 5,
        progressIntervalSeconds: 0.5,
        pollTimeoutSeconds: 1,
        alertChatIds: [operator],
      },
      // Ticked by hand below: a threshold the first images cross.
      costAlerts: { intervalSeconds: 3600, dailySpendUsd: { providers: { simulator: 0.0001 } } },
    });
    await test.gateway.tenancy.admin.createTenant({ name: 'acme', balanceUsd: 0.003 });
  });
  afterAll(async () => {
    await test?.close();
    await fake?.close();
  });

  it('should check its token and long-poll getUpdates with an offset and a timeout', async () => {
    expect(fake.callsOf('getMe')).toHaveLength(1);
    const poll = await fake.waitForCall('getUpdates', (call) => Number(call.params.timeout) === 1);
    expect(poll.params).toMatchObject({ timeout: 1 });
  });

  it('should answer /image with a progress message, edit it, then upload the PNG', async () => {
    fake.sendUserMessage('/image a cat', { userId: operator });
    const progress = await fake.waitForCall(
      'sendMessage',
      (call) => call.params.chat_id === operator && textOf(call).startsWith('Image · sim-image'),
    );
    const photo = await fake.waitForCall('sendPhoto', (call) => call.params.chat_id === operator);
    expect(photo.multipart).toBe(true);
    expect(photo.params.caption).toBe('a cat');
    expect(photo.files.photo?.data.subarray(0, 8)).toEqual(
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    );
    const edits = fake.callsOf('editMessageText', operator);
    expect(edits.length).toBeGreaterThan(0);
    expect(edits.every((edit) => edit.params.message_id !== undefined)).toBe(true);
    expect(textOf(edits.at(-1)!)).toContain('✅ Done');
    expect(textOf(progress)).toContain('Queued');
  });

  it('should answer /video with a duration and a model by uploading the MP4', async () => {
    fake.sendUserMessage('/video 2s sim-video a dog surfing', { userId: operator });
    const video = await fake.waitForCall('sendVideo', (call) => call.params.chat_id === operator);
    expect(video.multipart).toBe(true);
    expect(video.files.video?.data.subarray(4, 8).toString('latin1')).toBe('ftyp');
    const jobId = /Job (gen_\w+)/.exec(
      textOf(fake.callsOf('editMessageText', operator).at(-1)!),
    )?.[1];
    const job = await test.gateway.jobs.get(jobId!);
    expect(job.request).toMatchObject({ model: 'sim-video', duration: 2, prompt: 'a dog surfing' });
  });

  it('should refuse a user who is not on the allow-list, politely and with their id', async () => {
    fake.sendUserMessage('/image a cat', { userId: stranger });
    const answer = await fake.waitForCall(
      'sendMessage',
      (call) => call.params.chat_id === stranger,
    );
    expect(textOf(answer)).toContain('this bot is private');
    expect(textOf(answer)).toContain(String(stranger));
    expect(fake.callsOf('sendPhoto', stranger)).toEqual([]);
  });

  it('should tell in plain words that a job failed', async () => {
    fake.sendUserMessage('/image broken-image a cat', { userId: operator });
    const answer = await fake.waitForCall(
      'sendMessage',
      (call) => call.params.chat_id === operator && textOf(call).startsWith('Sorry'),
    );
    expect(textOf(answer)).toContain('every provider that can make this failed');
    expect(textOf(answer)).not.toContain('{');
  });

  it('should say what is wrong with a command before creating a job', async () => {
    fake.sendUserMessage('/image 5s a cat', { userId: operator });
    const answer = await fake.waitForCall('sendMessage', (call) =>
      textOf(call).includes('Images have no duration'),
    );
    expect(answer.params.chat_id).toBe(operator);
  });

  it('should list the chat’s jobs on /status', async () => {
    fake.sendUserMessage('/status', { userId: operator });
    const answer = await fake.waitForCall('sendMessage', (call) =>
      textOf(call).startsWith('Your latest jobs:'),
    );
    expect(textOf(answer)).toContain('“a dog surfing”');
    expect(textOf(answer)).toContain('✅ Done');
  });

  it('should run a mapped chat as its tenant, with its balance and quota', async () => {
    const inChat = { userId: tenantMember, chatId: tenantChat };
    fake.sendUserMessage('/balance', inChat);
    const balance = await fake.waitForCall('sendMessage', (call) =>
      textOf(call).startsWith('Tenant acme'),
    );
    expect(textOf(balance)).toContain('Balance: $0.0030 available');

    fake.sendUserMessage('/image a tenant cat', inChat);
    await fake.waitForCall('sendPhoto', (call) => call.params.chat_id === tenantChat);
    const tenant = await test.gateway.tenancy.admin.tenant('acme');
    const jobs = await test.gateway.jobs.list({ user: `telegram:${tenantChat}`, limit: 5 });
    expect(jobs.jobs[0]?.tenantId).toBe(tenant.id);

    fake.sendUserMessage('/image another tenant cat', inChat);
    const refused = await fake.waitForCall('sendMessage', (call) =>
      textOf(call).includes('balance does not cover it'),
    );
    expect(refused.params.chat_id).toBe(tenantChat);
  });

  it('should limit how many jobs one chat starts per minute', async () => {
    const chat = { userId: operator, chatId: -777 };
    // -777 is not mapped, the operator is on the allow-list: five jobs pass, the sixth waits.
    for (let index = 0; index < 6; index++) fake.sendUserMessage(`/image cat ${index}`, chat);
    const refused = await fake.waitForCall('sendMessage', (call) =>
      textOf(call).startsWith('Slow down'),
    );
    expect(refused.params.chat_id).toBe(-777);
    expect(textOf(refused)).toContain('5 jobs a minute');
    for (let index = 0; index < 5; index++)
      await fake.waitForCall('sendPhoto', (call) => call.params.caption === `cat ${index}`);
  });

  it('should send a cost alert to the alert chat once, when the threshold is crossed', async () => {
    await test.gateway.analytics.flush();
    await test.gateway.costAlerts.tick();
    await test.gateway.costAlerts.tick();
    const alert = await fake.waitForCall(
      'sendMessage',
      (call) => call.params.chat_id === operator && textOf(call).startsWith('⚠️'),
    );
    expect(textOf(alert)).toContain('simulator');
    const alerts = fake
      .callsOf('sendMessage', operator)
      .filter((call) => textOf(call).startsWith('⚠️'));
    expect(alerts).toHaveLength(1);
  });
});

describe('Telegram bot in webhook mode (SWITCHYARD_PUBLIC_URL set)', () => {
  let fake: TelegramFake;
  let test: TestGateway;
  const publicUrl = 'https://bot.example.test';

  beforeAll(async () => {
    fake = await TelegramFake.start();
    test = await startTestGateway('pglite', {
      publicUrl,
      providers: [{ id: 'simulator', type: 'simulator', latencyMs: { p50: 100, p95: 200 } }],
      telegram: { botToken: fake.token, apiRoot: fake.url, allowedUserIds: [operator] },
    });
  });
  afterAll(async () => {
    await test?.close();
    await fake?.close();
  });

  const post = (body: unknown, secret?: string) =>
    fetch(`${test.url}/telegram/webhook`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(secret ? { 'x-telegram-bot-api-secret-token': secret } : {}),
      },
      body: JSON.stringify(body),
    });

  it('should set the webhook under the public URL with a secret token, and not poll', async () => {
    const [setWebhook] = fake.callsOf('setWebhook');
    expect(setWebhook?.params).toMatchObject({ url: `${publicUrl}/telegram/webhook` });
    expect(String(setWebhook?.params.secret_token)).toMatch(/^[0-9a-f]{64}$/);
    expect(String(setWebhook?.params.secret_token)).not.toContain(fake.token);
    expect(fake.callsOf('getUpdates')).toEqual([]);
  });

  it('should refuse a call without the secret token', async () => {
    const response = await post(fake.userUpdate('/image a cat', { userId: operator }), 'wrong');
    expect(response.status).toBe(401);
    expect(fake.callsOf('sendMessage')).toEqual([]);
  });

  it('should answer /image posted to the webhook with the uploaded PNG', async () => {
    const secret = String(fake.callsOf('setWebhook')[0]?.params.secret_token);
    const response = await post(
      fake.userUpdate('/image a webhook cat', { userId: operator }),
      secret,
    );
    expect(response.status).toBe(200);
    const photo = await fake.waitForCall('sendPhoto', (call) => call.params.chat_id === operator);
    expect(photo.params.caption).toBe('a webhook cat');
    expect(photo.files.photo?.data.subarray(1, 4).toString('latin1')).toBe('PNG');
  });
});
