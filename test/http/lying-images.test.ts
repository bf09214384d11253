import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crc32 } from 'node:zlib';
import { fakePng } from '../fakes/fake-media.js';
import { ErrorBody } from '../helpers/api-schemas.js';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.js';

/** The PNG with its IHDR width and height replaced, the chunk CRC fixed up or not. */
function withDeclaredSize(png: Buffer, width: number, height: number, fixCrc: boolean): Buffer {
  const copy = Buffer.from(png);
  copy.writeUInt32BE(width, 16);
  copy.writeUInt32BE(height, 20);
  if (fixCrc) copy.writeUInt32BE(crc32(copy.subarray(12, 29)), 29);
  return copy;
}

describe('images whose header lies about their size', () => {
  let test: TestGateway;
  let png: Buffer;
  beforeAll(async () => {
    test = await startTestGateway('pglite');
    png = await fakePng();
  });
  afterAll(async () => {
    await test?.close();
  });

  const upload = (bytes: Buffer) =>
    fetch(`${test.url}/v1/uploads`, {
      method: 'POST',
      headers: { 'content-type': 'image/png' },
      body: new Uint8Array(bytes),
    });

  it('should refuse a PNG whose IHDR was edited without its CRC', async () => {
    const response = await upload(withDeclaredSize(png, 4000, 4000, false));
    expect(response.status).toBe(415);
    expect(ErrorBody.parse(await response.json()).error.code).toBe('unsupported_media_type');
  });

  it('should refuse a PNG that declares more pixels than any provider takes', async () => {
    const response = await upload(withDeclaredSize(png, 60_000, 60_000, true));
    expect(response.status).toBe(415);
    expect(ErrorBody.parse(await response.json()).error.code).toBe('unsupported_media_type');
  });

  it('should still take the honest PNG', async () => {
    expect((await upload(png)).status).toBe(201);
  });
});
