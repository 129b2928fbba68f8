/**
 * @module The hub's tunables with their defaults: status thresholds, lease TTLs,
 * wait bounds, limits and retention. The server fills them from flags, the
 * config file and the environment.
 */
import { DEFAULT_THRESHOLDS, type StatusThresholds } from '../core/presence/member.js';

export interface HubConfig {
  thresholds: StatusThresholds;
  /** TTL of a lock, reservation or slot when the caller names none. */
  defaultLeaseTtlMs: number;
  /** TTL of a task claim when the caller names none. */
  defaultClaimTtlMs: number;
  maxLeaseTtlMs: number;
  /** Blocking waits: default and maximum length. */
  defaultWaitMs: number;
  maxWaitMs: number;
  /** Interval of progress notifications during a wait. */
  progressIntervalMs: number;
  /** How long a timed-out wait keeps its place in the queue for the caller's re-call. */
  waitGraceMs: number;
  /** Worker slots per project. */
  workerSlots: number;
  /** Largest JSON value in shared state or an event payload, in bytes. */
  maxValueBytes: number;
  /** Events kept per project. */
  eventRetention: number;
  requestRetentionMs: number;
  sweepIntervalMs: number;
  /** Consultation: edits this recent score in full; until editDecayMs they score decayed. */
  editWindowMs: number;
  editDecayMs: number;
  /** How long an edit row is kept (hot files and scoring look back at most this far). */
  editRetentionMs: number;
  /** A consult thread's round deadline, and how many rounds a contest may open. */
  roundTimeoutMs: number;
  maxRounds: number;
}

export const DEFAULT_HUB_CONFIG: HubConfig = {
  thresholds: DEFAULT_THRESHOLDS,
  defaultLeaseTtlMs: 15 * 60_000,
  defaultClaimTtlMs: 30 * 60_000,
  maxLeaseTtlMs: 24 * 60 * 60_000,
  defaultWaitMs: 50_000,
  maxWaitMs: 50_000,
  progressIntervalMs: 15_000,
  waitGraceMs: 60_000,
  workerSlots: 5,
  maxValueBytes: 64 * 1024,
  eventRetention: 100_000,
  requestRetentionMs: 24 * 60 * 60_000,
  sweepIntervalMs: 1_000,
  editWindowMs: 30 * 60_000,
  editDecayMs: 120 * 60_000,
  editRetentionMs: 24 * 60 * 60_000,
  roundTimeoutMs: 10 * 60_000,
  maxRounds: 3,
};
