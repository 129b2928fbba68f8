/**
 * @module Turns pg driver failures into the domain's errors: a store that cannot
 * be reached is STORE_UNAVAILABLE (the cause kept for the log); a server that is
 * reached but short of a resource (disk, memory, I/O, a read-only transaction)
 * is STORE_UNAVAILABLE too, with a reason and what to do, as on SQLite; text
 * PostgreSQL cannot store is INVALID_INPUT; anything else unexpected is
 * INTERNAL. Raw pg errors never reach callers.
 */
import { CoordinationError, isCoordinationError } from '../../core/errors.js';

// Socket-level failures reported by node's net/dns layers.
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL']);
// The server ended or refused the session (shutdown, killed backend, starting up).
const SESSION_STATES = new Set(['57P01', '57P02', '57P03']);
// The server is there but cannot serve us now: no such database, authentication,
// or a statement (a lock wait) that timed out.
const BUSY_STATES = new Set(['3D000', '28000', '28P01', '57014', '55P03']);
// pg raises these as plain Errors without a code.
const LOST_MESSAGES = /connection terminated|timeout exceeded when trying to connect|connection error|client was closed|cannot use a pool after calling end|not queryable/i;

interface ResourceFault {
  reason: string;
  /** What went wrong and what to do, for the message. */
  says: string;
}

/** SQLSTATEs of a server short of a resource (classes 53 and 58, and a read-only transaction), by code. */
const RESOURCE_STATES: Record<string, ResourceFault> = {
  '53100': { reason: 'disk_full', says: 'PostgreSQL has no disk space left: free space on its data volume, then retry. Nothing was written' },
  '53200': { reason: 'out_of_memory', says: 'PostgreSQL ran out of memory: lower its load or raise its memory, then retry. Nothing was written' },
  '53300': { reason: 'too_many_connections', says: 'PostgreSQL refuses more connections: raise max_connections or close idle clients, then retry' },
  '53400': { reason: 'configuration_limit', says: 'PostgreSQL hit a configured limit: check its log for the setting, then retry' },
  '58030': { reason: 'io_error', says: 'PostgreSQL failed to read or write its files: check its disk and its log, then retry' },
  '25006': { reason: 'read_only', says: 'PostgreSQL accepts only reads (a standby, or default_transaction_read_only): point Baton at the primary or make it writable, then retry' },
};
/** The rest of a class, by its first two characters. */
const RESOURCE_CLASSES: Record<string, ResourceFault> = {
  '53': { reason: 'insufficient_resources', says: 'PostgreSQL is short of a resource: check its log, then retry' },
  '58': { reason: 'system_error', says: 'PostgreSQL hit a system error outside the database: check its log and its disk, then retry' },
};

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
function isUnreachable(error: unknown): boolean {
  const code = codeOf(error);
  return isConnectionLost(error) || (code !== undefined && BUSY_STATES.has(code));
}

function resourceFault(code: string | undefined): ResourceFault | undefined {
  if (code === undefined || code.length !== 5) return undefined;
  return RESOURCE_STATES[code] ?? RESOURCE_CLASSES[code.slice(0, 2)];
}

export function translatePgError(error: unknown): CoordinationError {
  if (isCoordinationError(error)) return error;
  const code = codeOf(error);
  if (isUnreachable(error)) {
    return new CoordinationError('STORE_UNAVAILABLE', `The PostgreSQL store cannot be reached${code ? ` (${code})` : ''}.`, undefined, { cause: error });
  }
  const fault = resourceFault(code);
  if (fault !== undefined) {
    return new CoordinationError('STORE_UNAVAILABLE', `${fault.says} (SQLSTATE ${code}).`, { engine: 'postgres', reason: fault.reason, sqlstate: code }, { cause: error });
  }
  if (code === '22021' || code === '22P05') {
    return new CoordinationError('INVALID_INPUT', 'The text cannot be stored: PostgreSQL refuses NUL characters and invalid UTF-8.', undefined, { cause: error });
  }
  return new CoordinationError('INTERNAL', 'The PostgreSQL store failed.', undefined, { cause: error });
}
