import { randomBytes, randomUUID } from 'node:crypto';
import type { InboundWebhook } from '../../../src/core/provider-adapter.js';
import { kieaiWebhookSignature } from '../../../src/providers/kieai/kieai-webhook.js';
import {
  FakeHttpServer,
  type FakeRequest,
  type FakeResponse,
  type FakeScenario,
} from '../fake-http-server.js';
import { fakeMp4 } from '../fake-media.js';
import { FakeTimeline } from '../fake-timeline.js';
import type { TestClock } from '../../helpers/test-clock.js';

/** Options of {@link KieaiFake}. */
export interface KieaiFakeOptions {
  apiKey?: string;
  /**
   * The account's callback HMAC key. Like Kie, the fake signs callbacks only when one is set;
   * without it, callbacks go out unsigned.
   */
  webhookHmacKey?: string;
  /**
   * `body` (default): errors come as HTTP 200 with the envelope's `code` (Kie's documented
   * form); `mirror`: the HTTP status equals the `code`. Kie's real behaviour is unconfirmed.
   */
  errorStatus?: 'body' | 'mirror';
  /** Credits left, for `GET /api/v1/chat/credit`. */
  credits?: number;
  /** Time until a task finishes (ms). */
  durationMs?: number;
  /** A test clock: tasks then age, and callbacks go out, only at `advance()`. */
  clock?: TestClock;
}

interface FakeTask {
  id: string;
  family: 'veo' | 'runway';
  body: Record<string, unknown>;
  createdAt: number;
}

/** A callback the fake sent. */
export interface KieaiCallbackDelivery {
  url: string;
  taskId: string;
  signed: boolean;
  status: number | 'error';
}

const errorBodies: Record<
  Exclude<FakeScenario, 'ok' | 'hang' | 'malformed_json'>,
  { code: number; msg: string }
> = {
  auth_error: { code: 401, msg: 'You do not have access permissions' },
  insufficient_credits: { code: 402, msg: 'The current credits are insufficient. Please top up.' },
  rate_limited: { code: 429, msg: 'The request frequency is too high. Please try again later.' },
  server_error: {
    code: 500,
    msg: 'Server exception, please try again later or contact customer service',
  },
  invalid_request: { code: 422, msg: 'prompt cannot be empty' },
};

/**
 * The models each API family of the fake serves: every Kie.ai model of the built-in catalog.
 * Another id is refused with code 422, as src/providers/kieai/README.md ("Unknown models")
 * sources: Veo's `msg` is the "Invalid model" a public integration saw live for an id outside
 * `veo3`/`veo3_fast`/`veo3_lite`; Runway's is unconfirmed, modelled on the "model name not
 * supported" the same integration saw from the Market createTask route.
 */
const kieaiFakeModels: Record<'veo' | 'runway', readonly string[]> = {
  veo: ['veo3', 'veo3_fast'],
  runway: ['runway-duration-5-generate'],
};
const unknownModelMsg: Record<'veo' | 'runway', string> = {
  veo: 'Invalid model',
  runway: 'model name not supported',
};

/**
 * Kie.ai on loopback: `{code, msg, data}` envelopes, Bearer auth, Veo 3.1
 * (`POST /api/v1/veo/generate`, `GET /api/v1/veo/record-info?taskId=`, `successFlag` 0 → 1) and
 * Runway (`POST /api/v1/runway/generate`, `GET /api/v1/runway/record-detail?taskId=`, `state`
 * wait → queueing → generating → success), the credit balance, result files, and callbacks to
 * `callBackUrl` signed with `X-Webhook-Timestamp` / `X-Webhook-Signature` when a key is set.
 * Prompt markers: `#reject` fails the task as a content-policy rejection, `#fail500` upstream.
 */
export class KieaiFake {
  readonly tasks = new Map<string, FakeTask>();
  readonly deliveries: KieaiCallbackDelivery[] = [];
  scenario: FakeScenario = 'ok';
  submissions = 0;
  private readonly timeline: FakeTimeline;
  private server!: FakeHttpServer;

  private constructor(
    private readonly options: Required<Omit<KieaiFakeOptions, 'webhookHmacKey' | 'clock'>> & {
      webhookHmacKey?: string;
      clock?: TestClock;
    },
  ) {
    this.timeline = new FakeTimeline(options.clock);
  }

  static async start(options: KieaiFakeOptions = {}): Promise<KieaiFake> {
    const fake = new KieaiFake({
      apiKey: 'test-key',
      errorStatus: 'body',
      credits: 1000,
      durationMs: 250,
      ...options,
    });
    fake.server = await FakeHttpServer.start((request) => fake.handle(request));
    return fake;
  }

  get url(): string {
    return this.server.url;
  }

  get requests(): FakeRequest[] {
    return this.server.requests;
  }

  /** A careless upstream: error bodies quote the request's key (redaction tests). */
  echoKeyInErrors(on = true): void {
    this.server.echoKeyInErrors = on;
  }

  /** Error answers that quoted the key. */
  get echoedKeys(): number {
    return this.server.echoedKeys;
  }

  setScenario(scenario: FakeScenario): void {
    this.scenario = scenario;
  }

  /** Changes the balance (0 = exhausted). */
  setCredits(credits: number): void {
    this.options.credits = credits;
  }

  /** A callback for a task as Kie would POST it; `forge` signs with another key. */
  async webhook(
    taskId: string,
    options: { forge?: boolean; timestampOffsetSeconds?: number; key?: string } = {},
  ): Promise<InboundWebhook> {
    const task = this.tasks.get(taskId);
    const body = Buffer.from(
      JSON.stringify(
        task ? this.callbackBody(task) : { code: 200, msg: 'success', data: { taskId } },
      ),
    );
    const timestamp = String(Math.floor(Date.now() / 1000) + (options.timestampOffsetSeconds ?? 0));
    const key = options.forge
      ? 'not-the-account-key'
      : (options.key ?? this.options.webhookHmacKey ?? '');
    return {
      headers: {
        'content-type': 'application/json',
        'x-webhook-timestamp': timestamp,
        'x-webhook-signature': kieaiWebhookSignature(taskId, timestamp, key),
      },
      rawBody: body,
      query: {},
    };
  }

  /** Moves the test clock (see {@link KieaiFakeOptions.clock}) and sends the callbacks now due. */
  advance(ms: number): Promise<void> {
    return this.timeline.advance(ms);
  }

  async close(): Promise<void> {
    this.timeline.clear();
    await this.server.close();
  }

  private envelope(
    code: number,
    msg: string,
    data: unknown = null,
    headers: Record<string, string> = {},
  ): FakeResponse {
    const status = code === 200 || this.options.errorStatus === 'body' ? 200 : code;
    return { status, headers, json: { code, msg, data } };
  }

  private async handle(request: FakeRequest): Promise<FakeResponse> {
    if (request.method === 'GET' && request.path.startsWith('/files/'))
      return { headers: { 'content-type': 'video/mp4' }, body: await fakeMp4() };
    if (request.headers.authorization !== `Bearer ${this.options.apiKey}`) {
      // Kie answers a bad key with HTTP 401 and the same code in the envelope.
      return {
        status: 401,
        json: { code: 401, msg: 'You do not have access permissions', data: null },
      };
    }
    if (request.method === 'POST' && request.path === '/api/v1/veo/generate')
      return this.generate(request, 'veo');
    if (request.method === 'POST' && request.path === '/api/v1/runway/generate')
      return this.generate(request, 'runway');
    if (request.method === 'GET' && request.path === '/api/v1/veo/record-info')
      return this.record(request, 'veo');
    if (request.method === 'GET' && request.path === '/api/v1/runway/record-detail')
      return this.record(request, 'runway');
    if (request.method === 'GET' && request.path === '/api/v1/chat/credit')
      return this.envelope(200, 'success', this.options.credits);
    return this.envelope(404, 'Not Found');
  }

  private generate(request: FakeRequest, family: 'veo' | 'runway'): FakeResponse {
    this.submissions++;
    const scenario = this.scenario;
    if (scenario === 'hang') return { hang: true };
    if (scenario === 'malformed_json')
      return {
        headers: { 'content-type': 'application/json' },
        body: '{"code":200,"msg":"success","data":{"taskId":',
      };
    if (scenario === 'rate_limited')
      return this.envelope(429, errorBodies.rate_limited.msg, null, { 'retry-after': '7' });
    if (scenario === 'auth_error')
      return { status: 401, json: { ...errorBodies.auth_error, data: null } };
    if (scenario !== 'ok')
      return this.envelope(errorBodies[scenario].code, errorBodies[scenario].msg);
    const body =
      typeof request.json === 'object' && request.json !== null
        ? (request.json as Record<string, unknown>)
        : {};
    if (typeof body.prompt !== 'string' || body.prompt === '')
      return this.envelope(422, 'prompt cannot be empty');
    if (!kieaiFakeModels[family].includes(String(body.model)))
      return this.envelope(422, unknownModelMsg[family]);
    const id = family === 'veo' ? randomBytes(16).toString('hex') : randomUUID();
    const task: FakeTask = { id, family, body, createdAt: this.timeline.now() };
    this.tasks.set(id, task);
    if (typeof body.callBackUrl === 'string') {
      this.timeline.schedule(this.options.durationMs + 20, () =>
        this.deliver(task, String(body.callBackUrl)),
      );
    }
    return this.envelope(200, 'success', { taskId: id });
  }

  private record(request: FakeRequest, family: 'veo' | 'runway'): FakeResponse {
    const task = this.tasks.get(request.query.get('taskId') ?? '');
    if (!task || task.family !== family) return this.envelope(404, 'The task does not exist');
    const age = this.timeline.now() - task.createdAt;
    const done = age >= this.options.durationMs;
    const prompt = String(task.body.prompt);
    const failure = prompt.includes('#reject')
      ? 400
      : prompt.includes('#fail500')
        ? 500
        : undefined;
    const videoUrl = `${this.url}/files/${task.id}.mp4`;
    if (family === 'veo') {
      const successFlag = !done ? 0 : failure ? (failure === 500 ? 3 : 2) : 1;
      return this.envelope(200, 'success', {
        taskId: task.id,
        paramJson: JSON.stringify(task.body),
        successFlag,
        response:
          successFlag === 1
            ? { taskId: task.id, resultUrls: [videoUrl], originUrls: null, resolution: '720p' }
            : null,
        errorCode: failure ?? null,
        errorMessage:
          failure === 400
            ? 'Your prompt was flagged by Website as violating content policies'
            : failure
              ? 'Internal error, please try again later'
              : '',
        createTime: new Date(task.createdAt).toISOString(),
        completeTime: done ? new Date(this.timeline.now()).toISOString() : null,
        fallbackFlag: false,
      });
    }
    const state = done
      ? failure
        ? 'fail'
        : 'success'
      : age < this.options.durationMs * 0.2
        ? 'wait'
        : age < this.options.durationMs * 0.4
          ? 'queueing'
          : 'generating';
    return this.envelope(200, 'success', {
      taskId: task.id,
      parentTaskId: '',
      generateParam: { prompt, imageUrl: task.body.imageUrl ?? '', expandPrompt: true },
      state,
      generateTime: new Date(task.createdAt).toISOString(),
      videoInfo:
        state === 'success'
          ? { videoId: randomUUID(), videoUrl, imageUrl: `${this.url}/files/${task.id}.jpg` }
          : null,
      failCode: state === 'fail' ? failure : null,
      failMsg:
        state === 'fail'
          ? failure === 400
            ? 'Inappropriate content detected. Please replace the image or video.'
            : 'Internal error'
          : '',
      expireFlag: 0,
    });
  }

  private callbackBody(task: FakeTask): Record<string, unknown> {
    const videoUrl = `${this.url}/files/${task.id}.mp4`;
    if (task.family === 'veo') {
      return {
        code: 200,
        msg: 'Veo3.1 video generated successfully.',
        data: {
          taskId: task.id,
          info: { resultUrls: [videoUrl], originUrls: null, resolution: '720p' },
          fallbackFlag: false,
        },
      };
    }
    return {
      code: 200,
      msg: 'All generated successfully.',
      data: {
        task_id: task.id,
        video_id: randomUUID(),
        video_url: videoUrl,
        image_url: `${this.url}/files/${task.id}.jpg`,
      },
    };
  }

  private async deliver(task: FakeTask, url: string): Promise<void> {
    const signed = this.options.webhookHmacKey !== undefined;
    const inbound = await this.webhook(task.id);
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (signed) Object.assign(headers, inbound.headers);
    try {
      const response = await fetch(url, { method: 'POST', headers, body: inbound.rawBody });
      this.deliveries.push({ url, taskId: task.id, signed, status: response.status });
    } catch {
      this.deliveries.push({ url, taskId: task.id, signed, status: 'error' });
    }
  }
}
