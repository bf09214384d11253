import { createHash, generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import type { InboundWebhook } from '../../../src/core/provider-adapter.js';
import {
  FakeHttpServer,
  type FakeRequest,
  type FakeResponse,
  type FakeScenario,
} from '../fake-http-server.js';
import { fakeMp4, fakePng } from '../fake-media.js';
import { falFakeEndpoints, falScenarioResponse } from './fal-fake-scenarios.js';
import { FakeTimeline } from '../fake-timeline.js';
import type { TestClock } from '../../helpers/test-clock.js';

/** Options of {@link FalFake}. */
export interface FalFakeOptions {
  /** The key the fake accepts (`Authorization: Key <apiKey>`). */
  apiKey?: string;
  /** How long a request stays IN_QUEUE, then IN_PROGRESS (ms). */
  queuedMs?: number;
  runningMs?: number;
  /** A test clock: requests then age, and webhooks go out, only at `advance()`. */
  clock?: TestClock;
}

interface FakeJob {
  id: string;
  appId: string;
  endpointId: string;
  input: Record<string, unknown>;
  createdAt: number;
  canceled: boolean;
  webhookUrl?: string;
}

/** A webhook delivery the fake made. */
export interface FalWebhookDelivery {
  url: string;
  requestId: string;
  status: number | 'error';
}

const fileBase = '/files';

/** How {@link FalFake.webhook} signs. */
export interface WebhookOptions {
  /** Sign with a key that is not in the JWKS. */
  forge?: boolean;
  /** Shift the timestamp (replays, clock skew). */
  timestampOffsetSeconds?: number;
}

/**
 * A fal.ai queue API on loopback: `POST /{owner}/{app}[/{path}]` (optionally `?fal_webhook=`),
 * `GET /{owner}/{app}/requests/{id}/status` (202 IN_QUEUE → 202 IN_PROGRESS → 200 COMPLETED),
 * `GET /{owner}/{app}/requests/{id}` (the model output), `PUT …/cancel`, result files under
 * `/files/`, and its own JWKS at `/.well-known/jwks.json` whose ED25519 key signs the webhooks
 * it sends. Like fal, status/result/cancel only answer on `{owner}/{app}` (no subpath).
 * Prompt markers: `#nsfw` flags the images, `#fail422` / `#fail500` make the result an error.
 */
export class FalFake {
  readonly jobs = new Map<string, FakeJob>();
  readonly deliveries: FalWebhookDelivery[] = [];
  readonly userId = 'fake-fal-user';
  scenario: FakeScenario = 'ok';
  submissions = 0;
  private readonly signingKey: KeyObject;
  private readonly publicJwk: { kty: string; crv: string; x: string };
  private readonly forgeKey: KeyObject;
  private readonly timeline: FakeTimeline;
  private server!: FakeHttpServer;

  private constructor(
    private readonly options: Required<Omit<FalFakeOptions, 'clock'>> & FalFakeOptions,
  ) {
    this.timeline = new FakeTimeline(options.clock);
    const pair = generateKeyPairSync('ed25519');
    this.signingKey = pair.privateKey;
    const jwk = pair.publicKey.export({ format: 'jwk' });
    this.publicJwk = { kty: 'OKP', crv: 'Ed25519', x: String(jwk.x) };
    this.forgeKey = generateKeyPairSync('ed25519').privateKey;
  }

  static async start(options: FalFakeOptions = {}): Promise<FalFake> {
    const fake = new FalFake({ apiKey: 'test-key', queuedMs: 60, runningMs: 120, ...options });
    fake.server = await FakeHttpServer.start((request) => fake.handle(request));
    return fake;
  }

  /** `http://127.0.0.1:PORT` */
  get url(): string {
    return this.server.url;
  }

  /** Where the fake publishes its signing key. */
  get jwksUrl(): string {
    return `${this.server.url}/.well-known/jwks.json`;
  }

  /** Every request received. */
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

  /** A webhook for a request as fal would POST it (signed; `forge` signs with a foreign key). */
  async webhook(requestId: string, options: WebhookOptions = {}): Promise<InboundWebhook> {
    const job = this.jobs.get(requestId);
    const payload = job ? await this.output(job) : { images: [] };
    return this.signedWebhook(
      requestId,
      {
        request_id: requestId,
        gateway_request_id: requestId,
        status: 'OK',
        payload,
        error: null,
        payload_error: null,
      },
      options,
    );
  }

  /** A webhook carrying any body (e.g. `status: "ERROR"`), signed like fal signs. */
  signedWebhook(requestId: string, body: unknown, options: WebhookOptions = {}): InboundWebhook {
    const rawBody = Buffer.from(JSON.stringify(body));
    const timestamp = String(Math.floor(Date.now() / 1000) + (options.timestampOffsetSeconds ?? 0));
    return {
      headers: this.signatureHeaders(
        requestId,
        timestamp,
        rawBody,
        options.forge ? this.forgeKey : this.signingKey,
      ),
      rawBody,
      query: {},
    };
  }

  /** Moves the test clock (see {@link FalFakeOptions.clock}) and sends the webhooks now due. */
  advance(ms: number): Promise<void> {
    return this.timeline.advance(ms);
  }

  async close(): Promise<void> {
    this.timeline.clear();
    await this.server.close();
  }

  private signatureHeaders(
    requestId: string,
    timestamp: string,
    body: Buffer,
    key: KeyObject,
  ): Record<string, string> {
    const message = `${requestId}\n${this.userId}\n${timestamp}\n${createHash('sha256').update(body).digest('hex')}`;
    return {
      'content-type': 'application/json',
      'x-fal-webhook-request-id': requestId,
      'x-fal-webhook-user-id': this.userId,
      'x-fal-webhook-timestamp': timestamp,
      'x-fal-webhook-signature': sign(null, Buffer.from(message), key).toString('hex'),
    };
  }

  private async handle(request: FakeRequest): Promise<FakeResponse> {
    const segments = request.path.split('/').filter(Boolean).map(decodeURIComponent);
    if (request.method === 'GET' && request.path === '/.well-known/jwks.json')
      return { json: { keys: [this.publicJwk] } };
    if (request.method === 'GET' && request.path.startsWith(`${fileBase}/`)) {
      const video = request.path.endsWith('.mp4');
      return {
        headers: { 'content-type': video ? 'video/mp4' : 'image/png' },
        body: video ? await fakeMp4() : await fakePng(),
      };
    }
    if (request.headers.authorization !== `Key ${this.options.apiKey}`) {
      return { status: 401, json: { detail: 'Unauthorized' } };
    }
    if (segments[2] === 'requests' && segments[3]) return this.handleRequest(request, segments);
    if (request.method === 'POST' && segments.length >= 2) return this.submit(request, segments);
    return { status: 404, json: { detail: 'Not Found' } };
  }

  private submit(request: FakeRequest, segments: string[]): FakeResponse {
    this.submissions++;
    const failure = falScenarioResponse(this.scenario);
    if (failure) return failure;
    // A submit to an endpoint fal has no application for answers 404 (as public integrations
    // report); the body is unconfirmed, modelled on fal's documented `{"detail": "<text>"}`
    // error shape (fal-js libs/client/src/response.ts). The adapter reads the status only.
    if (!falFakeEndpoints.includes(segments.join('/')))
      return { status: 404, json: { detail: `Application '${segments[1]}' not found` } };
    const id = randomUUID();
    const appId = segments.slice(0, 2).join('/');
    const input =
      typeof request.json === 'object' && request.json !== null
        ? (request.json as Record<string, unknown>)
        : {};
    const job: FakeJob = {
      id,
      appId,
      endpointId: segments.join('/'),
      input,
      createdAt: this.timeline.now(),
      canceled: false,
    };
    const webhookUrl = request.query.get('fal_webhook');
    if (webhookUrl) {
      job.webhookUrl = webhookUrl;
      this.timeline.schedule(this.options.queuedMs + this.options.runningMs + 20, () =>
        this.deliver(job),
      );
    }
    this.jobs.set(id, job);
    const base = `${this.url}/${appId}/requests/${id}`;
    return {
      json: {
        status: 'IN_QUEUE',
        request_id: id,
        gateway_request_id: id,
        response_url: base,
        status_url: `${base}/status`,
        cancel_url: `${base}/cancel`,
        queue_position: 0,
      },
    };
  }

  private async handleRequest(request: FakeRequest, segments: string[]): Promise<FakeResponse> {
    const job = this.jobs.get(segments[3]!);
    // fal's rule: these URLs carry only {owner}/{app}; with a subpath the request is not found.
    if (!job || job.appId !== segments.slice(0, 2).join('/'))
      return { status: 404, json: { detail: 'Request not found', status: 'NOT_FOUND' } };
    const state = this.state(job);
    const base = `${this.url}/${job.appId}/requests/${job.id}`;
    if (request.method === 'GET' && segments[4] === 'status') {
      const body: Record<string, unknown> = {
        status: state,
        request_id: job.id,
        response_url: base,
        status_url: `${base}/status`,
        cancel_url: `${base}/cancel`,
        logs: null,
      };
      if (state === 'IN_QUEUE') body.queue_position = 0;
      if (state === 'COMPLETED') body.metrics = { inference_time: 0.42 };
      return { status: state === 'COMPLETED' ? 200 : 202, json: body };
    }
    if (request.method === 'PUT' && segments[4] === 'cancel') {
      if (state === 'COMPLETED') return { status: 400, json: { status: 'ALREADY_COMPLETED' } };
      job.canceled = true;
      return { status: 202, json: { status: 'CANCELLATION_REQUESTED' } };
    }
    if (request.method === 'GET' && segments.length === 4) {
      if (state !== 'COMPLETED')
        return { status: 400, json: { detail: 'Request is still in progress' } };
      return this.result(job);
    }
    return { status: 405, json: { detail: 'Method Not Allowed' } };
  }

  private async result(job: FakeJob): Promise<FakeResponse> {
    const prompt = String(job.input.prompt ?? '');
    if (job.canceled)
      return { status: 400, json: { detail: 'Request was cancelled by the user.' } };
    if (prompt.includes('#fail422'))
      return {
        status: 422,
        json: {
          detail: [
            {
              loc: ['body', 'image_url'],
              msg: 'Could not download the image',
              type: 'value_error',
            },
          ],
        },
      };
    if (prompt.includes('#fail500'))
      return {
        status: 500,
        headers: { 'x-fal-error-type': 'runner_disconnected' },
        json: { detail: 'Runner disconnected', error_type: 'runner_disconnected' },
      };
    return { json: await this.output(job) };
  }

  private state(job: FakeJob): 'IN_QUEUE' | 'IN_PROGRESS' | 'COMPLETED' {
    if (job.canceled) return 'COMPLETED';
    const age = this.timeline.now() - job.createdAt;
    if (age < this.options.queuedMs) return 'IN_QUEUE';
    if (age < this.options.queuedMs + this.options.runningMs) return 'IN_PROGRESS';
    return 'COMPLETED';
  }

  private async output(job: FakeJob): Promise<Record<string, unknown>> {
    if (/video|kling/.test(job.endpointId)) {
      const file = await fakeMp4();
      return {
        video: {
          url: `${this.url}${fileBase}/${job.id}/output.mp4`,
          content_type: 'video/mp4',
          file_name: 'output.mp4',
          file_size: file.length,
        },
      };
    }
    const count = typeof job.input.num_images === 'number' ? job.input.num_images : 1;
    const nsfw = String(job.input.prompt ?? '').includes('#nsfw');
    const images = Array.from({ length: count }, (_, index) => ({
      url: `${this.url}${fileBase}/${job.id}/image-${index}.png`,
      width: 64,
      height: 64,
      content_type: 'image/png',
    }));
    return {
      images,
      seed: typeof job.input.seed === 'number' ? job.input.seed : 42,
      has_nsfw_concepts: images.map(() => nsfw),
      prompt: job.input.prompt,
      timings: { inference: 0.42 },
    };
  }

  private async deliver(job: FakeJob): Promise<void> {
    if (!job.webhookUrl) return;
    const inbound = await this.webhook(job.id);
    try {
      const response = await fetch(job.webhookUrl, {
        method: 'POST',
        headers: inbound.headers as Record<string, string>,
        body: inbound.rawBody,
      });
      this.deliveries.push({ url: job.webhookUrl, requestId: job.id, status: response.status });
    } catch {
      this.deliveries.push({ url: job.webhookUrl, requestId: job.id, status: 'error' });
    }
  }
}
