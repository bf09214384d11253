import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S1GenerateAnswerSchema } from '../../src/http/schemas/s1-runware-schemas.js';
import { RunwareFake } from '../fakes/runware/runware-fake.js';
import { ErrorBody } from '../helpers/api-schemas.js';
import { postJson } from '../helpers/http-client.js';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.js';

describe('S1 download proxy (Runware fake)', () => {
  let fake: RunwareFake;
  let test: TestGateway;
  let videoUrl: string;
  beforeAll(async () => {
    fake = await RunwareFake.start();
    test = await startTestGateway('pglite', {
      providers: [{ id: 'runware', type: 'runware', apiKey: 'test-key', baseUrl: fake.endpoint }],
      jobs: { maxSubmitRounds: 1 },
    });
    const { body } = await postJson(`${test.url}/api/v3/runware/videos/generations`, {
      image_url: 'https://i.imgur.com/example.png',
      prompt: 'Cinematic motion...',
      duration: 5,
      resolution: '720p',
    });
    videoUrl = S1GenerateAnswerSchema.parse(body).result.video_url;
  });
  afterAll(async () => {
    await test?.close();
    await fake?.close();
  });

  const download = (url: string, headers: Record<string, string> = {}) =>
    fetch(`${test.url}/api/v3/runware/download?url=${encodeURIComponent(url)}`, { headers });

  it('should stream the finished video with CORS headers', async () => {
    const whole = await fetch(videoUrl);
    const expected = Buffer.from(await whole.arrayBuffer());
    const response = await download(videoUrl, { origin: 'https://app.example.com' });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('content-type')).toBe('video/mp4');
    expect(Buffer.from(await response.arrayBuffer()).equals(expected)).toBe(true);
  });

  it('should answer a Range with 206 and exactly those bytes', async () => {
    const expected = Buffer.from(await (await fetch(videoUrl)).arrayBuffer());
    const response = await download(videoUrl, { range: 'bytes=4-7' });
    expect(response.status).toBe(206);
    expect(response.headers.get('content-range')).toBe(`bytes 4-7/${expected.length}`);
    expect(response.headers.get('access-control-expose-headers')).toContain('content-range');
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(bytes.equals(expected.subarray(4, 8))).toBe(true);
    expect(bytes.toString()).toBe('ftyp');
  });

  it('should answer a CORS preflight', async () => {
    const response = await fetch(`${test.url}/api/v3/runware/download?url=x`, {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example.com', 'access-control-request-headers': 'range' },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-headers')).toContain('range');
  });

  it.each([
    ['a foreign host', 'https://cdn.runware.ai/video/abc.mp4'],
    ['a private address', 'http://10.0.0.7/v1/assets/asset_aaaaaaaaaaaaaaaaaaaaaaaaaa'],
    ['another path of this gateway', '/admin/providers'],
  ])('should refuse %s without fetching it', async (_name, url) => {
    const response = await download(url.startsWith('/') ? `${test.url}${url}` : url);
    expect(response.status).toBe(400);
    expect(ErrorBody.parse(await response.json()).error.code).toBe('url_not_allowed');
  });

  it('should answer 404 for an asset of this gateway that does not exist', async () => {
    const response = await download(`${test.url}/v1/assets/asset_aaaaaaaaaaaaaaaaaaaaaaaaaa`);
    expect(response.status).toBe(404);
  });
});

describe('S1 download proxy with provider CDN hosts allowed (Runware fake)', () => {
  let fake: RunwareFake;
  let test: TestGateway;
  let fakeHost: string;
  beforeAll(async () => {
    fake = await RunwareFake.start();
    fakeHost = new URL(fake.url).host;
    test = await startTestGateway('pglite', {
      providers: [{ id: 'runware', type: 'runware', apiKey: 'test-key', baseUrl: fake.endpoint }],
      // The fake's loopback address is a "CDN" only because both lists name it.
      downloads: { allowedPrivateHosts: [fakeHost] },
      compat: { s1: { downloadHosts: [fakeHost, 'localhost', '*.runware.example'] } },
    });
  });
  afterAll(async () => {
    await test?.close();
    await fake?.close();
  });

  const download = (url: string, headers: Record<string, string> = {}) =>
    fetch(`${test.url}/api/v3/runware/download?url=${encodeURIComponent(url)}`, { headers });

  it('should relay a file of an allowed CDN host with CORS headers', async () => {
    const cdnUrl = `${fake.url}/files/task-1.mp4`;
    const expected = Buffer.from(await (await fetch(cdnUrl)).arrayBuffer());
    const response = await download(cdnUrl, { origin: 'https://app.example.com' });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('content-type')).toBe('video/mp4');
    expect(Buffer.from(await response.arrayBuffer()).equals(expected)).toBe(true);
  });

  it('should answer a Range on a CDN file with 206 and exactly those bytes, 416 past its end', async () => {
    const cdnUrl = `${fake.url}/files/task-2.mp4`;
    const expected = Buffer.from(await (await fetch(cdnUrl)).arrayBuffer());
    const response = await download(cdnUrl, { range: 'bytes=4-7' });
    expect(response.status).toBe(206);
    expect(response.headers.get('content-range')).toBe(`bytes 4-7/${expected.length}`);
    expect(Buffer.from(await response.arrayBuffer()).toString()).toBe('ftyp');
    const past = await download(cdnUrl, { range: `bytes=${expected.length + 10}-` });
    expect(past.status).toBe(416);
  });

  it('should pass a CDN error on as 502 and still refuse hosts that are not listed', async () => {
    const missing = await download(`${fake.url}/files/nothing.txt`);
    expect(missing.status).toBe(502);
    expect(ErrorBody.parse(await missing.json()).error.code).toBe('download_failed');
    const other = await download('https://cdn.runware.ai/video/abc.mp4');
    expect(other.status).toBe(400);
    expect(ErrorBody.parse(await other.json()).error.code).toBe('url_not_allowed');
  });

  it('should keep the SSRF guard over the allow-list: a listed host on a private address is refused', async () => {
    // `localhost` is on the CDN list but not in downloads.allowedPrivateHosts.
    const response = await download(`http://localhost:${new URL(fake.url).port}/files/x.mp4`);
    expect(response.status).toBe(400);
    expect(ErrorBody.parse(await response.json()).error.code).toBe('url_not_allowed');
  });
});

/** A CDN double whose file is written in two parts, the second only when the test says so. */
async function startControlledCdn(size: number, firstPart: number) {
  const byteAt = (offset: number) => (offset * 31 + 7) & 0xff;
  const bytes = (start: number, end: number) => {
    const buffer = Buffer.alloc(end - start);
    for (let index = 0; index < buffer.length; index++) buffer[index] = byteAt(start + index);
    return buffer;
  };
  let release: () => void = () => undefined;
  const released = new Promise<void>((resolve) => (release = resolve));
  const state = { finished: false, ranges: [] as (string | undefined)[] };
  const server = createServer((request, response) => {
    state.ranges.push(request.headers.range);
    const match = /^bytes=(\d+)-(\d+)$/.exec(request.headers.range ?? '');
    if (match) {
      const start = Number(match[1]);
      const end = Number(match[2]);
      response.writeHead(206, {
        'content-type': 'video/mp4',
        'content-length': end - start + 1,
        'content-range': `bytes ${start}-${end}/${size}`,
      });
      response.end(bytes(start, end + 1));
      return;
    }
    response.writeHead(200, { 'content-type': 'video/mp4', 'content-length': size });
    response.write(bytes(0, firstPart));
    void released.then(async () => {
      // The rest in 1 MiB writes, each after the previous one drained.
      for (let offset = firstPart; offset < size; offset += 1 << 20) {
        const part = bytes(offset, Math.min(offset + (1 << 20), size));
        if (!response.write(part)) await new Promise((resolve) => response.once('drain', resolve));
      }
      response.end(() => (state.finished = true));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    host,
    url: `http://${host}/video.mp4`,
    state,
    release: () => release(),
    expected: (start: number, end: number) => bytes(start, end),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// 50 MiB through the gateway: seconds of CPU on a loaded machine.
describe('S1 download proxy streaming a large CDN file', { timeout: 90_000 }, () => {
  const size = 50 * 1024 * 1024;
  let cdn: Awaited<ReturnType<typeof startControlledCdn>>;
  let test: TestGateway;
  beforeAll(async () => {
    cdn = await startControlledCdn(size, 256 * 1024);
    test = await startTestGateway('pglite', {
      downloads: { allowedPrivateHosts: [cdn.host], maxBytes: 64 * 1024 * 1024 },
      compat: { s1: { downloadHosts: [cdn.host] } },
    });
  });
  afterAll(async () => {
    await test?.close();
    await cdn?.close();
  });

  const download = (headers: Record<string, string> = {}) =>
    fetch(`${test.url}/api/v3/runware/download?url=${encodeURIComponent(cdn.url)}`, { headers });

  it('should relay the first bytes before the CDN has sent the file, then every byte', async () => {
    const response = await download({ origin: 'https://app.example.com' });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('content-length')).toBe(String(size));
    const reader = response.body!.getReader();
    const first = await reader.read();
    // The CDN is still holding back all but its first 256 KiB: the gateway is not buffering.
    expect(first.value!.length).toBeGreaterThan(0);
    expect(cdn.state.finished).toBe(false);
    cdn.release();
    const hash = createHash('sha256').update(first.value!);
    let received = first.value!.length;
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      hash.update(chunk.value);
      received += chunk.value.length;
    }
    expect(received).toBe(size);
    expect(hash.digest('hex')).toBe(
      createHash('sha256').update(cdn.expected(0, size)).digest('hex'),
    );
    expect(cdn.state.finished).toBe(true);
  });

  it("should pass the client's Range to the CDN and its 206 back", async () => {
    const response = await download({ range: 'bytes=1048576-1048591' });
    expect(response.status).toBe(206);
    expect(cdn.state.ranges.at(-1)).toBe('bytes=1048576-1048591');
    expect(response.headers.get('content-range')).toBe(`bytes 1048576-1048591/${size}`);
    expect(response.headers.get('access-control-expose-headers')).toContain('content-range');
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(bytes.equals(cdn.expected(1048576, 1048592))).toBe(true);
  });
});
