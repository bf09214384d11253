import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobBody } from '../helpers/api-schemas.js';
import { postJson } from '../helpers/http-client.js';
import { backends } from '../helpers/test-database.js';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.js';
import { filesUnder } from '../helpers/files-under.js';

describe.each(backends)('small outputs kept in their rows (ADR 0028) on %s', (backend) => {
  let inline: TestGateway;
  let inFiles: TestGateway;
  beforeAll(async () => {
    inline = await startTestGateway(backend);
    inFiles = await startTestGateway(backend, { storage: { inlineMaxBytes: 0 } });
  }, 60_000);
  afterAll(async () => {
    await inline?.close();
    await inFiles?.close();
  });

  const generate = async (gateway: TestGateway) => {
    const created = await postJson(`${gateway.url}/v1/generations?wait=30`, {
      model: 'sim-image',
      prompt: 'a lighthouse at dusk',
      width: 64,
      height: 64,
      seed: 7,
    });
    expect(created.status).toBe(200);
    const job = JobBody.parse(created.body);
    expect(job.status).toBe('succeeded');
    const answer = await fetch(job.outputs[0]!.url);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('image/png');
    return Buffer.from(await answer.arrayBuffer());
  };

  it('should answer a synchronous job with an output no file holds, the same bytes as a file would', async () => {
    const fromRow = await generate(inline);
    expect(await filesUnder(path.join(inline.dataDir, 'assets'))).toEqual([]);
    const fromFile = await generate(inFiles);
    expect(await filesUnder(path.join(inFiles.dataDir, 'assets'))).toHaveLength(1);
    // The simulator is deterministic: same prompt, seed and size, same image.
    expect(fromRow.equals(fromFile)).toBe(true);
    expect(fromRow.subarray(1, 4).toString()).toBe('PNG');
  }, 60_000);
});
