import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import S3rver from 's3rver';
import type { ConfigInput } from '../../src/config/config-schema.js';

/**
 * A real S3-protocol server (s3rver) on a loopback port with its own temp directory and one
 * bucket. `stop()` cuts it off (open connections too) and `start()` brings it back on the same
 * port with the same objects, to play a store that goes down and recovers.
 */
export interface S3TestServer {
  /** `http://127.0.0.1:<port>`. */
  endpoint: string;
  bucket: string;
  /** The gateway's `storage` config for this server (`s3://bucket/prefix`, path style). */
  storageConfig(prefix?: string): NonNullable<ConfigInput['storage']>;
  /** The same as environment variables, for a gateway subprocess (`startGatewayProcess`). */
  env(prefix?: string): Record<string, string>;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops and removes the directory. */
  close(): Promise<void>;
}

export async function startS3TestServer(bucket = 'switchyard-test'): Promise<S3TestServer> {
  const directory = await mkdtemp(path.join(os.tmpdir(), 'switchyard-s3rver-'));
  let port = 0;
  let server: S3rver | undefined;
  const start = async () => {
    server = new S3rver({
      address: '127.0.0.1',
      port,
      silent: true,
      directory,
      configureBuckets: [{ name: bucket }],
    });
    port = (await server.run()).port;
  };
  const stop = async () => {
    const running = server;
    server = undefined;
    if (!running) return;
    running.httpServer.closeAllConnections();
    await running.close();
  };
  await start();
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    bucket,
    // Every output goes to the bucket: these tests are about it, and the simulator's small
    // outputs would otherwise stay in their rows (ADR 0028).
    storageConfig: (prefix = 'assets') => ({
      assetStore: `s3://${bucket}/${prefix}`,
      inlineMaxBytes: 0,
      s3: {
        endpoint,
        region: 'us-east-1',
        forcePathStyle: true,
        // s3rver's fixed credentials.
        accessKeyId: 'S3RVER',
        secretAccessKey: 'S3RVER',
        connectionTimeoutMs: 500,
        requestTimeoutMs: 5000,
      },
    }),
    env: (prefix = 'assets') => ({
      SWITCHYARD_ASSET_STORE: `s3://${bucket}/${prefix}`,
      AWS_ENDPOINT_URL_S3: endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
      SWITCHYARD_S3_PATH_STYLE: 'true',
      SWITCHYARD_INLINE_MAX_BYTES: '0',
    }),
    stop,
    start,
    async close() {
      await stop();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
