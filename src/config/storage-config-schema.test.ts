import { describe, expect, it } from 'vitest';
import { loadConfig } from './load-config.js';

describe('storage configuration from the environment', () => {
  it('should stop start-up naming SWITCHYARD_ASSET_STORE when its scheme is unknown', async () => {
    await expect(loadConfig({ SWITCHYARD_ASSET_STORE: 'ftp://bucket/prefix' })).rejects.toThrow(
      /SWITCHYARD_ASSET_STORE: unsupported scheme 'ftp:'/,
    );
    await expect(loadConfig({ SWITCHYARD_ASSET_STORE: 's3://A_bad_bucket' })).rejects.toThrow(
      /SWITCHYARD_ASSET_STORE: 's3:\/\/A_bad_bucket' is not/,
    );
  });

  it('should take the bucket from SWITCHYARD_ASSET_STORE and the rest from the AWS variables', async () => {
    const config = await loadConfig({
      SWITCHYARD_ASSET_STORE: 's3://media-bucket/switchyard/',
      AWS_ENDPOINT_URL: 'http://127.0.0.1:9000',
      AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:9001',
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'key-id',
      AWS_SECRET_ACCESS_KEY: 'secret',
      SWITCHYARD_S3_PATH_STYLE: 'true',
    });
    expect(config.storage.assetStore).toBe('s3://media-bucket/switchyard/');
    expect(config.storage.s3).toMatchObject({
      endpoint: 'http://127.0.0.1:9001',
      region: 'eu-west-1',
      accessKeyId: 'key-id',
      secretAccessKey: 'secret',
      forcePathStyle: true,
      presignedRedirects: false,
    });
  });

  it('should default to the local disk with retention and quotas off', async () => {
    const config = await loadConfig({});
    expect(config.storage.assetStore).toBe('local');
    expect(config.storage.retention).toMatchObject({ intervalSeconds: 3600 });
    expect(config.storage.retention.outputsDays).toBeUndefined();
    expect(config.storage.uploadBytesPerDay).toBeUndefined();
  });

  it('should take the free-disk floor from SWITCHYARD_MIN_FREE_DISK_MB, 512 MiB by default', async () => {
    expect((await loadConfig({})).storage.minFreeDiskMb).toBe(512);
    expect((await loadConfig({ SWITCHYARD_MIN_FREE_DISK_MB: '0' })).storage.minFreeDiskMb).toBe(0);
    expect((await loadConfig({ SWITCHYARD_MIN_FREE_DISK_MB: '64' })).storage.minFreeDiskMb).toBe(
      64,
    );
    await expect(loadConfig({ SWITCHYARD_MIN_FREE_DISK_MB: 'lots' })).rejects.toThrow(
      /SWITCHYARD_MIN_FREE_DISK_MB: use a number of MiB, 0 or more \('lots'\)/,
    );
    await expect(loadConfig({ SWITCHYARD_MIN_FREE_DISK_MB: '-1' })).rejects.toThrow(
      /SWITCHYARD_MIN_FREE_DISK_MB/,
    );
  });

  it('should keep outputs up to 16 KiB in their row by default, SWITCHYARD_INLINE_MAX_BYTES to change it', async () => {
    expect((await loadConfig({})).storage.inlineMaxBytes).toBe(16_384);
    expect((await loadConfig({ SWITCHYARD_INLINE_MAX_BYTES: '0' })).storage.inlineMaxBytes).toBe(0);
    expect(
      (await loadConfig({ SWITCHYARD_INLINE_MAX_BYTES: '65536' })).storage.inlineMaxBytes,
    ).toBe(65_536);
    await expect(loadConfig({ SWITCHYARD_INLINE_MAX_BYTES: '16k' })).rejects.toThrow(
      /SWITCHYARD_INLINE_MAX_BYTES: use a whole number of bytes from 0 to 1048576 \('16k'\)/,
    );
    await expect(loadConfig({ SWITCHYARD_INLINE_MAX_BYTES: '2000000' })).rejects.toThrow(
      /SWITCHYARD_INLINE_MAX_BYTES/,
    );
  });
});
