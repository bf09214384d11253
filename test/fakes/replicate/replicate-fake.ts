import { randomBytes } from 'node:crypto';
import type { InboundWebhook } from '../../../src/core/provider-adapter.js';
import { generateWebhookSecret, webhookHeaders } from '../../../src/security/standard-webhooks.js';
import {
  FakeHttpServer,
  type FakeRequest,
  type FakeResponse,
  type FakeScenario,
} from '../fake-http-server.js';
import { fakeMp4, fakePng } from '../fake-media.js';
import { replicateFakeVersions, validateReplicateInput } from './replicate-fake-models.js';
import {
  isTerminal,
  isVideoModel,
  problem,
  renderPrediction,
  scenarioResponses,
  validationFailure,
  type ReplicateFakeOutcome,
  type ReplicateFakePrediction as FakePrediction,
} from './replicate-fake-wire.js';
import { FakeTimeline } from '../fake-timeline.js';
import type { TestClock } from '../../helpers/test-clock.js';

export type { ReplicateFakeOutcome } from './replicate-fake-wire.js';

export interface ReplicateFakeOptions {
  /** The token the fake accepts (`Authorization: Bearer …`). */
  apiKey?: string;
  /** `whsec_…` secret it signs webhooks with and serves at `/v1/webhooks/default/secret`. */
  webhookSecret?: string;
  /** Time a prediction stays `starting`. */
  startingMs?: number;
  /** Time it then stays `processing` before its outcome. */
  processingMs?: number;
  /** A test clock: predictions then age, and webhooks go out, only at `advance()`. */
  clock?: TestClock;
}

/**
 * A fake Replicate API on loopback: official-model and versioned prediction creation with
 * per-model input validation, the `starting → processing → succeeded` lifecycle on a short
 * timer, cancel, the webhook secret endpoint, `GET /v1/account`, result files served from the
 * fake itself, and Standard-Webhooks-signed callbacks sent when a prediction completes.
 */
export class ReplicateFake {
  readonly predictions = new Map<string, FakePrediction>();
  /** Prediction-create bodies, in order. */
  readonly creates: unknown[] = [];
  /** Webhooks the fake delivered: target URL and the receiver's status (0 when unreachable). */
  readonly deliveries: { url: string; status: number; predictionId: string }[] = [];
  readonly apiKey: string;
  readonly webhookSecret: string;
  private scenario: FakeScenario = 'ok';
  private outcome: ReplicateFakeOutcome = 'succeeded';
  private png: Buffer = Buffer.alloc(0);
  private mp4: Buffer = Buffer.alloc(0);
  private readonly timeline: FakeTimeline;

  private constructor(
    private readonly server: FakeHttpServer,
    private readonly options: Required<
      Omit<ReplicateFakeOptions, 'apiKey' | 'webhookSecret' | 'clock'>
    >,
    apiKey: string,
    webhookSecret: string,
    clock: TestClock | undefined,
  ) {
    this.apiKey = apiKey;
    this.webhookSecret = webhookSecret;
    this.timeline = new FakeTimeline(clock);
  }

  static async start(options: ReplicateFakeOptions = {}): Promise<ReplicateFake> {
    // The handler needs the fake, and the fake needs the started server.
    const self: { fake?: ReplicateFake } = {};
    const server = await FakeHttpServer.start((request) => self.fake!.handle(request));
    const fake = new ReplicateFake(
      server,
      { startingMs: options.startingMs ?? 60, processingMs: options.processingMs ?? 150 },
      options.apiKey ?? 'test-key',
      options.webhookSecret ?? generateWebhookSecret(),
      options.clock,
    );
    self.fake = fake;
    fake.png = await fakePng();
    fake.mp4 = await fakeMp4();
    return fake;
  }

  /** `http://127.0.0.1:PORT` */
  get url(): string {
    return this.server.url;
  }

  /** The API base URL to configure (`…/v1`). */
  get baseUrl(): string {
    return `${this.server.url}/v1`;
  }

  /** Every request the fake received. */
  get requests(): readonly FakeRequest[] {
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

  /** Answers the next prediction creations with this scenario (`ok` resets). */
  setScenario(scenario: FakeScenario): void {
    this.scenario = scenario;
  }

  /** How predictions created from now on end. */
  setOutcome(outcome: ReplicateFakeOutcome): void {
    this.outcome = outcome;
  }

  /** Prediction creations received (whatever the scenario answered). */
  submissions(): number {
    return this.server.requests.filter(
      (request) => request.method === 'POST' && isCreatePath(request.path),
    ).length;
  }

  /** The prediction as `GET /v1/predictions/{id}` would show it now. */
  predictionJson(id: string): Record<string, unknown> {
    const prediction = this.predictions.get(id);
    if (!prediction) throw new Error(`no fake prediction ${id}`);
    return this.render(prediction);
  }

  /** A completion webhook for a prediction, exactly as Replicate signs it. */
  async buildWebhook(
    id: string,
    options: { forge?: boolean; timestampOffsetSeconds?: number } = {},
  ): Promise<InboundWebhook> {
    const body = JSON.stringify(this.predictionJson(id));
    const secret = options.forge ? generateWebhookSecret() : this.webhookSecret;
    const headers = webhookHeaders({
      secret,
      id: `msg_${randomBytes(12).toString('hex')}`,
      timestamp: Math.floor(Date.now() / 1000) + (options.timestampOffsetSeconds ?? 0),
      body,
    });
    return {
      headers: { 'content-type': 'application/json', ...headers },
      rawBody: Buffer.from(body),
      query: {},
    };
  }

  /** Moves the test clock (see {@link ReplicateFakeOptions.clock}) and sends the webhooks now due. */
  advance(ms: number): Promise<void> {
    return this.timeline.advance(ms);
  }

  async close(): Promise<void> {
    this.timeline.clear();
    await this.server.close();
  }

  private async handle(request: FakeRequest): Promise<FakeResponse> {
    const file = /^\/files\/([^/]+)\/([^/]+)$/.exec(request.path);
    if (request.method === 'GET' && file) return this.serveFile(file[2]!);
    if (request.headers.authorization !== `Bearer ${this.apiKey}`)
      return scenarioResponses.auth_error;
    if (request.method === 'POST' && isCreatePath(request.path)) return this.create(request);
    const byId = /^\/v1\/predictions\/([^/]+)(\/cancel)?$/.exec(request.path);
    if (byId) {
      const prediction = this.predictions.get(byId[1]!);
      if (!prediction)
        return problem(404, 'Not found', 'The requested resource could not be found.');
      if (request.method === 'GET' && !byId[2])
        return { status: 200, json: this.render(prediction) };
      if (request.method === 'POST' && byId[2])
        return { status: 200, json: this.cancel(prediction) };
    }
    if (request.method === 'GET' && request.path === '/v1/webhooks/default/secret')
      return { status: 200, json: { key: this.webhookSecret } };
    if (request.method === 'GET' && request.path === '/v1/account') {
      return {
        status: 200,
        json: {
          type: 'organization',
          username: 'switchyard-test',
          name: 'Switchyard Test',
          github_url: null,
        },
      };
    }
    return problem(404, 'Not found', 'The requested resource could not be found.');
  }

  private create(request: FakeRequest): FakeResponse {
    if (this.scenario === 'hang') return { hang: true };
    if (this.scenario === 'invalid_request')
      return validationFailure(['- input.prompt: prompt is required']);
    if (this.scenario !== 'ok') return scenarioResponses[this.scenario];
    const body = request.json;
    this.creates.push(body);
    if (typeof body !== 'object' || body === null)
      return problem(400, 'Bad request', 'The request body is not valid JSON.');
    const {
      input,
      version,
      webhook,
      webhook_events_filter: filter,
    } = body as Record<string, unknown>;
    const official = /^\/v1\/models\/([^/]+)\/([^/]+)\/predictions$/.exec(request.path);
    const model = official ? `${official[1]}/${official[2]}` : 'community/model';
    if (!official && (typeof version !== 'string' || version === ''))
      return validationFailure(['- version is required']);
    // Replicate refuses a version it does not have (deleted, or never existed) with a 422.
    if (!official && !replicateFakeVersions.includes(version as string))
      return problem(
        422,
        'Invalid version or not permitted',
        "The specified version does not exist (or perhaps you don't have permission to use it?)",
      );
    if (typeof input !== 'object' || input === null)
      return validationFailure(['- input is required']);
    const errors = validateReplicateInput(model, input as Record<string, unknown>);
    if (errors === undefined)
      return problem(404, 'Not found', `The requested model ${model} could not be found.`);
    if (errors.length) return validationFailure(errors);
    const prediction: FakePrediction = {
      id:
        randomBytes(16)
          .toString('base64url')
          .toLowerCase()
          .replace(/[^a-z0-9]/g, '')
          .slice(0, 20) + 'rg0',
      model,
      version: typeof version === 'string' ? version : randomBytes(32).toString('hex'),
      input: input as Record<string, unknown>,
      createdAt: this.timeline.now(),
      outcome: this.outcome,
      webhook: typeof webhook === 'string' ? webhook : undefined,
      webhookEventsFilter: Array.isArray(filter) ? filter.map(String) : undefined,
    };
    this.predictions.set(prediction.id, prediction);
    if (prediction.webhook && (prediction.webhookEventsFilter?.includes('completed') ?? true)) {
      prediction.cancelDelivery = this.timeline.schedule(
        this.options.startingMs + this.options.processingMs + 5,
        () => this.deliver(prediction),
      );
    }
    return { status: 201, json: this.render(prediction) };
  }

  private cancel(prediction: FakePrediction): Record<string, unknown> {
    if (!isTerminal(this.statusOf(prediction))) {
      prediction.canceledAt = this.timeline.now();
      prediction.cancelDelivery?.();
      if (prediction.webhook) void this.deliver(prediction);
    }
    return this.render(prediction);
  }

  private statusOf(prediction: FakePrediction): string {
    if (prediction.canceledAt !== undefined) return 'canceled';
    const elapsed = this.timeline.now() - prediction.createdAt;
    if (elapsed < this.options.startingMs) return 'starting';
    if (prediction.outcome === 'aborted') return 'aborted';
    if (elapsed < this.options.startingMs + this.options.processingMs) return 'processing';
    return prediction.outcome === 'flagged' ? 'failed' : prediction.outcome;
  }

  private render(prediction: FakePrediction): Record<string, unknown> {
    return renderPrediction(prediction, {
      status: this.statusOf(prediction),
      serverUrl: this.server.url,
      startingMs: this.options.startingMs,
      output: this.outputFor(prediction),
    });
  }

  private outputFor(prediction: FakePrediction): string | string[] {
    const files = `${this.server.url}/files/${prediction.id}`;
    if (isVideoModel(prediction.model)) return `${files}/output.mp4`;
    const count =
      typeof prediction.input.num_outputs === 'number' ? prediction.input.num_outputs : 1;
    const format =
      typeof prediction.input.output_format === 'string' ? prediction.input.output_format : 'webp';
    return Array.from({ length: count }, (_, index) => `${files}/out-${index}.${format}`);
  }

  private serveFile(name: string): FakeResponse {
    // Every image format is served as the same PNG; the gateway sniffs the bytes, not the name.
    if (name.endsWith('.mp4'))
      return { status: 200, headers: { 'content-type': 'video/mp4' }, body: this.mp4 };
    return { status: 200, headers: { 'content-type': 'image/png' }, body: this.png };
  }

  private async deliver(prediction: FakePrediction): Promise<void> {
    if (!prediction.webhook) return;
    const webhook = await this.buildWebhook(prediction.id);
    let status = 0;
    try {
      const response = await fetch(prediction.webhook, {
        method: 'POST',
        headers: webhook.headers as Record<string, string>,
        body: webhook.rawBody,
      });
      status = response.status;
      await response.arrayBuffer();
    } catch {
      // Unreachable receivers are recorded, as Replicate would retry them later.
    }
    this.deliveries.push({ url: prediction.webhook, status, predictionId: prediction.id });
  }
}

function isCreatePath(path: string): boolean {
  return path === '/v1/predictions' || /^\/v1\/models\/[^/]+\/[^/]+\/predictions$/.test(path);
}
