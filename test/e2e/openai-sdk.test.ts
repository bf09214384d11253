import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakePng } from '../fakes/fake-media.js';
import { jobWhen } from '../helpers/job-when.js';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.js';

/** The official `openai` SDK, pointed at Switchyard, must just work. */
describe('OpenAI SDK against Switchyard', { timeout: 150_000 }, () => {
  let test: TestGateway;
  let client: OpenAI;
  beforeAll(async () => {
    test = await startTestGateway('pglite', {
      providers: [{ id: 'simulator', type: 'simulator', latencyMs: { p50: 200, p95: 400 } }],
      openai: { modelAliases: { 'dall-e-3': 'sim-image' } },
    });
    client = new OpenAI({ baseURL: `${test.url}/v1`, apiKey: 'not-needed', maxRetries: 0 });
  });
  afterAll(async () => {
    await test?.close();
  });

  it('should generate images with images.generate (url and b64_json)', async () => {
    const byUrl = await client.images.generate({
      model: 'sim-image',
      prompt: 'a lighthouse',
      size: '256x256',
      n: 2,
    });
    expect(byUrl.data).toHaveLength(2);
    const url = byUrl.data![0]!.url!;
    const image = await fetch(url.replace(/^http:\/\/[^/]+/, test.url));
    expect(image.headers.get('content-type')).toBe('image/png');
    const byBase64 = await client.images.generate({
      model: 'dall-e-3',
      prompt: 'a lighthouse',
      size: '1024x1024',
      response_format: 'b64_json',
    });
    const bytes = Buffer.from(byBase64.data![0]!.b64_json!, 'base64');
    expect(bytes.subarray(1, 4).toString()).toBe('PNG');
    expect(bytes.readUInt32BE(16)).toBe(1024);
  });

  it('should surface gateway errors as SDK errors with our code', async () => {
    const error = await client.images
      .generate({ model: 'no-such-model', prompt: 'x' })
      .catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).code).toBe('unknown_model');
  });

  it('should create, retrieve and download a video with videos.*', async () => {
    const created = await client.videos.create({
      model: 'sim-video',
      prompt: 'waves on a beach',
      seconds: '4',
      size: '1280x720',
    });
    expect(created.object).toBe('video');
    expect(['queued', 'in_progress']).toContain(created.status);
    // The video is the native job of the same id: awaited on the gateway's job events.
    await jobWhen(test, created.id, (job) => ['succeeded', 'failed'].includes(job.status));
    const video = await client.videos.retrieve(created.id);
    expect(video.status).toBe('completed');
    expect(video.size).toBe('1280x720');
    expect(video.seconds).toBe('4');
    expect(video.progress).toBe(100);
    const content = await client.videos.downloadContent(created.id);
    const bytes = Buffer.from(await content.arrayBuffer());
    expect(bytes.subarray(4, 8).toString()).toBe('ftyp');
    expect(content.headers.get('content-type')).toBe('video/mp4');
  });

  it('should accept an input_reference image for image-to-video', async () => {
    const reference = await OpenAI.toFile(await fakePng(), 'first-frame.png', {
      type: 'image/png',
    });
    const created = await client.videos.create({
      model: 'sim-video',
      prompt: 'animate this',
      seconds: '4',
      size: '720x1280',
      input_reference: reference,
    });
    const { body } = {
      body: (await (await fetch(`${test.url}/v1/generations/${created.id}?wait=30`)).json()) as {
        task: string;
        status: string;
        outputs: { width: number; height: number }[];
      },
    };
    expect(body.task).toBe('image-to-video');
    expect(body.status).toBe('succeeded');
    expect(body.outputs[0]).toMatchObject({ width: 720, height: 1280 });
  });

  it('should report a video that is not ready as a conflict, not a 500', async () => {
    const created = await client.videos.create({
      model: 'sim-video',
      prompt: 'slow',
      seconds: '12',
      size: '1280x720',
    });
    const error = await client.videos
      .downloadContent(created.id)
      .catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(OpenAI.ConflictError);
  });

  /** Creates a video with the SDK and holds until it ends (the gateway's own `?wait`). */
  async function finishedVideo(prompt: string): Promise<string> {
    const created = await client.videos.create({ model: 'sim-video', prompt, seconds: '4' });
    // A few held waits: a loaded machine may take longer than one.
    let status = 'queued';
    for (
      let round = 0;
      round < 4 && !['succeeded', 'failed', 'canceled'].includes(status);
      round++
    ) {
      const ended = await fetch(`${test.url}/v1/generations/${created.id}?wait=30`);
      status = ((await ended.json()) as { status: string }).status;
    }
    expect(status).toBe('succeeded');
    return created.id;
  }

  it('should page through videos with videos.list (after, limit, order)', async () => {
    const ids = [
      await finishedVideo('list one'),
      await finishedVideo('list two'),
      await finishedVideo('list three'),
    ];
    const firstPage = await client.videos.list({ limit: 2 });
    expect(firstPage.data.map((video) => video.id)).toEqual([ids[2], ids[1]]);
    expect(firstPage.hasNextPage()).toBe(true);
    // The SDK pages on by sending `after=<last id>`, as against OpenAI.
    const secondPage = await firstPage.getNextPage();
    expect(secondPage.data[0]!.id).toBe(ids[0]);
    const everyId: string[] = [];
    for await (const video of client.videos.list({ limit: 2 })) everyId.push(video.id);
    expect(everyId).toEqual(expect.arrayContaining(ids));
    expect(everyId.every((id) => id.startsWith('gen_'))).toBe(true);
    const ascending = await client.videos.list({ order: 'asc', after: ids[0]!, limit: 5 });
    expect(ascending.data.map((video) => video.id).slice(0, 2)).toEqual([ids[1], ids[2]]);
    // Images are not videos.
    const images = await client.images.generate({ model: 'sim-image', prompt: 'not a video' });
    const imageId = (images as unknown as { switchyard: { generation_id: string } }).switchyard
      .generation_id;
    const all = await client.videos.list({ limit: 100 });
    expect(all.data.map((video) => video.id)).not.toContain(imageId);
  }, 240_000);

  it('should delete an ended video and its file with videos.delete', async () => {
    const id = await finishedVideo('to be deleted');
    const content = await client.videos.downloadContent(id);
    const fileUrl = content.url;
    expect(content.status).toBe(200);
    const deleted = await client.videos.delete(id);
    expect(deleted).toEqual({ id, object: 'video.deleted', deleted: true });
    await expect(client.videos.retrieve(id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    await expect(client.videos.delete(id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    expect((await fetch(fileUrl)).status).toBe(404);
    const listed = await client.videos.list({ limit: 100 });
    expect(listed.data.map((video) => video.id)).not.toContain(id);
  }, 240_000);

  it('should refuse to delete a video still rendering', async () => {
    const created = await client.videos.create({
      model: 'sim-video',
      prompt: 'long',
      seconds: '12',
    });
    const error = await client.videos.delete(created.id).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(OpenAI.ConflictError);
    expect((error as InstanceType<typeof OpenAI.ConflictError>).code).toBe('job_not_ended');
  });

  it('should say plainly that remix, edit and extend are unsupported', async () => {
    const { id } = await client.videos.create({ model: 'sim-video', prompt: 'to remix' });
    const remix = await client.videos
      .remix(id, { prompt: 'the same, at night' })
      .catch((thrown: unknown) => thrown);
    expect(remix).toBeInstanceOf(OpenAI.UnprocessableEntityError);
    expect((remix as InstanceType<typeof OpenAI.APIError>).code).toBe('unsupported');
    const extend = await client.videos
      .extend({ prompt: 'longer', seconds: '4', video: { id } })
      .catch((thrown: unknown) => thrown);
    expect((extend as InstanceType<typeof OpenAI.APIError>).status).toBe(422);
    expect((extend as InstanceType<typeof OpenAI.APIError>).code).toBe('unsupported');
  });
});
