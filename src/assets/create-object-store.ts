import path from 'node:path';
import type { Config } from '../config/config-schema.js';
import { parseAssetStoreLocation } from '../config/storage-config-schema.js';
import type { ObjectStore } from '../core/object-store.js';
import { LocalObjectStore } from './local-object-store.js';
import { S3ObjectStore } from './s3-object-store.js';

/** The object store `storage.assetStore` names: `<dataDir>/assets`, or a bucket. */
export function createObjectStore(config: Config): ObjectStore & { close?(): void } {
  const parsed = parseAssetStoreLocation(config.storage.assetStore);
  // The schema refused anything else already; this keeps the type narrow.
  if ('problem' in parsed) throw new Error(`storage.assetStore: ${parsed.problem}`);
  const { location } = parsed;
  if (location.kind === 'local')
    return new LocalObjectStore(path.resolve(config.dataDir, 'assets'));
  const { s3 } = config.storage;
  return new S3ObjectStore({
    bucket: location.bucket,
    prefix: location.prefix,
    endpoint: s3.endpoint,
    region: s3.region,
    forcePathStyle: s3.forcePathStyle ?? s3.endpoint !== undefined,
    credentials:
      s3.accessKeyId && s3.secretAccessKey
        ? {
            accessKeyId: s3.accessKeyId,
            secretAccessKey: s3.secretAccessKey,
            sessionToken: s3.sessionToken,
          }
        : undefined,
    connectionTimeoutMs: s3.connectionTimeoutMs,
    requestTimeoutMs: s3.requestTimeoutMs,
  });
}
