import { Readable } from 'node:stream';
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { GatewayError, NotFoundError, StorageUnavailableError } from '../core/errors/index.js';
import type {
  ByteRange,
  ObjectStore,
  PresignOptions,
  PutObjectOptions,
} from '../core/object-store.js';

/** Where the bucket is and how to reach it. */
export interface S3ObjectStoreOptions {
  bucket: string;
  /** Key prefix inside the bucket (no leading or trailing slash); empty for the bucket root. */
  prefix: string;
  /** A custom endpoint (MinIO, s3rver, R2…); AWS's own when absent. */
  endpoint?: string;
  region: string;
  /** `https://endpoint/bucket/key` instead of `https://bucket.endpoint/key` (MinIO, s3rver). */
  forcePathStyle: boolean;
  /** Static credentials; the SDK's default chain (env, profile, instance role) when absent. */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Connect timeout: an unreachable store must fail a write in seconds, not minutes. */
  connectionTimeoutMs: number;
  /** Budget for one request's socket to go idle. */
  requestTimeoutMs: number;
}

/** Objects larger than this (or of unknown length) are uploaded in parts of this size. */
const partSizeBytes = 8 * 1024 * 1024;

function statusOf(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata
    ?.httpStatusCode;
}

/**
 * Objects in an S3-compatible bucket. Writes stream (`PutObject` with a known length, a
 * multipart `Upload` otherwise, so no video needs to be held whole), reads stream with
 * `Range`, and reads can be handed to clients as short-lived presigned URLs.
 */
export class S3ObjectStore implements ObjectStore {
  readonly specificationVersion = 'v1';
  readonly kind = 's3';
  private readonly client: S3Client;

  constructor(private readonly options: S3ObjectStoreOptions) {
    this.client = new S3Client({
      region: options.region,
      endpoint: options.endpoint,
      forcePathStyle: options.forcePathStyle,
      credentials: options.credentials,
      // One retry: the job engine retries the whole output step with its own backoff, and a
      // request path should fail fast enough for `/readyz` and clients to hear about it.
      maxAttempts: 2,
      requestHandler: {
        connectionTimeout: options.connectionTimeoutMs,
        requestTimeout: options.requestTimeoutMs,
      },
    });
  }

  async put(key: string, body: Buffer | Readable, options: PutObjectOptions): Promise<void> {
    const params = {
      Bucket: this.options.bucket,
      Key: this.keyOf(key),
      ContentType: options.contentType,
    };
    try {
      const bytes = Buffer.isBuffer(body) ? body.length : options.bytes;
      if (Buffer.isBuffer(body) || (bytes !== undefined && bytes <= partSizeBytes)) {
        await this.client.send(
          new PutObjectCommand({ ...params, Body: body, ContentLength: bytes }),
        );
        return;
      }
      // Unknown or large length: parts of `partSizeBytes`, two in flight; a failed upload is
      // aborted by the library, so no parts are left behind.
      await new Upload({
        client: this.client,
        params: { ...params, Body: body },
        partSize: partSizeBytes,
        queueSize: 2,
      }).done();
    } catch (error) {
      if (body instanceof Readable) body.destroy();
      throw this.failure('write', error);
    }
  }

  async get(key: string, range?: ByteRange): Promise<Readable> {
    try {
      const response = await this.client.send(
        new GetObjectCommand({
          Bucket: this.options.bucket,
          Key: this.keyOf(key),
          Range: range ? `bytes=${range.start}-${range.end}` : undefined,
        }),
      );
      // In Node the body is the response's IncomingMessage (a Readable).
      if (!(response.Body instanceof Readable)) throw new Error('the response has no body stream');
      return response.Body;
    } catch (error) {
      throw this.failure('read', error, key);
    }
  }

  async delete(keys: readonly string[]): Promise<void> {
    // DeleteObjects takes at most 1,000 keys per request.
    for (let start = 0; start < keys.length; start += 1000) {
      const batch = keys.slice(start, start + 1000);
      try {
        const response = await this.client.send(
          new DeleteObjectsCommand({
            Bucket: this.options.bucket,
            Delete: { Objects: batch.map((key) => ({ Key: this.keyOf(key) })), Quiet: true },
          }),
        );
        const failed = response.Errors?.filter((entry) => entry.Code !== 'NoSuchKey') ?? [];
        if (failed.length)
          throw new Error(`${failed.length} objects not deleted: ${failed[0]?.Code}`);
      } catch (error) {
        throw this.failure('delete', error);
      }
    }
  }

  async check(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.options.bucket }));
    } catch (error) {
      throw this.failure('bucket check', error);
    }
  }

  async presignedUrl(key: string, options: PresignOptions): Promise<string> {
    const command = new GetObjectCommand({
      Bucket: this.options.bucket,
      Key: this.keyOf(key),
      ResponseContentType: options.contentType,
      ResponseContentDisposition: options.filename
        ? `inline; filename="${options.filename}"`
        : undefined,
    });
    return getSignedUrl(this.client, command, { expiresIn: options.expiresSeconds });
  }

  /** Closes the client's sockets. */
  close(): void {
    this.client.destroy();
  }

  private keyOf(key: string): string {
    return this.options.prefix ? `${this.options.prefix}/${key}` : key;
  }

  private failure(operation: string, error: unknown, key?: string): GatewayError {
    if (error instanceof GatewayError) return error;
    if (key && (statusOf(error) === 404 || (error as Error).name === 'NoSuchKey'))
      return new NotFoundError('asset', key.split('/').pop() ?? key);
    return new StorageUnavailableError(operation, error);
  }
}
