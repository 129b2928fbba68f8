/**
 * @module The error catalog: every code a Baton caller can see, what it means and
 * what to do about it. Transports map codes to wire statuses in
 * transports/wire-errors.ts; nothing here knows about HTTP or JSON-RPC. A hint
 * names a tool as `[[tool|fallback]]` (core/mentions.ts): a caller reads the tool
 * only where its connection offers it.
 */
import { mentioning, type OfferedTools } from './mentions.js';


/** Every error code, with the hint a caller gets when the code is raised (tool names marked up, see above). */
export const ERROR_CATALOG = {
  /** The input does not match the schema (types, missing fields, limits). */
  INVALID_INPUT: 'Fix the named field and call again.',
  /** The call needs an agent identity and none was given or known. */
  AGENT_REQUIRED: 'Call [[start_session|the tool that registers you]] first; to act as an agent already registered, pass its agent_id (or the X-Baton-Agent header).',
  /** The thing named does not exist in this project. */
  NOT_FOUND: 'Check the id and the project; list the collection to see what exists.',
  /** A lease is held by someone else and the call cannot wait or break it. */
  LEASE_HELD: 'Wait (acquire with wait_seconds), pick another resource, or ask the holder.',
  /** The lease this call refers to expired or was taken over: its fencing token is stale. */
  LEASE_LOST: 'Your lease is gone: stop writing to the protected resource and acquire again.',
  /** The caller is not the holder of the lease or claim it tries to change. */
  NOT_HOLDER: 'Only the holder can renew or release; [[list_locks|the lock list]] or [[get_task|the task record]] names the holder.',
  /** Adding these tasks would make the dependency graph cyclic. */
  TASK_CYCLE: 'Remove one of the dependencies named in details.cycle.',
  /** The task is not in a status that allows this change. */
  TASK_STATE: 'Read the task again ([[get_task|its record]]) and act on its current status.',
  /** Compare-and-set failed: the value changed since it was read. */
  VERSION_CONFLICT: 'Read the value again ([[retrieve_data|its current record]]) and retry with its current version.',
  /** A size or count limit was exceeded. */
  LIMIT_EXCEEDED: 'Send less: details.limit names the maximum.',
  /** A record with this id already exists. */
  ALREADY_EXISTS: 'Use another id, or update the existing record.',
  /** The reader's cursor is older than the retained event log. */
  EVENTS_GAP: 'Events were trimmed: re-read the current state, then continue from details.oldest_id.',
  /** The caller lacks the role or project scope for this call. */
  FORBIDDEN: 'Use a token whose role and projects allow this call.',
  /** Authentication is required and missing or wrong. */
  UNAUTHORIZED: 'Send Authorization: Bearer <token>.',
  /** The client did not send the whole request in time (a stalled or deliberately slow upload). */
  REQUEST_TIMEOUT: 'Send the headers and body without pausing; retry the call.',
  /** A request_id was sent again by the same caller for another command or with other input. */
  REQUEST_ID_REUSED: 'Use a fresh request_id for a new call; repeat an id only to retry the very same call.',
  /** Too many requests (or failed authentications) from this caller in a short time. */
  RATE_LIMITED: 'Wait details.retry_after seconds, then retry.',
  /** The thing is not in a status that allows this verb (a resolved thread, an ended intent). */
  INVALID_STATE: 'Read it again ([[list_threads|the thread]] or [[list_intents|the intent]]) and act on its current status.',
  /** The inbox cursor is older than the retained log. */
  CURSOR_EXPIRED: 'Read the inbox again without after ([[get_inbox|the inbox tool]]) to start from your oldest unread message.',
  /** A read's position (get_events, get_inbox) is beyond the end of the log (not one this server gave). */
  CURSOR_AHEAD: 'Pass the position the last read returned (next_after, cursor), or omit after.',
  /** The storage engine cannot be reached. */
  STORE_UNAVAILABLE: 'The coordinator cannot reach its store; retry shortly and check `baton status`.',
  /** An unexpected failure inside the coordinator; the cause is logged. */
  INTERNAL: 'Retry; if it persists, report it with the server log.',
} as const;

export type ErrorCode = keyof typeof ERROR_CATALOG;

export const ERROR_CODES = Object.keys(ERROR_CATALOG) as ErrorCode[];

/** The one error type of the domain. It carries no wire status: transports map `code`. */
export class CoordinationError extends Error {
  override readonly name = 'CoordinationError';
  readonly code: ErrorCode;
  readonly details: Readonly<Record<string, unknown>> | undefined;
  /** The tools of the connection the error answers (set by the hub from the call); its hint names only those. */
  private offered: OfferedTools;

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.details = details;
  }

  /** What the caller should do next, naming only tools its connection offers. */
  get hint(): string {
    return mentioning(ERROR_CATALOG[this.code], this.offered);
  }

  /** The same error, answering a connection that lists these tools (the hub's one place for it). */
  addressedTo(offered: OfferedTools): this {
    this.offered = offered;
    return this;
  }
}

export const isCoordinationError = (value: unknown): value is CoordinationError => value instanceof CoordinationError;

export const invalidInput = (message: string, details?: Record<string, unknown>): CoordinationError =>
  new CoordinationError('INVALID_INPUT', message, details);

export const notFound = (what: string, id: string, details?: Record<string, unknown>): CoordinationError =>
  new CoordinationError('NOT_FOUND', `No ${what} '${id}'.`, { [what]: id, ...details });
