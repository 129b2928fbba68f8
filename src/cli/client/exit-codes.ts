/**
 * @module The exit codes of every `baton` client command and of `baton run`, the
 * one list scripts branch on (README, "Shell scripts and CI", documents it). The
 * high codes follow sysexits.h where one fits, so they do not collide with the
 * 1 and 2 most tools use, nor with 128+N (killed by signal N).
 */
export const EXIT = {
  /** Done. */
  OK: 0,
  /** The server refused the call for a reason not listed below (its error code and hint are printed). */
  FAILED: 1,
  /** Bad flags or arguments, or input the server refused as invalid (INVALID_INPUT, TASK_CYCLE, LIMIT_EXCEEDED). */
  USAGE: 2,
  /** The thing named does not exist (NOT_FOUND). */
  NOT_FOUND: 3,
  /** The token is missing, unknown or lacks the role or project (UNAUTHORIZED, FORBIDDEN). */
  DENIED: 4,
  /** A conflicting change: not the holder, wrong task status, version changed, id taken. */
  CONFLICT: 5,
  /** No server answers at the URL (or none runs for the data directory). EX_UNAVAILABLE. */
  UNREACHABLE: 69,
  /** Busy and not waiting: the lock, slot or files are held and --wait ran out (or was 0). EX_TEMPFAIL. */
  BUSY: 75,
  /** `baton run`: a lease was lost while the command ran, so it was stopped. */
  LEASE_LOST: 76,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
