import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { readdir, rename, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { largePng } from '../fakes/large-png.js';
import { ErrorBody } from '../helpers/api-schemas.js';
import { startS3TestServer, type S3TestServer } from '../helpers/s3-test-server.js';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.js';

// Larger than the 1 MiB head read before the first byte is stored, so aborts hit a real write.
const maxBytes = 2 * 1024 * 1024;
const png = largePng(1536 * 1024);
const tooBig = largePng(maxBytes + 256 * 1024);
/** What an aborting client sends of `png`: past the head, short of the end. */
const partial = png.subarray(0, 1280 * 1024);

/** A body sent chunked (no Content-Length), in 16 KiB pieces. */
function chunked(data: Buffer): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= data.length) return controller.close();
      controller.enqueue(data.subarray(offset, offset + 16 * 1024));
      offset += 16 * 1024;
    },
  });
}

async function until<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** The four routes that take an uploaded image as a multipart file part. */
const multipartRoutes = [
  { path: '/v1/uploads', field: 'file', fields: {} },
  { path: '/api/v3/uploads', field: 'file', fields: {} },
  { path: '/v1/videos', field: 'input_reference', fields: { model: 'sim-video', prompt: 'waves' } },
  {
    path: '/motif/generation/generate-from-inspiration',
    field: 'file',
    fields: { prompt: 'same room, birthday' },
  },
];

describe.each(['local', 's3'] as const)(
  'uploads streamed into the %s store',
  { timeout: 90_000 },
  (kind) => {
    let s3: S3TestServer | undefined;
    let s3Client: S3Client | undefined;
    let test: TestGateway;
    /** `POST /v1/uploads` of a PNG body sent chunked (no Content-Length). */
    const uploadChunked = (data: Buffer) =>
      fetch(`${test.url}/v1/uploads`, {
        method: 'POST',
        headers: { 'content-type': 'image/png' },
        body: chunked(data),
        duplex: 'half',
      } as RequestInit);
    beforeAll(async () => {
      if (kind === 's3') {
        s3 = await startS3TestServer();
        s3Client = new S3Client({
          endpoint: s3.endpoint,
          region: 'us-east-1',
          forcePathStyle: true,
          credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
        });
      }
      test = await startTestGateway('pglite', {
        uploads: { maxBytes },
        storage: {
          ...s3?.storageConfig(),
          uploadBytesPerDay: png.length * 4 + 1000,
        },
      });
    }, 60_000);
    afterAll(async () => {
      await test?.close();
      s3Client?.destroy();
      await s3?.close();
    });

    const assetsDir = () => path.join(test.dataDir, 'assets');

    /** Files of the local store, temporary ones included. */
    async function localFiles(): Promise<string[]> {
      const entries = await readdir(assetsDir(), { recursive: true, withFileTypes: true }).catch(
        () => [],
      );
      return entries
        .filter((entry) => entry.isFile() && !entry.name.startsWith('.probe'))
        .map((entry) => entry.name);
    }

    /** What is stored: object keys (local files or bucket objects), temporary files, upload rows. */
    async function stored(): Promise<{ objects: string[]; temporary: string[]; rows: number }> {
      const files = await localFiles();
      let objects = files.filter((name) => !name.endsWith('.tmp'));
      if (s3Client && s3) {
        const listed = await s3Client.send(new ListObjectsV2Command({ Bucket: s3.bucket }));
        objects = (listed.Contents ?? []).map((entry) => entry.Key ?? '');
      }
      const { rows } = await test.gateway.database.query<{ count: number }>(
        `SELECT count(*)::int AS count FROM assets WHERE purpose = 'upload'`,
      );
      return {
        objects: objects.sort(),
        temporary: files.filter((name) => name.endsWith('.tmp')),
        rows: rows[0]!.count,
      };
    }

    async function expectError(response: Response, status: number, code: string) {
      expect(response.status).toBe(status);
      expect(ErrorBody.parse(await response.json()).error.code).toBe(code);
    }

    /** Sends `declared` as Content-Length, writes `sent` of it, and resolves once written. */
    function halfSent(route: string, headers: string, sent: Buffer, declared: number) {
      const port = Number(new URL(test.url).port);
      const socket = net.connect(port, '127.0.0.1');
      socket.on('error', () => undefined);
      socket.write(
        `POST ${route} HTTP/1.1\r\nHost: 127.0.0.1\r\n${headers}Content-Length: ${declared}\r\n\r\n`,
      );
      return new Promise<net.Socket>((resolve) => socket.write(sent, () => resolve(socket)));
    }

    /**
     * Hangs up once the write has visibly begun (on disk, its temporary file), then waits until
     * the store is as it was `before`: no temporary file, no object, no row.
     */
    async function abortOnceWriting(
      raw: net.Socket,
      before: Awaited<ReturnType<typeof stored>>,
    ): Promise<void> {
      if (kind === 'local')
        await until('the temporary file', async () =>
          (await stored()).temporary.length > 0 ? true : undefined,
        );
      raw.destroy();
      await until('the store to be clean again', async () => {
        const now = await stored();
        return now.temporary.length === 0 && now.objects.length === before.objects.length
          ? now
          : undefined;
      });
      expect(await stored()).toEqual(before);
    }

    it('should store a chunked upload without Content-Length and serve the same bytes back', async () => {
      const response = await uploadChunked(png);
      expect(response.status).toBe(201);
      const asset = (await response.json()) as { id: string; bytes: number; width: number };
      expect(asset).toMatchObject({ bytes: png.length, width: 1024 });
      const served = Buffer.from(
        await (await fetch(`${test.url}/v1/assets/${asset.id}`)).arrayBuffer(),
      );
      expect(createHash('sha256').update(served).digest('hex')).toBe(
        createHash('sha256').update(png).digest('hex'),
      );
    });

    it('should answer 413 payload_too_large as soon as a chunked body passes uploads.maxBytes, storing nothing', async () => {
      const before = await stored();
      const response = await uploadChunked(tooBig);
      await expectError(response, 413, 'payload_too_large');
      expect(await stored()).toEqual(before);
    });

    it('should answer 413 for a declared Content-Length past the limit before any of the body is sent', async () => {
      const before = await stored();
      const port = Number(new URL(test.url).port);
      const socket = net.connect(port, '127.0.0.1');
      socket.write(
        `POST /api/v3/uploads HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/octet-stream\r\nContent-Length: ${tooBig.length}\r\n\r\n`,
      );
      let answer = '';
      for await (const chunk of socket) {
        answer += (chunk as Buffer).toString('latin1');
        if (answer.includes('\r\n\r\n') && answer.endsWith('}')) break;
      }
      socket.destroy();
      expect(answer).toMatch(/^HTTP\/1\.1 413 /);
      expect(answer).toContain('"code":"payload_too_large"');
      expect(await stored()).toEqual(before);
    });

    it.each(multipartRoutes)(
      'should answer 413 for a multipart file part past the limit on $path, storing nothing',
      async (route) => {
        const before = await stored();
        const form = new FormData();
        for (const [name, value] of Object.entries(route.fields)) form.append(name, value);
        form.append(route.field, new Blob([tooBig], { type: 'image/png' }), 'big.png');
        const response = await fetch(`${test.url}${route.path}`, { method: 'POST', body: form });
        await expectError(response, 413, 'payload_too_large');
        expect(await stored()).toEqual(before);
        const { rows } = await test.gateway.database.query<{ count: number }>(
          'SELECT count(*)::int AS count FROM generations',
        );
        expect(rows[0]!.count).toBe(0);
      },
    );

    it('should answer 415 for a non-image and for a PNG whose end never comes, storing nothing', async () => {
      const before = await stored();
      const text = await uploadChunked(Buffer.alloc(100 * 1024, 'not an image '));
      await expectError(text, 415, 'unsupported_media_type');
      // A real header and 1.5 MiB of data, but no IEND: streamed in full, then deleted again.
      const cutOff = await uploadChunked(png.subarray(0, png.length - 12));
      await expectError(cutOff, 415, 'unsupported_media_type');
      expect(await stored()).toEqual(before);
    });

    it('should leave no object, temporary file or row behind when the client aborts mid-body', async () => {
      const before = await stored();
      const raw = await halfSent('/v1/uploads', 'Content-Type: image/png\r\n', partial, png.length);
      // On disk the write has visibly begun (its temporary file) before the client goes away.
      await abortOnceWriting(raw, before);
    });

    it('should leave nothing behind when a multipart upload is aborted mid-file', async () => {
      const before = await stored();
      const head =
        '--cut\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n';
      const raw = await halfSent(
        '/v1/uploads',
        'Content-Type: multipart/form-data; boundary=cut\r\n',
        Buffer.concat([Buffer.from(head), partial]),
        head.length + png.length + 10,
      );
      await abortOnceWriting(raw, before);
    });

    it('should answer 503 storage_unavailable when the store cannot write, and keep nothing', async () => {
      const before = await stored();
      let restore: () => Promise<void>;
      if (s3) {
        await s3.stop();
        restore = () => s3!.start();
      } else {
        // The asset directory replaced by a file: every write under it fails (root ignores modes).
        const aside = `${assetsDir()}-aside`;
        await rename(assetsDir(), aside);
        await writeFile(assetsDir(), 'not a directory');
        restore = async () => {
          await rm(assetsDir());
          await rename(aside, assetsDir());
        };
      }
      try {
        const response = await uploadChunked(png);
        await expectError(response, 503, 'storage_unavailable');
      } finally {
        await restore();
      }
      expect(await stored()).toEqual(before);
    });

    it('should refuse with 429 and delete the file when the counted size takes the tenant past its quota', async () => {
      // Chunked: no declared length to refuse up front, so the quota is decided by the count.
      const upload = () => uploadChunked(png);
      let refused: Response | undefined;
      for (let attempt = 0; attempt < 5 && !refused; attempt++) {
        const before = await stored();
        const response = await upload();
        if (response.status === 201) continue;
        refused = response;
        await expectError(response, 429, 'upload_quota_exceeded');
        expect(await stored()).toEqual(before);
      }
      expect(refused).toBeDefined();
      const now = await stored();
      expect(now.objects).toHaveLength(now.rows);
    });
  },
);
