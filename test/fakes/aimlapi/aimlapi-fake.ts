import { randomUUID } from 'node:crypto';
import {
  FakeHttpServer,
  type FakeRequest,
  type FakeResponse,
  type FakeScenario,
} from '../fake-http-server.js';
import { fakeMp4, fakePng } from '../fake-media.js';

// Speaks AIMLAPI as documented in aimlapi/api-docs: Bearer auth, `POST /v1/images/generations`
// (synchronous, `data[]` or `images[]`), `POST /v2/video/generations` + `GET
// /v2/video/generations?generation_id=` (queued → generating → completed | error),
// `GET /v2/billing`, and the `{message, path, requestId, statusCode, timestamp}` error body.

type Json = Record<string, unknown>;

/** A video generation the fake has accepted. */
export interface AimlapiFakeGeneration {
  id: string;
  request: Json;
  polls: number;
  failure?: { name: string; message: string };
}

export interface AimlapiFakeOptions {
  apiKey?: string;
  /** Polls answered `queued` then `generating` before the video is ready (at least 1). */
  pendingPolls?: number;
  /** Which documented image answer to give. */
  imageShape?: 'data' | 'images' | 'b64';
  balance?: number;
}

/** An AIMLAPI double on a loopback port. */
export class AimlapiFake {
  readonly generations = new Map<string, AimlapiFakeGeneration>();
  balance: number;
  imageShape: NonNullable<AimlapiFakeOptions['imageShape']>;
  private scenario: FakeScenario = 'ok';
  private submitted = 0;
  private nextFailure: AimlapiFakeGeneration['failure'];

  private constructor(
    readonly server: FakeHttpServer,
    private readonly options: Required<AimlapiFakeOptions>,
  ) {
    this.balance = options.balance;
    this.imageShape = options.imageShape;
  }

  static async start(options: AimlapiFakeOptions = {}): Promise<AimlapiFake> {
    const holder: { fake?: AimlapiFake } = {};
    const server = await FakeHttpServer.start((request) => holder.fake!.handle(request));
    holder.fake = new AimlapiFake(server, {
      apiKey: 'test-key',
      pendingPolls: 2,
      imageShape: 'data',
      balance: 12.34,
      ...options,
    });
    return holder.fake;
  }

  /** `http://127.0.0.1:PORT`, usable as `baseUrl`. */
  get url(): string {
    return this.server.url;
  }

  /** A careless upstream: error bodies quote the request's key (redaction tests). */
  echoKeyInErrors(on = true): void {
    this.server.echoKeyInErrors = on;
  }

  /** Error answers that quoted the key. */
  get echoedKeys(): number {
    return this.server.echoedKeys;
  }

  /** Applies to the next generation submissions until set back to `ok`. */
  setScenario(scenario: FakeScenario): void {
    this.scenario = scenario;
  }

  /** Image and video generation requests received (any outcome). */
  submissions(): number {
    return this.submitted;
  }

  /** The next accepted video ends with `status: "error"` and this error. */
  failNextVideo(error: { name: string; message: string }): void {
    this.nextFailure = error;
  }

  /** The body of the last generation request. */
  lastRequest(): Json | undefined {
    const request = this.server.requests.findLast(
      (entry) => entry.method === 'POST' && entry.path.endsWith('/generations'),
    );
    return request?.json as Json | undefined;
  }

  async close(): Promise<void> {
    await this.server.close();
  }

  private async handle(request: FakeRequest): Promise<FakeResponse> {
    if (request.method === 'GET' && request.path.startsWith('/files/')) return this.file(request);
    const generation =
      request.method === 'POST' &&
      (request.path === '/v1/images/generations' || request.path === '/v2/video/generations');
    if (generation) {
      this.submitted++;
      const failure = this.scenarioResponse(request.path);
      if (failure) return failure;
    }
    if (request.headers.authorization !== `Bearer ${this.options.apiKey}`) {
      return error(
        401,
        request.path,
        'This request requires a valid API key. You can create a new API key on the Billing page: https://aimlapi.com/app/keys',
      );
    }
    const body = (request.json ?? {}) as Json;
    if (request.method === 'POST' && request.path === '/v1/images/generations')
      return this.image(body);
    if (request.method === 'POST' && request.path === '/v2/video/generations')
      return this.video(body);
    if (request.method === 'GET' && request.path === '/v2/video/generations') {
      return this.poll(request.query.get('generation_id') ?? '');
    }
    if (request.method === 'GET' && request.path === '/v2/billing') {
      return { json: { current_balance: this.balance, currency: 'USD' } };
    }
    return error(404, request.path, `Cannot ${request.method} ${request.path}`);
  }

  private async image(body: Json): Promise<FakeResponse> {
    if (body.model !== 'flux/schnell') {
      return error(
        400,
        '/v1/images/generations',
        unknownModelMessage(['flux/schnell'], body.model),
      );
    }
    const count = Number(body.num_images ?? 1);
    const meta = { usage: { credits_used: 6300 * count } };
    const urls = Array.from({ length: count }, () => `${this.url}/files/${randomUUID()}.png`);
    if (this.imageShape === 'images') {
      const size = (body.image_size ?? {}) as Json;
      return {
        json: {
          images: urls.map((url) => ({
            url,
            width: size.width ?? 1024,
            height: size.height ?? 1024,
            content_type: 'image/png',
          })),
          meta,
        },
      };
    }
    if (this.imageShape === 'b64') {
      const png = (await fakePng()).toString('base64');
      return { json: { data: urls.map(() => ({ url: null, b64_json: png })), meta } };
    }
    return {
      headers: { 'x-inference-id': randomUUID() },
      json: { data: urls.map((url) => ({ url, b64_json: null })), meta },
    };
  }

  private video(body: Json): FakeResponse {
    const wire = ['klingai/v2.5-turbo/pro/text-to-video', 'klingai/v2.5-turbo/pro/image-to-video'];
    if (!wire.includes(String(body.model))) {
      return error(400, '/v2/video/generations', unknownModelMessage(wire, body.model));
    }
    if (![5, 10].includes(Number(body.duration ?? 5))) {
      return error(
        400,
        '/v2/video/generations',
        'Body validation error!\nInvalid enum value. Expected 5 | 10',
      );
    }
    if (body.model === wire[1] && typeof body.image_url !== 'string') {
      return error(400, '/v2/video/generations', 'Body validation error!\nimage_url: Required');
    }
    const id = randomUUID();
    this.generations.set(id, {
      id,
      request: body,
      polls: 0,
      ...(this.nextFailure ? { failure: this.nextFailure } : {}),
    });
    this.nextFailure = undefined;
    return { json: { id, status: 'queued' } };
  }

  private poll(id: string): FakeResponse {
    const generation = this.generations.get(id);
    if (!generation) return error(404, '/v2/video/generations', 'Generation not found');
    generation.polls++;
    const base = { id, video: null, error: null, meta: null };
    if (generation.polls <= this.options.pendingPolls) {
      const status = generation.polls === 1 ? 'queued' : 'generating';
      return { json: { ...base, status } };
    }
    if (generation.failure)
      return { json: { ...base, status: 'error', error: generation.failure } };
    const seconds = Number(generation.request.duration ?? 5);
    return {
      json: {
        ...base,
        status: 'completed',
        video: { url: `${this.url}/files/${id}.mp4` },
        meta: { usage: { credits_used: 140_000 * seconds } },
      },
    };
  }

  private scenarioResponse(path: string): FakeResponse | undefined {
    switch (this.scenario) {
      case 'ok':
        return undefined;
      case 'auth_error':
        return error(
          401,
          path,
          'This request requires a valid API key. You can create a new API key on the Billing page: https://aimlapi.com/app/keys',
        );
      case 'insufficient_credits':
        return error(
          403,
          path,
          "You've run out of credits. Please top up your balance or update your payment method to continue: https://aimlapi.com/app/billing/",
        );
      case 'rate_limited':
        return { ...error(429, path, 'Too Many Requests'), headers: { 'retry-after': '7' } };
      case 'server_error':
        return error(500, path, 'Internal server error');
      case 'malformed_json':
        return {
          status: 200,
          headers: { 'content-type': 'application/json' },
          body: '{"id":"6c2b',
        };
      case 'hang':
        return { hang: true };
      case 'invalid_request':
        return error(
          400,
          path,
          "Body validation error!\nInvalid enum value. Expected 5 | 10, received '7'",
        );
    }
  }

  private async file(request: FakeRequest): Promise<FakeResponse> {
    if (request.path.endsWith('.mp4')) {
      return { headers: { 'content-type': 'video/mp4' }, body: await fakeMp4() };
    }
    if (request.path.endsWith('.png')) {
      return { headers: { 'content-type': 'image/png' }, body: await fakePng() };
    }
    return { status: 404, body: 'not found' };
  }
}

function error(status: number, path: string, message: string): FakeResponse {
  return {
    status,
    json: {
      message,
      path,
      requestId: randomUUID(),
      statusCode: status,
      timestamp: new Date().toISOString(),
    },
  };
}

/**
 * AIMLAPI's refusal of a `model` outside the route's enum, as its docs quote it (HTTP 400,
 * "Body validation error" then `Invalid enum value. Expected 'a' | 'b', received '<value>'`,
 * with no field name: docs/errors-and-messages/errors-with-status-code-4xx.md in
 * aimlapi/api-docs). The first line ends in "!" as in that page's table of messages.
 */
function unknownModelMessage(served: readonly string[], model: unknown): string {
  const expected = served.map((id) => `'${id}'`).join(' | ');
  return `Body validation error!\nInvalid enum value. Expected ${expected}, received '${String(model)}'`;
}
