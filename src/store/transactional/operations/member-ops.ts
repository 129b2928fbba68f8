/**
 * @module Presence steps for transactional engines: register (or rejoin),
 * heartbeat, sign off, report health, and the release of everything a member
 * holds when it leaves.
 */
import { CoordinationError, notFound } from '../../../core/errors.js';
import { event } from '../../../core/events/event.js';
import type { HealthState, Member } from '../../../core/presence/member.js';
import type { HeartbeatInput, RegisterMemberInput, ReleaseSummary } from '../../store.js';
import { releaseAllOf } from './lease-ops.js';
import { requeueClaimsOf } from './task-ops.js';
import type { Unit } from './unit.js';

export async function registerMember(u: Unit, input: RegisterMemberInput): Promise<Member> {
  const existing = await u.tx.getMember(u.project, input.id);
  const member: Member = {
    project: u.project,
    id: input.id,
    name: input.name,
    kind: input.kind,
    modules: input.modules,
    metadata: { ...existing?.metadata, ...input.metadata },
    activity: 'idle',
    currentFile: null,
    registeredAt: existing?.registeredAt ?? u.now,
    lastHeartbeat: u.now,
    endedAt: null,
    endReason: null,
    service: input.service
      ? { ...input.service, health: existing?.service?.health ?? 'unknown', healthDetail: existing?.service?.healthDetail ?? null, healthAt: existing?.service?.healthAt ?? null }
      : null,
  };
  await u.tx.putMember(member);
  if (input.kind === 'service') {
    await u.emit(event('service.registered', input.id, input.id, { name: input.name, version: input.service?.version ?? null }));
  } else {
    await u.emit(event('agent.registered', input.id, input.id, { name: input.name, kind: input.kind, rejoined: existing !== null }));
  }
  return member;
}

async function requireLiveMember(u: Unit, id: string): Promise<Member> {
  const member = await u.tx.getMember(u.project, id);
  if (!member) throw notFound('agent', id);
  if (member.endReason) {
    throw new CoordinationError('AGENT_REQUIRED', `Agent '${id}' ${member.endReason === 'abandoned' ? 'was abandoned' : 'signed off'}; register again to take part.`, { agent_id: id });
  }
  return member;
}

export async function heartbeat(u: Unit, input: HeartbeatInput): Promise<Member> {
  const member = await requireLiveMember(u, input.id);
  const updated: Member = {
    ...member,
    lastHeartbeat: u.now,
    activity: input.activity ?? member.activity,
    currentFile: input.currentFile === undefined ? member.currentFile : input.currentFile,
    metadata: input.metadata ? { ...member.metadata, ...input.metadata } : member.metadata,
  };
  await u.tx.putMember(updated);
  return updated;
}

/** Ends a member: releases its leases and waits, requeues its claims. */
export async function endMember(u: Unit, member: Member, reason: 'signed_off' | 'abandoned'): Promise<ReleaseSummary> {
  const released = await releaseAllOf(u, member.id);
  const requeued = await requeueClaimsOf(u, member.id);
  await u.tx.putMember({ ...member, endedAt: u.now, endReason: reason, activity: 'idle', currentFile: null });
  if (reason === 'signed_off') await u.emit(event('agent.signed_off', member.id, member.id, { released, requeued }));
  else await u.emit(event('agent.abandoned', null, member.id, { released, requeued, last_heartbeat: member.lastHeartbeat }));
  return { released, requeued };
}

export async function signOff(u: Unit, id: string): Promise<ReleaseSummary> {
  const member = await u.tx.getMember(u.project, id);
  if (!member) throw notFound('agent', id);
  if (member.endReason) return { released: 0, requeued: 0 };
  return endMember(u, member, 'signed_off');
}

export async function reportHealth(u: Unit, id: string, health: HealthState, detail: string | null): Promise<Member> {
  const member = await requireLiveMember(u, id);
  if (!member.service) throw new CoordinationError('INVALID_INPUT', `'${id}' is an agent, not a service: register it with register_service.`, { field: 'service_id' });
  const updated: Member = { ...member, lastHeartbeat: u.now, service: { ...member.service, health, healthDetail: detail, healthAt: u.now } };
  await u.tx.putMember(updated);
  await u.emit(event('service.health_reported', id, id, { status: health, detail }));
  return updated;
}
