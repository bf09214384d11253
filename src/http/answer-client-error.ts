import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { ErrorBody } from './error-handler.js';

/** What Node's HTTP parser refuses before Fastify sees a request, as status and stable code. */
function classify(code: string | undefined): { status: number; code: string; message: string } {
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT')
    return { status: 408, code: 'request_timeout', message: 'The request did not arrive in time.' };
  if (code === 'HPE_HEADER_OVERFLOW')
    return {
      status: 431,
      code: 'headers_too_large',
      message: 'The request headers are too large.',
    };
  return {
    status: 400,
    code: 'invalid_request',
    message: 'The request is not valid HTTP (for example a malformed Content-Length).',
  };
}

/**
 * Fastify's `clientErrorHandler`: a request Node's parser refused (a bad Content-Length, a body
 * longer than declared, headers too large, a body that never arrived) answered in the one error
 * body, as Fastify's default does in its own shape, and the connection closed (found by fuzzing).
 */
export function answerClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  // A reset connection has nobody left to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const { status, code, message } = classify(error.code);
  const body = JSON.stringify({
    error: { code, message, type: 'invalid_request_error' },
  } satisfies ErrorBody);
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}
