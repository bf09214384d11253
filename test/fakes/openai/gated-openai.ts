import { FakeHttpServer, type FakeRequest } from '../fake-http-server.js';
import { OpenAIFake } from './openai-fake.js';

/** OpenAI behind a gate: submissions reach the fake only once the test opens it. */
export class GatedOpenAI {
  private open!: () => void;
  private gate!: Promise<void>;
  arrived = 0;

  private constructor(
    readonly fake: OpenAIFake,
    readonly proxy: FakeHttpServer,
  ) {
    this.close();
  }

  static async start(): Promise<GatedOpenAI> {
    const fake = await OpenAIFake.start({ apiKey: 'test-key' });
    const holder: { gated?: GatedOpenAI } = {};
    const proxy = await FakeHttpServer.start((request) => holder.gated!.forward(request));
    holder.gated = new GatedOpenAI(fake, proxy);
    return holder.gated;
  }

  /** New submissions wait again. */
  close(): void {
    this.gate = new Promise((resolve) => (this.open = resolve));
  }

  release(): void {
    this.open();
  }

  private async forward(request: FakeRequest) {
    if (request.method === 'POST') {
      this.arrived++;
      await this.gate;
    }
    const response = await fetch(`${this.fake.server.url}${request.path}`, {
      method: request.method,
      headers: {
        authorization: request.headers.authorization ?? '',
        'content-type': request.headers['content-type'] ?? 'application/json',
      },
      body: request.method === 'POST' ? new Uint8Array(request.rawBody) : undefined,
    });
    return {
      status: response.status,
      headers: { 'content-type': response.headers.get('content-type') ?? 'application/json' },
      body: Buffer.from(await response.arrayBuffer()),
    };
  }
}
