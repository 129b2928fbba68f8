/**
 * @module An intent is a lease on "what I am about to change": an owner, an
 * expiry, a state. One live intent per (agent, key): re-announcing the same key
 * supersedes the old one. Renewed by announce, renew or an edit of one of its
 * target files, never by a bare heartbeat; withdrawn on sign-off or abandonment;
 * done when its task completes; expired at its TTL.
 */
import type { Doc } from './doc.js';
import { pathsMeet } from './paths.js';

export type IntentStatus = 'active' | 'withdrawn' | 'done' | 'expired' | 'superseded';

export const INTENT_DEFAULT_TTL_MS = 30 * 60_000;
export const INTENT_MAX_TTL_MS = 8 * 60 * 60_000;

export interface IntentBody {
  description: string;
  targets: string[];
  depends: string[];
  modules: string[];
  symbols: string[];
  taskId: string | null;
  key: string | null;
  ttlMs: number;
  createdAt: number;
  renewedAt: number;
  /** Id of its intent.announced event: it is scored at this position of the log. */
  seq: number;
  verdict: string | null;
  threadId: string | null;
}

export type IntentDoc = Doc<IntentBody>;

export const isActiveIntent = (d: Doc, now: number): boolean => d.kind === 'intent' && d.status === 'active' && (d.expiresAt === null || d.expiresAt > now);

/** Whether an edit of `file` touches this intent's targets (and so renews it). */
export const intentCovers = (d: IntentDoc, file: string): boolean => d.body.targets.some((t) => pathsMeet(t, file));

/** The intent renewed at `now` for its own TTL. */
export const renewed = (d: IntentDoc, now: number): IntentDoc => ({ ...d, expiresAt: now + d.body.ttlMs, body: { ...d.body, renewedAt: now } });

/** The intent ended in `status` (no longer due for the sweep). */
export const ended = (d: IntentDoc, status: Exclude<IntentStatus, 'active'>): IntentDoc => ({ ...d, status, expiresAt: null });
