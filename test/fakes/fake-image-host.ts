import { once } from 'node:events';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { crc32 } from 'node:zlib';

/** How one path of a {@link FakeImageHost} answers. */
export interface ImageHostRoute {
  /** The bytes sent. */
  body: Buffer;
  /** Sent as Content-Length; otherwise chunked, so only counting the body finds the size. */
  declareLength?: boolean;
  /** After this many bytes the server stops sending and holds the connection open. */
  stallAfter?: number;
}

/** What the host saw of one path. */
export interface ImageHostLog {
  hits: number;
  /** Answers whose client closed the connection before the whole body was written. */
  closedEarly: number;
  /** Answers written to the end. */
  completed: number;
}

const chunkBytes = 64 * 1024;

/**
 * A loopback web server hosting client input images, writing bodies in 64 KiB chunks with
 * backpressure, so a test can tell a client that stopped reading early from one that took
 * everything.
 */
export class FakeImageHost {
  private readonly logs = new Map<string, ImageHostLog>();
  private readonly open = new Set<ServerResponse>();

  private constructor(
    private readonly server: Server,
    /** `http://127.0.0.1:PORT` */
    readonly url: string,
  ) {}

  static async start(routes: Record<string, ImageHostRoute>): Promise<FakeImageHost> {
    const holder: { host?: FakeImageHost } = {};
    const server = createServer((request, response) => {
      const path = new URL(request.url ?? '/', 'http://host').pathname;
      const route = routes[path];
      if (!route) {
        response.writeHead(404).end();
        return;
      }
      void holder.host!.serve(path, route, response);
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    holder.host = new FakeImageHost(server, `http://127.0.0.1:${port}`);
    return holder.host;
  }

  /** What was seen of `path` (zeros when it was never asked for). */
  log(path: string): ImageHostLog {
    return this.logs.get(path) ?? { hits: 0, closedEarly: 0, completed: 0 };
  }

  /** Resolves once an answer of `path` has ended one way or the other. */
  async settled(path: string): Promise<ImageHostLog> {
    for (;;) {
      const log = this.log(path);
      if (log.hits > 0 && log.closedEarly + log.completed >= log.hits) return log;
      await once(this.server, 'answer-settled');
    }
  }

  async close(): Promise<void> {
    for (const response of this.open) response.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async serve(path: string, route: ImageHostRoute, response: ServerResponse) {
    const log = this.log(path);
    log.hits++;
    this.logs.set(path, log);
    this.open.add(response);
    let closed = false;
    response.once('close', () => {
      closed = true;
    });
    response.writeHead(200, {
      'content-type': 'image/png',
      ...(route.declareLength ? { 'content-length': String(route.body.length) } : {}),
    });
    const end = Math.min(route.stallAfter ?? route.body.length, route.body.length);
    for (let offset = 0; offset < end && !closed; offset += chunkBytes) {
      const more = response.write(route.body.subarray(offset, Math.min(offset + chunkBytes, end)));
      if (!more && !closed) await drainedOrClosed(response);
    }
    if (route.stallAfter === undefined && !closed) {
      response.end();
      await once(response, 'finish');
      log.completed++;
    } else {
      if (!closed) await once(response, 'close');
      log.closedEarly++;
    }
    this.open.delete(response);
    this.server.emit('answer-settled');
  }
}

/** Waits for room in the socket or for the client to go, leaving no listener behind. */
function drainedOrClosed(response: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      response.off('drain', done).off('close', done);
      resolve();
    };
    response.on('drain', done).on('close', done);
  });
}

/**
 * A real PNG grown to `totalBytes` with a private ancillary chunk (`ruBy`, which decoders skip)
 * between its header and its pixels: still a complete, valid image, as large as a test needs.
 */
export function paddedPng(png: Buffer, totalBytes: number): Buffer {
  const headerEnd = 8 + 25; // signature, then the IHDR chunk
  const dataBytes = Math.max(0, totalBytes - png.length - 12);
  const chunk = Buffer.alloc(12 + dataBytes);
  chunk.writeUInt32BE(dataBytes, 0);
  chunk.write('ruBy', 4, 'latin1');
  chunk.writeUInt32BE(crc32(chunk.subarray(4, 8 + dataBytes)), 8 + dataBytes);
  return Buffer.concat([png.subarray(0, headerEnd), chunk, png.subarray(headerEnd)]);
}
