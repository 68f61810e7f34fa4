import type { Socket } from 'node:net';
import type { ErrorBody } from './http-errors.js';

interface ClientError extends Error {
  code?: string;
}

function answer(err: ClientError): { status: number; reason: string; body: ErrorBody } {
  if (err.code === 'HPE_HEADER_OVERFLOW') {
    return {
      status: 431,
      reason: 'Request Header Fields Too Large',
      body: { faultstring: 'The request headers are larger than the limit of 16 KiB', code: 'SQ_HEADERS_TOO_LARGE' },
    };
  }
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return {
      status: 408,
      reason: 'Request Timeout',
      body: { faultstring: 'The request did not arrive in time', code: 'SQ_REQUEST_TIMEOUT' },
    };
  }
  return {
    status: 400,
    reason: 'Bad Request',
    body: { faultstring: 'The request is not valid HTTP', code: 'SQ_BAD_REQUEST' },
  };
}

/**
 * Answers requests Node's HTTP parser refuses before fastify sees them (headers too large, a
 * malformed request line) with the API's `{faultstring, code}` body rather than fastify's own shape.
 */
export function clientErrorHandler(err: ClientError, socket: Socket): void {
  // A reset connection has nobody left to answer.
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  if (socket.writable) {
    const { status, reason, body } = answer(err);
    const text = JSON.stringify(body);
    socket.write(
      `HTTP/1.1 ${status} ${reason}\r\nContent-Length: ${Buffer.byteLength(text)}\r\nContent-Type: application/json; charset=utf-8\r\nConnection: close\r\n\r\n${text}`,
    );
  }
  socket.destroy(err);
}
