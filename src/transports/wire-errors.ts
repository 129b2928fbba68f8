/**
 * @module The only place that knows how errors look on the wire: each catalog code
 * mapped to an HTTP status, and the JSON error body every surface sends. Unknown
 * errors become INTERNAL (the cause is logged by the caller), never a client fault.
 */
import { CoordinationError, isCoordinationError, type ErrorCode } from '../core/errors.js';

export const HTTP_STATUS: Record<ErrorCode, number> = {
  INVALID_INPUT: 400,
  AGENT_REQUIRED: 400,
  NOT_FOUND: 404,
  LEASE_HELD: 409,
  LEASE_LOST: 409,
  NOT_HOLDER: 409,
  TASK_CYCLE: 400,
  TASK_STATE: 409,
  VERSION_CONFLICT: 409,
  LIMIT_EXCEEDED: 413,
  ALREADY_EXISTS: 409,
  EVENTS_GAP: 410,
  FORBIDDEN: 403,
  UNAUTHORIZED: 401,
  REQUEST_ID_REUSED: 409,
  REQUEST_TIMEOUT: 408,
  RATE_LIMITED: 429,
  INVALID_STATE: 409,
  CURSOR_EXPIRED: 410,
  CURSOR_AHEAD: 400,
  STORE_UNAVAILABLE: 503,
  INTERNAL: 500,
};

export interface WireError {
  error: { code: ErrorCode; message: string; hint: string; details?: Readonly<Record<string, unknown>> };
}

/** Any thrown value as a CoordinationError (INTERNAL when it is not one). */
export function toCoordinationError(error: unknown): CoordinationError {
  if (isCoordinationError(error)) return error;
  return new CoordinationError('INTERNAL', 'The coordinator failed unexpectedly.', undefined, { cause: error });
}

export function wireError(error: CoordinationError): WireError {
  return {
    error: {
      code: error.code,
      message: error.message,
      hint: error.hint,
      ...(error.details ? { details: error.details } : {}),
    },
  };
}

/**
 * JSON-RPC error codes for the few MCP requests that fail as protocol errors
 * (resources/read, prompts/get). Tool calls never do: their failures are tool
 * results with isError (see transports/mcp/tools.ts), carrying the catalog code.
 */
const JSONRPC_CODE: Record<ErrorCode, number> = {
  INVALID_INPUT: -32602,
  AGENT_REQUIRED: -32602,
  NOT_FOUND: -32002,
  LEASE_HELD: -32000,
  LEASE_LOST: -32000,
  NOT_HOLDER: -32000,
  TASK_CYCLE: -32602,
  TASK_STATE: -32000,
  VERSION_CONFLICT: -32000,
  LIMIT_EXCEEDED: -32602,
  ALREADY_EXISTS: -32000,
  EVENTS_GAP: -32000,
  FORBIDDEN: -32000,
  UNAUTHORIZED: -32000,
  REQUEST_ID_REUSED: -32602,
  REQUEST_TIMEOUT: -32000,
  RATE_LIMITED: -32000,
  INVALID_STATE: -32000,
  CURSOR_EXPIRED: -32000,
  CURSOR_AHEAD: -32602,
  STORE_UNAVAILABLE: -32603,
  INTERNAL: -32603,
};

/** A JSON-RPC error object for a CoordinationError: the message with what to do, and the typed body as data. */
export function jsonRpcError(error: CoordinationError): { code: number; message: string; data: WireError['error'] } {
  const body = wireError(error).error;
  return { code: JSONRPC_CODE[error.code], message: `${error.code}: ${error.message} ${body.hint}`, data: body };
}
