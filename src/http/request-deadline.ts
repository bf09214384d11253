import type { FastifyInstance } from 'fastify';

/**
 * A deadline for receiving each request's body. Node's own `requestTimeout` does not end a
 * request whose headers arrived and whose body dribbles in (measured on Node 20: held for as
 * long as the client likes), so a slow or stalled body would pin a socket and its buffers
 * forever. When the deadline passes and the body is still incomplete, the client gets 408 and
 * the connection is closed; a request that was read in time, or answered without reading its
 * body, is left alone.
 */
export function installRequestDeadline(app: FastifyInstance, timeoutMs: number): void {
  app.addHook('onRequest', (request, reply, done) => {
    const incoming = request.raw;
    if (incoming.complete) return done();
    const timer = setTimeout(() => {
      if (incoming.complete || reply.raw.headersSent) return;
      reply.raw.writeHead(408, { 'content-type': 'application/json', connection: 'close' });
      reply.raw.end(
        JSON.stringify({
          error: {
            code: 'request_timeout',
            message: `The request body did not arrive within ${timeoutMs / 1000} s.`,
            details: {},
          },
        }),
      );
      incoming.socket.destroySoon();
    }, timeoutMs);
    timer.unref();
    const clear = () => clearTimeout(timer);
    incoming.once('end', clear);
    incoming.once('close', clear);
    reply.raw.once('finish', clear);
    done();
  });
}
