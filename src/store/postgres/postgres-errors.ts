/**
 * @module Turns pg driver failures into the domain's errors: a store that cannot
 * be reached is STORE_UNAVAILABLE (the cause kept for the log), text PostgreSQL
 * cannot store is INVALID_INPUT, anything else unexpected is INTERNAL. Raw pg
 * errors never reach callers.
 */
import { CoordinationError, isCoordinationError } from '../../core/errors.js';

// Socket-level failures reported by node's net/dns layers.
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL']);
// The server ended or refused the session (shutdown, killed backend, starting up).
const SESSION_STATES = new Set(['57P01', '57P02', '57P03']);
// The server is there but cannot serve us now: too many connections, no such
// database, authentication, or a statement (a lock wait) that timed out.
const BUSY_STATES = new Set(['53300', '53400', '3D000', '28000', '28P01', '57014', '55P03']);
// pg raises these as plain Errors without a code.
const LOST_MESSAGES = /connection terminated|timeout exceeded when trying to connect|connection error|client was closed|cannot use a pool after calling end|not queryable/i;

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Whether the connection itself failed (nothing more can run on it). */
export function isConnectionLost(error: unknown): boolean {
  if (error instanceof AggregateError && error.errors.some(isConnectionLost)) return true;
  const code = codeOf(error);
  if (code !== undefined && (SOCKET_CODES.has(code) || SESSION_STATES.has(code) || code.startsWith('08'))) return true;
  return error instanceof Error && LOST_MESSAGES.test(error.message);
}

/** Whether `error` says the database cannot serve us (as opposed to a failing statement). */
function isUnavailable(error: unknown): boolean {
  const code = codeOf(error);
  return isConnectionLost(error) || (code !== undefined && BUSY_STATES.has(code));
}

export function translatePgError(error: unknown): CoordinationError {
  if (isCoordinationError(error)) return error;
  if (isUnavailable(error)) {
    const code = codeOf(error);
    return new CoordinationError('STORE_UNAVAILABLE', `The PostgreSQL store cannot be reached${code ? ` (${code})` : ''}.`, undefined, { cause: error });
  }
  const code = codeOf(error);
  if (code === '22021' || code === '22P05') {
    return new CoordinationError('INVALID_INPUT', 'The text cannot be stored: PostgreSQL refuses NUL characters and invalid UTF-8.', undefined, { cause: error });
  }
  return new CoordinationError('INTERNAL', 'The PostgreSQL store failed.', undefined, { cause: error });
}
