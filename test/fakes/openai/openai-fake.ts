import { randomBytes } from 'node:crypto';
import {
  FakeHttpServer,
  type FakeRequest,
  type FakeResponse,
  type FakeScenario,
} from '../fake-http-server.js';
import { fakeMp4, fakePng } from '../fake-media.js';
import {
  imageSizes,
  openaiError,
  openaiScenarioResponses,
  outputTokens,
  relayVideoModels,
  retiredModels,
  videoSizes,
} from './openai-fake-responses.js';

export { openaiScenarioResponses } from './openai-fake-responses.js';

/** How the next created video ends. */
export type OpenAIFakeVideoOutcome = 'completed' | 'failed' | 'moderated';

interface FakeVideo {
  object: Record<string, unknown>;
  polls: number;
  outcome: OpenAIFakeVideoOutcome;
}

/**
 * A fake OpenAI API (`/v1`): Images generations (JSON) and edits (multipart), the Sora Videos
 * API when started as a relay (`relay: true`; OpenAI shut it down on 2026-09-24) (multipart create, `queued` → `in_progress` → `completed`/`failed` over status calls,
 * MP4 bytes at `/content`), and `GET /models`. Bearer auth; every scenario answers with
 * OpenAI's real error envelope.
 */
export class OpenAIFake {
  scenario: FakeScenario = 'ok';
  /** How the next videos end. */
  videoOutcome: OpenAIFakeVideoOutcome = 'completed';
  /** Status calls a video takes to finish. */
  pollsUntilDone = 2;
  readonly videos = new Map<string, FakeVideo>();
  private submissionCount = 0;

  private constructor(
    readonly server: FakeHttpServer,
    private readonly apiKey: string,
    private readonly videoModels: readonly string[],
  ) {}

  /**
   * `relay: true` plays an OpenAI-compatible relay that still serves the Videos API (Sora);
   * without it the fake is OpenAI as of its 2026-09-24 shutdown of that API.
   */
  static async start(options: { apiKey?: string; relay?: boolean } = {}): Promise<OpenAIFake> {
    const holder: { fake?: OpenAIFake } = {};
    const server = await FakeHttpServer.start((request) => holder.fake!.handle(request));
    holder.fake = new OpenAIFake(
      server,
      options.apiKey ?? 'test-key',
      options.relay ? relayVideoModels : [],
    );
    return holder.fake;
  }

  /** `http://127.0.0.1:PORT/v1`, what the adapter's `baseUrl` is set to. */
  get baseUrl(): string {
    return `${this.server.url}/v1`;
  }

  submissions(): number {
    return this.submissionCount;
  }

  /** Recorded generation submissions (images and videos), newest last. */
  submissionRequests(): FakeRequest[] {
    return this.server.requests.filter(
      (request) =>
        request.method === 'POST' &&
        /^\/v1\/(images\/(generations|edits)|videos)$/.test(request.path),
    );
  }

  close(): Promise<void> {
    return this.server.close();
  }

  private async handle(request: FakeRequest): Promise<FakeResponse> {
    if (request.headers.authorization !== `Bearer ${this.apiKey}`)
      return openaiScenarioResponses.auth_error;
    const { method, path } = request;
    if (
      method === 'POST' &&
      (path === '/v1/images/generations' || path === '/v1/images/edits' || path === '/v1/videos')
    ) {
      this.submissionCount++;
      if (this.scenario !== 'ok') return openaiScenarioResponses[this.scenario];
      if (path === '/v1/images/generations')
        return this.generateImages(request.json as Record<string, unknown> | undefined);
      const form = await new Response(new Uint8Array(request.rawBody), {
        headers: { 'content-type': request.headers['content-type'] ?? '' },
      }).formData();
      return path === '/v1/images/edits' ? this.editImages(form) : this.createVideo(form);
    }
    if (method === 'GET' && path === '/v1/models') {
      return {
        json: {
          object: 'list',
          data: [...Object.keys(imageSizes), ...this.videoModels].map((id) => ({
            id,
            object: 'model',
            created: 1_700_000_000,
            owned_by: 'system',
          })),
        },
      };
    }
    const video = /^\/v1\/videos\/([^/]+)(\/content)?$/.exec(path);
    if (video) return this.videoRoute(method, decodeURIComponent(video[1]!), Boolean(video[2]));
    if (method === 'GET' && path.startsWith('/v1/files/'))
      return { headers: { 'content-type': 'image/png' }, body: await fakePng() };
    return openaiError(404, `Invalid URL (${method} ${path})`, 'invalid_request_error', null);
  }

  private async generateImages(body: Record<string, unknown> | undefined): Promise<FakeResponse> {
    const model = String(body?.model ?? 'dall-e-2');
    const size = String(body?.size ?? '1024x1024');
    const n = Number(body?.n ?? 1);
    if (typeof body?.prompt !== 'string' || body.prompt === '')
      return openaiError(
        400,
        "Missing required parameter: 'prompt'.",
        'invalid_request_error',
        'missing_required_parameter',
        'prompt',
      );
    if (!imageSizes[model]) return modelNotFound(model);
    if (!imageSizes[model]!.includes(size))
      return openaiError(
        400,
        `Invalid value: '${size}'. Supported values are: ${imageSizes[model]!.map((value) => `'${value}'`).join(', ')}.`,
        'invalid_request_error',
        'invalid_value',
        'size',
      );
    return this.gptImageAnswer(String(body.quality ?? 'medium'), size, n, 0);
  }

  private async editImages(form: FormData): Promise<FakeResponse> {
    const images = [...form.getAll('image'), ...form.getAll('image[]')].filter(
      (value) => value instanceof Blob,
    );
    if (images.length === 0)
      return openaiError(
        400,
        "Missing required parameter: 'image'.",
        'invalid_request_error',
        'missing_required_parameter',
        'image',
      );
    if (typeof form.get('prompt') !== 'string')
      return openaiError(
        400,
        "Missing required parameter: 'prompt'.",
        'invalid_request_error',
        'missing_required_parameter',
        'prompt',
      );
    return this.gptImageAnswer(
      String(form.get('quality') ?? 'medium'),
      String(form.get('size') ?? '1024x1024'),
      Number(form.get('n') ?? 1),
      323 * images.length,
    );
  }

  private async gptImageAnswer(
    quality: string,
    size: string,
    n: number,
    imageTokens: number,
  ): Promise<FakeResponse> {
    const b64 = (await fakePng()).toString('base64');
    const perImage = outputTokens[quality]?.[size] ?? 1056;
    return {
      headers: { 'x-request-id': `req_${randomBytes(8).toString('hex')}` },
      json: {
        created: 1_700_000_000,
        background: 'opaque',
        data: Array.from({ length: n }, () => ({ b64_json: b64 })),
        output_format: 'png',
        quality,
        size,
        usage: {
          input_tokens: 12 + imageTokens,
          input_tokens_details: { text_tokens: 12, image_tokens: imageTokens },
          output_tokens: perImage * n,
          total_tokens: 12 + imageTokens + perImage * n,
        },
      },
    };
  }

  private createVideo(form: FormData): FakeResponse {
    const prompt = form.get('prompt');
    const seconds = String(form.get('seconds') ?? '4');
    const size = String(form.get('size') ?? '720x1280');
    const model = String(form.get('model') ?? 'sora-2');
    if (typeof prompt !== 'string' || prompt === '')
      return openaiError(
        400,
        "Missing required parameter: 'prompt'.",
        'invalid_request_error',
        'missing_required_parameter',
        'prompt',
      );
    if (!this.videoModels.includes(model)) return modelNotFound(model);
    if (!['4', '8', '12'].includes(seconds))
      return openaiError(
        400,
        `Invalid value: '${seconds}'. Supported values are: '4', '8', and '12'.`,
        'invalid_request_error',
        'invalid_value',
        'seconds',
      );
    if (!videoSizes.includes(size))
      return openaiError(
        400,
        `Invalid value: '${size}'. Supported values are: ${videoSizes.map((value) => `'${value}'`).join(', ')}.`,
        'invalid_request_error',
        'invalid_value',
        'size',
      );
    const id = `video_${randomBytes(12).toString('hex')}`;
    const object = {
      id,
      object: 'video',
      model,
      status: 'queued',
      progress: 0,
      created_at: Math.floor(Date.now() / 1000),
      completed_at: null,
      expires_at: null,
      prompt,
      seconds,
      size,
      error: null,
      remixed_from_video_id: null,
    };
    this.videos.set(id, { object, polls: 0, outcome: this.videoOutcome });
    return { json: object };
  }

  private async videoRoute(method: string, id: string, content: boolean): Promise<FakeResponse> {
    const video = this.videos.get(id);
    if (!video)
      return openaiError(
        404,
        `Video with id '${id}' not found.`,
        'invalid_request_error',
        null,
        'id',
      );
    if (method === 'DELETE' && !content) {
      this.videos.delete(id);
      return { json: { id, object: 'video.deleted', deleted: true } };
    }
    if (method !== 'GET')
      return openaiError(405, 'Method not allowed.', 'invalid_request_error', null);
    if (content) {
      if (video.object.status !== 'completed')
        return openaiError(
          404,
          'Video content is not available until the video has completed.',
          'invalid_request_error',
          null,
        );
      return { headers: { 'content-type': 'video/mp4' }, body: await fakeMp4() };
    }
    video.polls++;
    if (video.polls < this.pollsUntilDone) {
      video.object = {
        ...video.object,
        status: 'in_progress',
        progress: Math.round((100 * video.polls) / this.pollsUntilDone),
      };
    } else if (video.outcome === 'completed') {
      video.object = {
        ...video.object,
        status: 'completed',
        progress: 100,
        completed_at: Math.floor(Date.now() / 1000),
        expires_at: Math.floor(Date.now() / 1000) + 86_400,
      };
    } else {
      const error =
        video.outcome === 'moderated'
          ? {
              code: 'moderation_blocked',
              message: 'Your request was blocked by our moderation system.',
            }
          : { code: 'internal_error', message: 'Video generation failed.' };
      video.object = { ...video.object, status: 'failed', error };
    }
    return { json: video.object };
  }
}

/**
 * OpenAI's answer to a model id it does not serve: 404 `model_not_found`. A retired model
 * (`dall-e-2`, `dall-e-3` since 2026-05-12; see `retiredModels`) says so in the message, as
 * OpenAI's did for DALL·E.
 */
function modelNotFound(model: string): FakeResponse {
  const message = retiredModels.includes(model)
    ? `The model \`${model}\` has been deprecated. Learn more: https://platform.openai.com/docs/deprecations`
    : `The model \`${model}\` does not exist or you do not have access to it.`;
  return openaiError(404, message, 'invalid_request_error', 'model_not_found', null);
}
