/**
 * @module What one doctor check answers: ok, warn (works, but look), fail (broken),
 * or skip (cannot be checked because something it needs failed), with a hint
 * saying what to do.
 */
export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skip';

export interface Check {
  /** Stable id scripts may branch on: config, data-dir, server, lock, health, mcp, store, durability, clock, clients, hooks. */
  id: string;
  status: CheckStatus;
  message: string;
  hint?: string | undefined;
}

export const check = (id: string, status: CheckStatus, message: string, hint?: string): Check => (hint === undefined ? { id, status, message } : { id, status, message, hint });
