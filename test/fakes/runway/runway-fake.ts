import { randomUUID } from 'node:crypto';
import {
  FakeHttpServer,
  type FakeRequest,
  type FakeResponse,
  type FakeScenario,
} from '../fake-http-server.js';
import { fakeMp4, fakePng } from '../fake-media.js';
import { validateRunwayTask } from './runway-fake-validation.js';
import { FakeTimeline } from '../fake-timeline.js';
import type { TestClock } from '../../helpers/test-clock.js';

/** How a task ends once its (short) run is over. */
export type RunwayFakeOutcome = 'succeeded' | 'failed' | 'moderated';

export interface RunwayFakeOptions {
  /** The key the fake accepts (`Authorization: Bearer …`). */
  apiKey?: string;
  /** Time a task stays PENDING (or THROTTLED, see {@link RunwayFake.setThrottled}). */
  pendingMs?: number;
  /** Time it then stays RUNNING before its outcome. */
  runningMs?: number;
  /** Initial organization credit balance. */
  creditBalance?: number;
  /** A test clock: tasks then age only at `advance()`. */
  clock?: TestClock;
}

interface FakeTask {
  id: string;
  kind: 'image' | 'video';
  body: Record<string, unknown>;
  createdAt: number;
  outcome: RunwayFakeOutcome;
  throttled: boolean;
  credits: number;
  canceled: boolean;
}

const docUrl = 'https://docs.dev.runwayml.com/api';
const error = (
  status: number,
  message: string,
  headers: Record<string, string> = {},
): FakeResponse => ({
  status,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify({ error: message, docUrl }),
});

/** Runway's error bodies per scenario (see src/providers/runway/README.md for which are confirmed). */
const scenarioResponses: Record<Exclude<FakeScenario, 'ok' | 'hang'>, FakeResponse> = {
  auth_error: error(401, 'Invalid API key.'),
  insufficient_credits: error(400, 'You do not have enough credits to run this task.'),
  rate_limited: error(429, 'Too many requests. Please try again later.', { 'retry-after': '7' }),
  server_error: error(500, 'An unexpected error occurred.'),
  malformed_json: {
    status: 200,
    headers: { 'content-type': 'application/json' },
    body: '{"id": "d5f1',
  },
  invalid_request: {
    status: 400,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      error: 'Validation of body failed',
      issues: [
        {
          code: 'invalid_enum_value',
          path: ['ratio'],
          message: "Invalid enum value. Expected '1280:720' | '720:1280', received '1:1'",
        },
      ],
      docUrl,
    }),
  },
};

const taskPaths = new Set(['/v1/image_to_video', '/v1/text_to_video', '/v1/text_to_image']);

/**
 * A fake Runway developer API on loopback: it checks the key and `X-Runway-Version`, validates
 * task bodies like Runway's schema does, runs tasks PENDING → RUNNING → SUCCEEDED on a short
 * timer with `progress` and a final `cost`, cancels/deletes with `DELETE /v1/tasks/{id}`,
 * reports the organization's credit balance, and serves outputs from the fake itself.
 */
export class RunwayFake {
  readonly tasks = new Map<string, FakeTask>();
  readonly apiKey: string;
  creditBalance: number;
  private scenario: FakeScenario = 'ok';
  private outcome: RunwayFakeOutcome = 'succeeded';
  private throttled = false;
  private png: Buffer = Buffer.alloc(0);
  private mp4: Buffer = Buffer.alloc(0);
  private readonly timeline: FakeTimeline;

  private constructor(
    private readonly server: FakeHttpServer,
    private readonly timing: { pendingMs: number; runningMs: number },
    apiKey: string,
    creditBalance: number,
    clock: TestClock | undefined,
  ) {
    this.apiKey = apiKey;
    this.creditBalance = creditBalance;
    this.timeline = new FakeTimeline(clock);
  }

  static async start(options: RunwayFakeOptions = {}): Promise<RunwayFake> {
    // The handler needs the fake, and the fake needs the started server.
    const self: { fake?: RunwayFake } = {};
    const server = await FakeHttpServer.start((request) => self.fake!.handle(request));
    const fake = new RunwayFake(
      server,
      { pendingMs: options.pendingMs ?? 60, runningMs: options.runningMs ?? 150 },
      options.apiKey ?? 'test-key',
      options.creditBalance ?? 1000,
      options.clock,
    );
    self.fake = fake;
    fake.png = await fakePng();
    fake.mp4 = await fakeMp4();
    return fake;
  }

  /** Moves the test clock (see {@link RunwayFakeOptions.clock}). */
  advance(ms: number): Promise<void> {
    return this.timeline.advance(ms);
  }

  /** `http://127.0.0.1:PORT` (Runway's base URL has no `/v1`). */
  get url(): string {
    return this.server.url;
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

  /** Answers the next task creations with this scenario (`ok` resets). */
  setScenario(scenario: FakeScenario): void {
    this.scenario = scenario;
  }

  /** How tasks created from now on end. */
  setOutcome(outcome: RunwayFakeOutcome): void {
    this.outcome = outcome;
  }

  /** Whether new tasks wait as THROTTLED (over the concurrency limit) instead of PENDING. */
  setThrottled(throttled: boolean): void {
    this.throttled = throttled;
  }

  /** Task creations received (whatever the scenario answered). */
  submissions(): number {
    return this.server.requests.filter(
      (request) => request.method === 'POST' && taskPaths.has(request.path),
    ).length;
  }

  async close(): Promise<void> {
    await this.server.close();
  }

  private handle(request: FakeRequest): FakeResponse {
    const output = /^\/outputs\/([^/]+)\/([^/]+)$/.exec(request.path);
    if (request.method === 'GET' && output) {
      return output[2]!.endsWith('.mp4')
        ? { status: 200, headers: { 'content-type': 'video/mp4' }, body: this.mp4 }
        : { status: 200, headers: { 'content-type': 'image/png' }, body: this.png };
    }
    if (request.headers.authorization !== `Bearer ${this.apiKey}`)
      return scenarioResponses.auth_error;
    if (!request.headers['x-runway-version'])
      return error(400, 'The X-Runway-Version header is required.');
    if (request.headers['x-runway-version'] !== '2024-11-06')
      return error(400, `Unsupported X-Runway-Version: ${request.headers['x-runway-version']}`);
    if (request.method === 'POST' && taskPaths.has(request.path)) return this.create(request);
    const byId = /^\/v1\/tasks\/([^/]+)$/.exec(request.path);
    if (byId) {
      const task = this.tasks.get(byId[1]!);
      if (!task) return error(404, 'Task not found.');
      if (request.method === 'GET') return { status: 200, json: this.render(task) };
      if (request.method === 'DELETE') return this.delete(task);
      return error(405, 'Method not allowed.');
    }
    if (request.method === 'GET' && request.path === '/v1/organization') {
      return {
        status: 200,
        json: {
          creditBalance: this.creditBalance,
          tier: {
            maxMonthlyCreditSpend: 10_000,
            models: { gen4_turbo: { maxConcurrentGenerations: 2, maxDailyGenerations: 200 } },
          },
          usage: { models: { gen4_turbo: { dailyGenerations: this.tasks.size } } },
        },
      };
    }
    return error(404, 'Not found.');
  }

  private create(request: FakeRequest): FakeResponse {
    if (this.scenario === 'hang') return { hang: true };
    if (this.scenario !== 'ok') return scenarioResponses[this.scenario];
    const body = request.json;
    if (typeof body !== 'object' || body === null)
      return error(400, 'The request body must be JSON.');
    const checked = validateRunwayTask(request.path, body as Record<string, unknown>);
    if (checked.issues.length) {
      return {
        status: 400,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          error: 'Validation of body failed',
          issues: checked.issues,
          docUrl,
        }),
      };
    }
    if (this.creditBalance < checked.credits) return scenarioResponses.insufficient_credits;
    const task: FakeTask = {
      id: randomUUID(),
      kind: request.path === '/v1/text_to_image' ? 'image' : 'video',
      body: body as Record<string, unknown>,
      createdAt: this.timeline.now(),
      outcome: this.outcome,
      throttled: this.throttled,
      credits: checked.credits,
      canceled: false,
    };
    this.tasks.set(task.id, task);
    return { status: 200, json: { id: task.id } };
  }

  private delete(task: FakeTask): FakeResponse {
    // Running tasks are cancelled (still readable as CANCELLED); finished ones are deleted.
    if (['PENDING', 'THROTTLED', 'RUNNING'].includes(this.statusOf(task))) task.canceled = true;
    else this.tasks.delete(task.id);
    return { status: 204 };
  }

  private statusOf(task: FakeTask): string {
    if (task.canceled) return 'CANCELLED';
    const elapsed = this.timeline.now() - task.createdAt;
    if (elapsed < this.timing.pendingMs) return task.throttled ? 'THROTTLED' : 'PENDING';
    if (elapsed < this.timing.pendingMs + this.timing.runningMs) return 'RUNNING';
    return task.outcome === 'succeeded' ? 'SUCCEEDED' : 'FAILED';
  }

  private render(task: FakeTask): Record<string, unknown> {
    const status = this.statusOf(task);
    const base = { id: task.id, createdAt: new Date(task.createdAt).toISOString(), status };
    switch (status) {
      case 'RUNNING': {
        const progress =
          (this.timeline.now() - task.createdAt - this.timing.pendingMs) / this.timing.runningMs;
        return {
          ...base,
          progress: Math.round(Math.min(0.99, progress) * 100) / 100,
          estimatedCost: { credits: task.credits },
        };
      }
      case 'SUCCEEDED': {
        const file = task.kind === 'video' ? 'video.mp4' : 'image.png';
        // Real output URLs are signed CloudFront links valid 24–48 h; these live on the fake.
        return {
          ...base,
          output: [`${this.server.url}/outputs/${task.id}/${file}?_jwt=fake`],
          cost: { credits: task.credits },
        };
      }
      case 'FAILED':
        return task.outcome === 'moderated'
          ? {
              ...base,
              failure: 'The input image was flagged by our content moderation system.',
              failureCode: 'SAFETY.INPUT.IMAGE',
              cost: { credits: 0 },
            }
          : {
              ...base,
              failure: 'An unexpected error occurred.',
              failureCode: 'INTERNAL.BAD_OUTPUT.CODE01',
              cost: { credits: 0 },
            };
      case 'CANCELLED':
        return { ...base, cost: { credits: 0 } };
      default:
        return { ...base, estimatedCost: { credits: task.credits } };
    }
  }
}
