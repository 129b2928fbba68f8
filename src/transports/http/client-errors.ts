/**
 * @module Answers for requests that never reach a route: those Node's HTTP parser
 * refuses (malformed framing, bad header bytes, oversized headers) and those that
 * did not arrive within the request timeout. Each gets the typed JSON error body,
 * written raw on the socket, which is then closed.
 */
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { CoordinationError } from '../../core/errors.js';
import { wireError } from '../wire-errors.js';

interface ParserError extends Error {
  code?: string;
  /** llhttp's reason, e.g. "Duplicate Content-Length". */
  reason?: unknown;
}

function describe(error: ParserError, requestTimeoutMs: number): { status: number; error: CoordinationError } {
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    const seconds = requestTimeoutMs / 1000;
    return { status: 408, error: new CoordinationError('REQUEST_TIMEOUT', `The request did not arrive within ${seconds} s; send its headers and body without pausing.`, { timeout_seconds: seconds }) };
  }
  if (error.code === 'HPE_HEADER_OVERFLOW') {
    return { status: 431, error: new CoordinationError('LIMIT_EXCEEDED', 'The request headers are too large.', { field: 'headers', limit: 'maxHeaderSize' }) };
  }
  const reason = typeof error.reason === 'string' ? error.reason : error.message.replace(/^Parse Error: /, '');
  return { status: 400, error: new CoordinationError('INVALID_INPUT', `The request is malformed HTTP: ${reason}.`, { field: 'http', parser_code: error.code ?? null }) };
}

/** The http server's clientError handler (through Fastify's clientErrorHandler option). */
export function createClientErrorHandler(requestTimeoutMs: number): (error: ParserError, socket: Socket) => void {
  return (error, socket) => {
    // A reset connection has nobody left to answer.
    if (error.code === 'ECONNRESET' || socket.destroyed || !socket.writable) {
      socket.destroy();
      return;
    }
    const { status, error: typed } = describe(error, requestTimeoutMs);
    const body = JSON.stringify(wireError(typed));
    const head = [`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}`, 'content-type: application/json; charset=utf-8', `content-length: ${Buffer.byteLength(body)}`, 'connection: close'];
    // Flush the answer, then drop the connection: a client trickling a body must not keep it.
    socket.end(`${head.join('\r\n')}\r\n\r\n${body}`, () => socket.destroy());
  };
}
