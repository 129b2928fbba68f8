/**
 * @module Presence: members (agents and services), their status tiers derived from
 * the age of the last heartbeat, and who may break whose lease.
 */

export type MemberKind = 'agent' | 'service';
export type Activity = 'working' | 'waiting' | 'idle';
export type MemberStatus = 'active' | 'idle' | 'stale' | 'unresponsive' | 'abandoned' | 'offline';
export type HealthState = 'healthy' | 'degraded' | 'unhealthy' | 'unknown';

export interface ServiceInfo {
  version: string | null;
  tools: string[];
  capabilities: string[];
  dependencies: string[];
  health: HealthState;
  healthDetail: string | null;
  healthAt: number | null;
}

/** A registered member as stored. `status` is derived on read, never stored. */
export interface Member {
  project: string;
  id: string;
  name: string;
  kind: MemberKind;
  modules: string[];
  metadata: Record<string, unknown>;
  activity: Activity;
  currentFile: string | null;
  registeredAt: number;
  lastHeartbeat: number;
  /** Set when the member signed off or was abandoned by the sweep. */
  endedAt: number | null;
  endReason: 'signed_off' | 'abandoned' | null;
  service: ServiceInfo | null;
}

/** Status thresholds in milliseconds since the last heartbeat. */
export interface StatusThresholds {
  activeMs: number;
  idleMs: number;
  staleMs: number;
  unresponsiveMs: number;
}

export const DEFAULT_THRESHOLDS: StatusThresholds = {
  activeMs: 5 * 60_000,
  idleMs: 60 * 60_000,
  staleMs: 4 * 60 * 60_000,
  unresponsiveMs: 24 * 60 * 60_000,
};

export function deriveStatus(member: Pick<Member, 'lastHeartbeat' | 'endReason'>, now: number, t: StatusThresholds): MemberStatus {
  if (member.endReason === 'signed_off') return 'offline';
  if (member.endReason === 'abandoned') return 'abandoned';
  const age = now - member.lastHeartbeat;
  if (age < t.activeMs) return 'active';
  if (age < t.idleMs) return 'idle';
  if (age < t.staleMs) return 'stale';
  if (age < t.unresponsiveMs) return 'unresponsive';
  return 'abandoned';
}

/** Whether a lease held by a member of this status may be broken with `force`. */
export function mayBreakLeaseOf(status: MemberStatus): boolean {
  return status !== 'active' && status !== 'idle';
}

/** True once a member holds nothing any more: signed off or abandoned. */
export const hasEnded = (status: MemberStatus): boolean => status === 'offline' || status === 'abandoned';
