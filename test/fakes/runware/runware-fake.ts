import type { InboundWebhook } from '../../../src/core/provider-adapter.js';
import {
  FakeHttpServer,
  type FakeRequest,
  type FakeResponse,
  type FakeScenario,
} from '../fake-http-server.js';
import { fakeMp4, fakePng } from '../fake-media.js';
import {
  runwareErrors as errors,
  runwareScenarioResponse,
  validateRunwareTask as validate,
} from './runware-fake-responses.js';

// Speaks Runware's REST task protocol (runware.ai/docs/platform/*): POST a JSON array of tasks
// to /v1 (or /), Bearer auth or an `authentication` task, `{data}`/`{errors}` envelopes,
// async generations polled with `getResponse`, result files served from the fake itself.

type Json = Record<string, unknown>;

/** What the fake's `promptEnhance` appends, so tests can tell an enhanced prompt. */
export const fakeEnhancementSuffix =
  'intricate details, cinematic lighting, award-winning composition';

/** A generation the fake has accepted. */
export interface RunwareFakeTask {
  taskUUID: string;
  taskType: 'imageInference' | 'videoInference';
  /** The task object exactly as received. */
  request: Json;
  results: number;
  polls: number;
  webhookURL?: string;
  failure?: { error: Json; inline: boolean };
}

export interface RunwareFakeOptions {
  apiKey?: string;
  /** `getResponse` calls answered `processing` before the results are ready. */
  processingPolls?: number;
  /** Account balance reported by `accountManagement`. */
  balance?: number;
  /** HTTP status for `getResponse` on an unknown task (Runware's is unconfirmed). */
  taskNotFoundStatus?: number;
}

/** A Runware API double on a loopback port. */
export class RunwareFake {
  readonly tasks = new Map<string, RunwareFakeTask>();
  /** `promptEnhance` tasks received, as sent. */
  readonly enhanceRequests: Json[] = [];
  balance: number;
  /** The key each request carried (header or `authentication` task), in order. */
  readonly keysReceived: (string | undefined)[] = [];
  private readonly acceptedKeys = new Set<string>();
  private scenario: FakeScenario = 'ok';
  private submitted = 0;
  private nextFailure: RunwareFakeTask['failure'];
  private refusedPromptMarker: string | undefined;

  private constructor(
    readonly server: FakeHttpServer,
    private readonly options: Required<RunwareFakeOptions>,
  ) {
    this.balance = options.balance;
    this.acceptedKeys.add(options.apiKey);
  }

  /** Accepts another account's key too (a caller's own key, besides the operator's). */
  acceptKey(apiKey: string): void {
    this.acceptedKeys.add(apiKey);
  }

  static async start(options: RunwareFakeOptions = {}): Promise<RunwareFake> {
    const holder: { fake?: RunwareFake } = {};
    const server = await FakeHttpServer.start((request) => holder.fake!.handle(request));
    holder.fake = new RunwareFake(server, {
      apiKey: 'test-key',
      processingPolls: 1,
      balance: 25,
      taskNotFoundStatus: 200,
      ...options,
    });
    return holder.fake;
  }

  /** `http://127.0.0.1:PORT` */
  get url(): string {
    return this.server.url;
  }

  /** The task endpoint, as `baseUrl` in config. */
  get endpoint(): string {
    return `${this.server.url}/v1`;
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

  /** Generations whose prompt contains this text are refused with 400 (a per-item failure). */
  refusePromptsContaining(marker: string | undefined): void {
    this.refusedPromptMarker = marker;
  }

  /** Generation tasks received (any outcome). */
  submissions(): number {
    return this.submitted;
  }

  /** The next accepted generation fails when it finishes, with this Runware error. */
  failNextGeneration(error: Json, options: { inline?: boolean } = {}): void {
    this.nextFailure = { error, inline: options.inline ?? false };
  }

  /** The last generation task received. */
  lastTask(): RunwareFakeTask | undefined {
    return [...this.tasks.values()].at(-1);
  }

  /**
   * The callback Runware would POST for a finished task: the flat result object, sent to the
   * task's `webhookURL` (or `url`) with its query string untouched.
   */
  webhook(taskUUID: string, url?: string): InboundWebhook {
    const task = this.tasks.get(taskUUID);
    const target = url ?? task?.webhookURL;
    if (!task || !target) throw new Error(`no webhook URL for task ${taskUUID}`);
    const body = task.failure
      ? { taskType: task.taskType, taskUUID, status: 'error', error: task.failure.error }
      : this.resultItem(task, 0);
    const query: Record<string, string> = {};
    for (const [name, value] of new URL(target).searchParams) query[name] = value;
    return {
      headers: { 'content-type': 'application/json', 'user-agent': 'Runware-Webhooks' },
      rawBody: Buffer.from(JSON.stringify(body)),
      query,
    };
  }

  async close(): Promise<void> {
    await this.server.close();
  }

  private async handle(request: FakeRequest): Promise<FakeResponse> {
    if (request.method === 'GET' && request.path.startsWith('/files/')) return this.file(request);
    if (request.method !== 'POST' || !['/', '/v1'].includes(request.path)) {
      return { status: 404, json: { errors: [{ code: 'notFound', message: 'Not found' }] } };
    }
    if (!Array.isArray(request.json)) {
      return errors(400, {
        code: 'invalidPayload',
        message: 'The body must be an array of tasks.',
      });
    }
    const tasks = request.json.filter((task): task is Json => typeof task === 'object' && !!task);
    const authTask = tasks.find((task) => task.taskType === 'authentication');
    const key = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1] ?? authTask?.apiKey;
    this.keysReceived.push(typeof key === 'string' ? key : undefined);
    const generation = tasks.find((task) => isGeneration(task.taskType));
    if (generation) {
      this.submitted++;
      const refused =
        this.refusedPromptMarker !== undefined &&
        String(generation.positivePrompt ?? '').includes(this.refusedPromptMarker);
      const failure = runwareScenarioResponse(
        refused ? 'invalid_request' : this.scenario,
        generation,
      );
      if (failure) return failure;
    }
    if (typeof key !== 'string' || !this.acceptedKeys.has(key)) {
      return errors(401, {
        code: 'invalidApiKey',
        message: 'Invalid API key. Get one at https://my.runware.ai/signup',
        parameter: 'apiKey',
        taskType: 'authentication',
      });
    }
    const data: Json[] = [];
    const taskErrors: Json[] = [];
    for (const task of tasks) {
      if (task.taskType === 'authentication') continue;
      const answer = this.answer(task);
      if ('status' in answer) return answer.status;
      data.push(...answer.data);
      taskErrors.push(...answer.errors);
    }
    return { json: taskErrors.length ? { data, errors: taskErrors } : { data } };
  }

  private answer(task: Json): { data: Json[]; errors: Json[] } | { status: FakeResponse } {
    const taskUUID = String(task.taskUUID ?? '');
    if (isGeneration(task.taskType)) {
      const refusal = validate(task);
      if (refusal) return { status: errors(400, refusal) };
      const stored: RunwareFakeTask = {
        taskUUID,
        taskType: task.taskType as RunwareFakeTask['taskType'],
        request: task,
        results: Number(task.numberResults ?? 1),
        polls: 0,
        ...(typeof task.webhookURL === 'string' ? { webhookURL: task.webhookURL } : {}),
        ...(this.nextFailure ? { failure: this.nextFailure } : {}),
      };
      this.nextFailure = undefined;
      this.tasks.set(taskUUID, stored);
      return { data: [{ taskType: task.taskType, taskUUID }], errors: [] };
    }
    if (task.taskType === 'getResponse') return this.poll(taskUUID);
    if (task.taskType === 'promptEnhance') return this.enhance(task, taskUUID);
    if (task.taskType === 'accountManagement') {
      return {
        data: [
          {
            taskType: 'accountManagement',
            taskUUID,
            operation: 'getDetails',
            organizationUUID: 'a6379343-9ff2-46a0-996b-e4a7b3057c88',
            organizationName: 'Fake Org',
            balance: this.balance,
          },
        ],
        errors: [],
      };
    }
    return { status: errors(400, { code: 'unsupportedTaskType', taskType: task.taskType }) };
  }

  /**
   * `promptEnhance`: one `text` item per requested version, never longer than
   * `promptMaxLength` (Runware documents 12–400 for it and 1–5 versions).
   */
  private enhance(task: Json, taskUUID: string): { data: Json[]; errors: Json[] } {
    this.enhanceRequests.push(task);
    const scope = { taskType: 'promptEnhance', taskUUID };
    const prompt = typeof task.prompt === 'string' ? task.prompt : '';
    const maxLength = Number(task.promptMaxLength ?? 380);
    const versions = Number(task.promptVersions ?? 1);
    if (!prompt || maxLength < 12 || maxLength > 400 || versions < 1 || versions > 5) {
      const message = !prompt
        ? 'Missing prompt.'
        : 'promptMaxLength or promptVersions out of range.';
      return { data: [], errors: [{ code: 'invalidPromptEnhance', message, ...scope }] };
    }
    const data = Array.from({ length: versions }, (_, index) => ({
      ...scope,
      text: `${prompt}, ${fakeEnhancementSuffix}${index ? ` (v${index + 1})` : ''}`.slice(
        0,
        maxLength,
      ),
      cost: 0.0002,
    }));
    return { data, errors: [] };
  }

  private poll(taskUUID: string): { data: Json[]; errors: Json[] } | { status: FakeResponse } {
    const task = this.tasks.get(taskUUID);
    if (!task) {
      const body = {
        errors: [
          {
            code: 'taskNotFound',
            message: `Task ${taskUUID} not found.`,
            taskType: 'getResponse',
            taskUUID,
            status: 'error',
          },
        ],
      };
      return { status: { status: this.options.taskNotFoundStatus, json: body } };
    }
    task.polls++;
    if (task.polls <= this.options.processingPolls) {
      const progress = Math.round((task.polls / (this.options.processingPolls + 1)) * 100);
      // Runware's live processing placeholder carries taskType "getResponse".
      const item = { taskType: 'getResponse', taskUUID, status: 'processing', progress };
      return { data: Array.from({ length: task.results }, () => item), errors: [] };
    }
    if (task.failure) {
      const error = { ...task.failure.error, taskType: task.taskType, taskUUID, status: 'error' };
      return task.failure.inline
        ? { data: [{ taskType: task.taskType, taskUUID, status: 'error', error }], errors: [] }
        : { data: [], errors: [error] };
    }
    return {
      data: Array.from({ length: task.results }, (_, index) => this.resultItem(task, index)),
      errors: [],
    };
  }

  private resultItem(task: RunwareFakeTask, index: number): Json {
    const id = `${task.taskUUID.slice(0, 8)}-${index}`;
    if (task.taskType === 'videoInference') {
      const duration = Number(task.request.duration ?? 5);
      return {
        taskType: 'videoInference',
        taskUUID: task.taskUUID,
        status: 'success',
        videoUUID: `${id}-video`,
        videoURL: `${this.url}/files/${id}.mp4`,
        seed: Number(task.request.seed ?? 1234),
        cost: Math.round(0.014 * duration * 10_000) / 10_000,
      };
    }
    return {
      taskType: 'imageInference',
      taskUUID: task.taskUUID,
      status: 'success',
      imageUUID: `${id}-image`,
      imageURL: `${this.url}/files/${id}.png`,
      seed: Number(task.request.seed ?? 1234) + index,
      NSFWContent: false,
      cost: 0.0013,
    };
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

function isGeneration(taskType: unknown): boolean {
  return taskType === 'imageInference' || taskType === 'videoInference';
}
