/**
 * @module The hub's tunables with their defaults: status thresholds, lease TTLs,
 * wait bounds, limits and retention. The server fills them from flags, the
 * config file and the environment.
 */
import { DEFAULT_THRESHOLDS, type StatusThresholds } from '../core/presence/member.js';

/**
 * Limits per caller and bounded counts. Rates and waits apply to authenticated callers
 * (team mode), counted in the store so every coordinator on it shares them; 0 turns one off.
 */
export interface LimitsConfig {
  /** Requests per minute with one token, and as one agent of a project. */
  tokenRequestsPerMinute: number;
  agentRequestsPerMinute: number;
  /** Blocking waits (wait_seconds > 0) open at once with one token, and as one agent. */
  tokenWaits: number;
  agentWaits: number;
  /** Refused authentications per address and minute before the address is refused for the rest of it. */
  authFailuresPerMinute: number;
  /** Self-registrations per address and minute. */
  registrationsPerMinute: number;
  /** Live members (agents and services) of one project; more registrations are refused. */
  agentsPerProject: number;
  /** Callers queued on one lock or slot pool. */
  waitersPerLock: number;
  /** Projects one WebSocket follows; resource subscriptions of one MCP session. */
  subscriptionsPerConnection: number;
}

export const DEFAULT_LIMITS: LimitsConfig = {
  tokenRequestsPerMinute: 6_000,
  agentRequestsPerMinute: 3_000,
  tokenWaits: 64,
  agentWaits: 16,
  authFailuresPerMinute: 30,
  registrationsPerMinute: 10,
  agentsPerProject: 1_000,
  waitersPerLock: 1_000,
  subscriptionsPerConnection: 100,
};

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
  /** How long a recipient has to ack a message sent with ack_required; then the sender hears it is overdue. */
  ackDueMs: number;
  limits: LimitsConfig;
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
  ackDueMs: 30 * 60_000,
  limits: DEFAULT_LIMITS,
};
