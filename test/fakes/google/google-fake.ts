import { randomBytes } from 'node:crypto';
import {
  FakeHttpServer,
  type FakeRequest,
  type FakeResponse,
  type FakeScenario,
} from '../fake-http-server.js';
import { fakeMp4, fakePng } from '../fake-media.js';
import {
  googleError,
  googleFakeModels,
  googleModelNotFound,
  googleScenarioResponses,
} from './google-fake-responses.js';

export { googleScenarioResponses } from './google-fake-responses.js';

/** How the next Veo operation ends. */
export type GoogleFakeVideoOutcome = 'completed' | 'filtered' | 'failed';
/** What the next generateContent answers. */
export type GoogleFakeImageOutcome = 'image' | 'blocked' | 'text_only';

interface FakeOperation {
  name: string;
  model: string;
  polls: number;
  outcome: GoogleFakeVideoOutcome;
  fileId: string;
}

/**
 * A fake Gemini API (`/v1beta`): `models/{m}:generateContent` (inline base64 PNG),
 * `models/{m}:predictLongRunning` → operation polled with `GET /v1beta/{name}` until `done`,
 * the MP4 at `files/{id}:download` (key required, like Google's), and `GET models`.
 * `x-goog-api-key` auth; errors in Google's RPC shape.
 */
export class GoogleFake {
  scenario: FakeScenario = 'ok';
  videoOutcome: GoogleFakeVideoOutcome = 'completed';
  imageOutcome: GoogleFakeImageOutcome = 'image';
  /** Status calls an operation takes to finish. */
  pollsUntilDone = 2;
  readonly operations = new Map<string, FakeOperation>();
  private submissionCount = 0;

  private constructor(
    readonly server: FakeHttpServer,
    private readonly apiKey: string,
  ) {}

  static async start(options: { apiKey?: string } = {}): Promise<GoogleFake> {
    const holder: { fake?: GoogleFake } = {};
    const server = await FakeHttpServer.start((request) => holder.fake!.handle(request));
    holder.fake = new GoogleFake(server, options.apiKey ?? 'test-key');
    return holder.fake;
  }

  /** `http://127.0.0.1:PORT/v1beta`, what the adapter's `baseUrl` is set to. */
  get baseUrl(): string {
    return `${this.server.url}/v1beta`;
  }

  submissions(): number {
    return this.submissionCount;
  }

  /** Recorded generateContent / predictLongRunning calls, newest last. */
  submissionRequests(): FakeRequest[] {
    return this.server.requests.filter(
      (request) =>
        request.method === 'POST' && /:(generateContent|predictLongRunning)$/.test(request.path),
    );
  }

  close(): Promise<void> {
    return this.server.close();
  }

  private async handle(request: FakeRequest): Promise<FakeResponse> {
    const key = request.headers['x-goog-api-key'] ?? request.query.get('key');
    if (!key)
      return googleError(
        403,
        'PERMISSION_DENIED',
        "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
      );
    if (key !== this.apiKey) return googleScenarioResponses.auth_error;
    const { method, path } = request;
    const submit = /^\/v1beta\/models\/([^/:]+):(generateContent|predictLongRunning)$/.exec(path);
    if (method === 'POST' && submit) {
      this.submissionCount++;
      if (this.scenario !== 'ok') return googleScenarioResponses[this.scenario];
      const body = request.json as Record<string, unknown> | undefined;
      const model = decodeURIComponent(submit[1]!);
      if (!googleFakeModels.includes(model)) return googleModelNotFound(model, submit[2]!);
      return submit[2] === 'generateContent'
        ? this.generateContent(model, body)
        : this.predictLongRunning(decodeURIComponent(submit[1]!), body);
    }
    if (method === 'GET' && path === '/v1beta/models') {
      return {
        json: {
          models: [{ name: 'models/gemini-3.1-flash-image', displayName: 'Nano Banana 2' }],
          nextPageToken: 'next',
        },
      };
    }
    const download = /^\/v1beta\/files\/([^/:]+):download$/.exec(path);
    if (method === 'GET' && download) {
      const known = [...this.operations.values()].some(
        (operation) => operation.fileId === download[1],
      );
      if (!known) return googleError(404, 'NOT_FOUND', 'File not found.');
      return { headers: { 'content-type': 'video/mp4' }, body: await fakeMp4() };
    }
    const operation = /^\/v1beta\/(models\/[^/]+\/operations\/[^/]+)$/.exec(path);
    if (method === 'GET' && operation) return this.pollOperation(operation[1]!);
    return googleError(404, 'NOT_FOUND', `Method not found: ${method} ${path}`);
  }

  private async generateContent(
    model: string,
    body: Record<string, unknown> | undefined,
  ): Promise<FakeResponse> {
    const contents = body?.contents as { parts?: { text?: string }[] }[] | undefined;
    if (!contents?.length || !contents[0]?.parts?.length)
      return googleError(
        400,
        'INVALID_ARGUMENT',
        '* GenerateContentRequest.contents: contents is not specified\n',
      );
    const responseId = randomBytes(12).toString('base64url');
    const usageMetadata = {
      promptTokenCount: 9,
      candidatesTokenCount: 1290,
      totalTokenCount: 1299,
    };
    if (this.imageOutcome === 'blocked')
      return {
        json: { promptFeedback: { blockReason: 'PROHIBITED_CONTENT' }, usageMetadata, responseId },
      };
    if (this.imageOutcome === 'text_only') {
      return {
        json: {
          candidates: [
            {
              content: {
                role: 'model',
                parts: [{ text: 'I can only describe this scene in words.' }],
              },
              finishReason: 'STOP',
              index: 0,
            },
          ],
          usageMetadata,
          responseId,
        },
      };
    }
    const data = (await fakePng()).toString('base64');
    return {
      json: {
        candidates: [
          {
            content: { role: 'model', parts: [{ inlineData: { mimeType: 'image/png', data } }] },
            finishReason: 'STOP',
            index: 0,
          },
        ],
        usageMetadata,
        modelVersion: model,
        responseId,
      },
    };
  }

  private predictLongRunning(
    model: string,
    body: Record<string, unknown> | undefined,
  ): FakeResponse {
    const instances = body?.instances as { prompt?: string }[] | undefined;
    const parameters = (body?.parameters ?? {}) as Record<string, unknown>;
    if (!instances?.[0]?.prompt)
      return googleError(400, 'INVALID_ARGUMENT', 'A prompt is required.');
    if (
      parameters.aspectRatio !== undefined &&
      !['16:9', '9:16'].includes(String(parameters.aspectRatio))
    )
      return googleError(
        400,
        'INVALID_ARGUMENT',
        `Aspect ratio ${String(parameters.aspectRatio)} is not supported.`,
      );
    if (
      parameters.durationSeconds !== undefined &&
      ![4, 6, 8].includes(Number(parameters.durationSeconds))
    )
      return googleError(
        400,
        'INVALID_ARGUMENT',
        'The number value for `durationSeconds` is out of bound. Please provide a value between 4 and 8, inclusive.',
      );
    if ('seed' in parameters)
      return googleError(400, 'INVALID_ARGUMENT', "`seed` isn't supported by this model.");
    const name = `models/${model}/operations/${randomBytes(8).toString('hex')}`;
    this.operations.set(name, {
      name,
      model,
      polls: 0,
      outcome: this.videoOutcome,
      fileId: randomBytes(6).toString('hex'),
    });
    return { json: { name } };
  }

  private pollOperation(name: string): FakeResponse {
    const operation = this.operations.get(name);
    if (!operation) return googleError(404, 'NOT_FOUND', `Operation ${name} not found.`);
    operation.polls++;
    if (operation.polls < this.pollsUntilDone) return { json: { name } };
    if (operation.outcome === 'failed')
      return {
        json: {
          name,
          done: true,
          error: { code: 13, message: 'Video generation failed due to an internal error.' },
        },
      };
    const type =
      'type.googleapis.com/google.ai.generativelanguage.v1beta.PredictLongRunningResponse';
    if (operation.outcome === 'filtered') {
      return {
        json: {
          name,
          done: true,
          response: {
            '@type': type,
            generateVideoResponse: {
              raiMediaFilteredCount: 1,
              raiMediaFilteredReasons: [
                "We encountered an issue with the audio for your prompt. You weren't charged for this request.",
              ],
            },
          },
        },
      };
    }
    const uri = `${this.baseUrl}/files/${operation.fileId}:download?alt=media`;
    return {
      json: {
        name,
        done: true,
        response: {
          '@type': type,
          generateVideoResponse: { generatedSamples: [{ video: { uri } }] },
        },
      },
    };
  }
}
