/**
 * @module What a client command can fail with, each with what to do and the exit
 * code scripts branch on: the server's typed error (its catalog code, message and
 * hint, as on every surface), no server answering, a usage mistake, busy, or a
 * repository `baton depmap` cannot analyse (import-graph/errors.ts).
 */
import { ImportGraphError } from '../../import-graph/errors.js';
import { EXIT, type ExitCode } from './exit-codes.js';

/** The server answered with its typed error body. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly code: string;
  readonly hint: string;
  readonly status: number;
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(code: string, message: string, hint: string, status: number, details?: Readonly<Record<string, unknown>>) {
    super(message);
    this.code = code;
    this.hint = hint;
    this.status = status;
    this.details = details;
  }
}

/** No server answered (refused, reset, timed out, or none is recorded for the data directory). */
export class UnreachableError extends Error {
  override readonly name = 'UnreachableError';
  readonly hint: string;

  constructor(message: string, hint: string, options?: { cause?: unknown }) {
    super(message, options);
    this.hint = hint;
  }
}

/** The command line itself is wrong (caught before any call). */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  readonly hint: string;

  constructor(message: string, hint = 'See `baton help <command>`.') {
    super(message);
    this.hint = hint;
  }
}

/** A lease is held by someone else and the command was not to wait (longer). */
export class BusyError extends Error {
  override readonly name = 'BusyError';
  readonly hint: string;
  readonly answer: Readonly<Record<string, unknown>> | undefined;

  constructor(message: string, hint: string, answer?: Readonly<Record<string, unknown>>) {
    super(message);
    this.hint = hint;
    this.answer = answer;
  }
}

const BY_CODE: Readonly<Record<string, ExitCode>> = {
  INVALID_INPUT: EXIT.USAGE,
  AGENT_REQUIRED: EXIT.USAGE,
  TASK_CYCLE: EXIT.USAGE,
  LIMIT_EXCEEDED: EXIT.USAGE,
  REQUEST_ID_REUSED: EXIT.USAGE,
  NOT_FOUND: EXIT.NOT_FOUND,
  UNAUTHORIZED: EXIT.DENIED,
  FORBIDDEN: EXIT.DENIED,
  NOT_HOLDER: EXIT.CONFLICT,
  TASK_STATE: EXIT.CONFLICT,
  VERSION_CONFLICT: EXIT.CONFLICT,
  ALREADY_EXISTS: EXIT.CONFLICT,
  LEASE_HELD: EXIT.BUSY,
  LEASE_LOST: EXIT.LEASE_LOST,
  STORE_UNAVAILABLE: EXIT.UNREACHABLE,
};

/** The exit code for any error a command throws. */
export function exitCodeOf(error: unknown): ExitCode {
  if (error instanceof ApiError) return BY_CODE[error.code] ?? EXIT.FAILED;
  if (error instanceof UnreachableError) return EXIT.UNREACHABLE;
  if (error instanceof UsageError) return EXIT.USAGE;
  if (error instanceof BusyError) return EXIT.BUSY;
  // A directory, file set or config the user can fix is a usage mistake; a missing tool is not.
  if (error instanceof ImportGraphError) return error.code === 'TYPESCRIPT_MISSING' || error.code === 'GIT_FAILED' ? EXIT.FAILED : EXIT.USAGE;
  return EXIT.FAILED;
}

/** The error's code as the --json error body names it. */
export function errorCodeOf(error: unknown): string {
  if (error instanceof ApiError) return error.code;
  if (error instanceof UnreachableError) return 'UNREACHABLE';
  if (error instanceof UsageError) return 'USAGE';
  if (error instanceof BusyError) return 'BUSY';
  if (error instanceof ImportGraphError) return error.code;
  return 'FAILED';
}

/** What to do about an error, when it says. */
export function hintOf(error: unknown): string | undefined {
  if (error instanceof ApiError || error instanceof UnreachableError || error instanceof UsageError || error instanceof BusyError || error instanceof ImportGraphError) return error.hint;
  return undefined;
}
