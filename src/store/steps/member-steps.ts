/**
 * @module Presence steps: register (or rejoin), heartbeat, sign off, report
 * health, and the release of everything a member holds when it leaves.
 */
import { CoordinationError, notFound } from '../../core/errors.js';
import { event } from '../../core/events/event.js';
import type { HealthState, Member } from '../../core/presence/member.js';
import type { HeartbeatInput, RegisterMemberInput, ReleaseSummary } from '../store.js';
import { read, type StepGen } from '../step/reads.js';
import type { StepContext } from '../step/runner.js';
import { releaseAllOf } from './lease-steps.js';
import { requeueClaimsOf } from './task-steps.js';
import { withdrawIntentsOf } from './consult/intent-steps.js';
import { departedFromThreads } from './consult/thread-steps.js';

export function* registerMember(s: StepContext, input: RegisterMemberInput): StepGen<Member> {
  const existing = yield* read({ t: 'member', id: input.id });
  if (input.maxMembers !== undefined && (!existing || existing.endReason)) {
    const live = (yield* read({ t: 'members' })).filter((m) => !m.endReason).length;
    if (live >= input.maxMembers) {
      throw new CoordinationError('LIMIT_EXCEEDED', `Project '${s.project}' has ${live} live members, the most it takes; sign off agents that are done (or ask an admin to raise agents_per_project).`, { limit: input.maxMembers });
    }
  }
  const member: Member = {
    project: s.project,
    id: input.id,
    name: input.name,
    kind: input.kind,
    modules: input.modules,
    metadata: { ...existing?.metadata, ...input.metadata },
    activity: 'idle',
    currentFile: null,
    registeredAt: existing?.registeredAt ?? s.now,
    lastHeartbeat: s.now,
    endedAt: null,
    endReason: null,
    service: input.service
      ? { ...input.service, health: existing?.service?.health ?? 'unknown', healthDetail: existing?.service?.healthDetail ?? null, healthAt: existing?.service?.healthAt ?? null }
      : null,
  };
  s.put('member', member);
  if (input.kind === 'service') s.emit(event('service.registered', input.id, input.id, { name: input.name, version: input.service?.version ?? null }));
  else s.emit(event('agent.registered', input.id, input.id, { name: input.name, kind: input.kind, rejoined: existing !== null }));
  return member;
}

function* requireLiveMember(s: StepContext, id: string): StepGen<Member> {
  const member = yield* read({ t: 'member', id });
  if (!member) throw notFound('agent', id);
  if (member.endReason) {
    throw new CoordinationError('AGENT_REQUIRED', `Agent '${id}' ${member.endReason === 'abandoned' ? 'was abandoned' : 'signed off'}; register again to take part.`, { agent_id: id });
  }
  return member;
}

export function* heartbeat(s: StepContext, input: HeartbeatInput): StepGen<Member> {
  const member = yield* requireLiveMember(s, input.id);
  const updated: Member = {
    ...member,
    lastHeartbeat: s.now,
    activity: input.activity ?? member.activity,
    currentFile: input.currentFile === undefined ? member.currentFile : input.currentFile,
    metadata: input.metadata ? { ...member.metadata, ...input.metadata } : member.metadata,
  };
  s.put('member', updated);
  return updated;
}

/** Ends a member: releases its leases and waits, requeues its claims. */
export function* endMember(s: StepContext, member: Member, reason: 'signed_off' | 'abandoned'): StepGen<ReleaseSummary> {
  const released = yield* releaseAllOf(s, member.id);
  const requeued = yield* requeueClaimsOf(s, member.id);
  // Leaving ends what the member announced and its part in open threads (only those it takes part in).
  yield* withdrawIntentsOf(s, member.id, reason);
  yield* departedFromThreads(s, member.id);
  s.put('member', { ...member, endedAt: s.now, endReason: reason, activity: 'idle', currentFile: null });
  if (reason === 'signed_off') s.emit(event('agent.signed_off', member.id, member.id, { released, requeued }));
  else s.emit(event('agent.abandoned', null, member.id, { released, requeued, last_heartbeat: member.lastHeartbeat }));
  return { released, requeued };
}

export function* signOff(s: StepContext, id: string): StepGen<ReleaseSummary> {
  const member = yield* read({ t: 'member', id });
  if (!member) throw notFound('agent', id);
  if (member.endReason) return { released: 0, requeued: 0 };
  return yield* endMember(s, member, 'signed_off');
}

export function* reportHealth(s: StepContext, id: string, health: HealthState, detail: string | null): StepGen<Member> {
  const member = yield* requireLiveMember(s, id);
  if (!member.service) throw new CoordinationError('INVALID_INPUT', `'${id}' is an agent, not a service: register it with register_service.`, { field: 'service_id' });
  const updated: Member = { ...member, lastHeartbeat: s.now, service: { ...member.service, health, healthDetail: detail, healthAt: s.now } };
  s.put('member', updated);
  s.emit(event('service.health_reported', id, id, { status: health, detail }));
  return updated;
}
