/**
 * @module One thread object for consultations, direct messages and broadcasts,
 * and the consult state machine: open → resolving (a proposal) → resolved
 * (consensus, closed, timeout, max_rounds, no_respondents) or cancelled. Every
 * verb checks the thread's status (INVALID_STATE) and the caller's role
 * (FORBIDDEN); there is no way out of resolved or cancelled. Pure: the store
 * step reads the thread, calls these, and writes what they return.
 */
import { CoordinationError } from '../errors.js';

export type ThreadKind = 'consult' | 'direct' | 'broadcast';
export type ThreadStatus = 'open' | 'resolving' | 'resolved' | 'cancelled';
export type Role = 'initiator' | 'respondent' | 'observer' | 'recipient';
export type Outcome = 'consensus' | 'closed' | 'timeout' | 'max_rounds' | 'no_respondents' | 'cancelled' | 'initiator_gone';
export type ThreadVerb = 'propose' | 'approve' | 'contest' | 'close' | 'cancel' | 'join' | 'observe';

export interface Participant {
  agent: string;
  role: Role;
}

/** Why a consultation opened: each concerned peer's score as the announce saw it (at most five). */
export interface OpeningEvidence {
  agent: string;
  score: number;
  layer: string;
  reason: string;
  files: string[];
}

export interface Thread {
  id: string;
  kind: ThreadKind;
  subject: string;
  initiator: string;
  participants: Participant[];
  status: ThreadStatus;
  round: number;
  maxRounds: number;
  roundDeadline: number | null;
  proposal: { by: string; text: string } | null;
  approvals: string[];
  resolution: { outcome: Outcome; summary: string | null; unanswered?: string[] } | null;
  intentIds: string[];
  files: string[];
  createdAt: number;
  /** Consultations only; absent on threads written before it was kept. */
  opening?: OpeningEvidence[];
}

export const isClosed = (t: Pick<Thread, 'status'>): boolean => t.status === 'resolved' || t.status === 'cancelled';

export const roleOf = (t: Thread, agent: string): Role | undefined => t.participants.find((p) => p.agent === agent)?.role;

const respondents = (t: Thread): string[] => t.participants.filter((p) => p.role === 'respondent').map((p) => p.agent);

/** Who must approve a proposal: the initiator and the respondents, except the proposer. */
const voters = (t: Thread): string[] => [t.initiator, ...respondents(t)].filter((a) => a !== t.proposal?.by);

function invalidState(t: Thread, verb: string): CoordinationError {
  return new CoordinationError('INVALID_STATE', `Thread '${t.id}' is ${t.status}${t.resolution ? ` (${t.resolution.outcome})` : ''}: '${verb}' is not allowed now.`, { thread_id: t.id, status: t.status, verb });
}

function forbidden(t: Thread, agent: string, verb: string, role: Role | undefined): CoordinationError {
  return new CoordinationError('FORBIDDEN', `${agent} is ${role ? `an ${role}` : 'not a participant'} of thread '${t.id}' and cannot '${verb}'.`, { thread_id: t.id, agent_id: agent, role: role ?? null, verb });
}

const resolved = (t: Thread, outcome: Outcome, summary: string | null, extra: { unanswered?: string[] } = {}): Thread => ({
  ...t, status: outcome === 'cancelled' || outcome === 'initiator_gone' ? 'cancelled' : 'resolved', roundDeadline: null, resolution: { outcome, summary, ...extra },
});

/** A post: any participant (observers too) of a thread still open. */
export function checkPost(t: Thread, agent: string): void {
  if (isClosed(t)) throw invalidState(t, 'post');
  if (!roleOf(t, agent)) throw forbidden(t, agent, 'post', undefined);
}

export interface VerbInput {
  verb: ThreadVerb;
  agent: string;
  text: string | null;
  now: number;
  roundTimeoutMs: number;
}

/** Applies a resolution verb; answers the thread after it (the event to emit follows from the verb and the new status). */
export function applyVerb(t: Thread, v: VerbInput): Thread {
  if (t.kind !== 'consult') throw new CoordinationError('INVALID_STATE', `Thread '${t.id}' is a ${t.kind} thread: it has no resolution verbs.`, { thread_id: t.id, status: t.status, verb: v.verb });
  if (isClosed(t)) throw invalidState(t, v.verb);
  const role = roleOf(t, v.agent);
  switch (v.verb) {
    case 'join': {
      if (role === 'initiator' || role === 'respondent') return t;
      const others = t.participants.filter((p) => p.agent !== v.agent);
      return { ...t, participants: [...others, { agent: v.agent, role: 'respondent' }] };
    }
    case 'observe':
      // Someone outside the collision (an operator on the dashboard) takes part without a vote.
      return role ? t : { ...t, participants: [...t.participants, { agent: v.agent, role: 'observer' }] };
    case 'propose': {
      if (role !== 'initiator' && role !== 'respondent') throw forbidden(t, v.agent, v.verb, role);
      if (t.status !== 'open') throw invalidState(t, v.verb);
      return settleVotes({ ...t, status: 'resolving', proposal: { by: v.agent, text: v.text ?? '' }, approvals: [] });
    }
    case 'approve': {
      if (role !== 'initiator' && role !== 'respondent') throw forbidden(t, v.agent, v.verb, role);
      if (t.status !== 'resolving') throw invalidState(t, v.verb);
      if (t.proposal?.by === v.agent) throw new CoordinationError('INVALID_STATE', `${v.agent} proposed this resolution; its approval is implied.`, { thread_id: t.id, status: t.status, verb: v.verb });
      return settleVotes({ ...t, approvals: [...new Set([...t.approvals, v.agent])] });
    }
    case 'contest': {
      if (role !== 'initiator' && role !== 'respondent') throw forbidden(t, v.agent, v.verb, role);
      if (t.status !== 'resolving') throw invalidState(t, v.verb);
      if (t.round >= t.maxRounds) return resolved({ ...t, approvals: [] }, 'max_rounds', v.text);
      return { ...t, status: 'open', round: t.round + 1, roundDeadline: v.now + v.roundTimeoutMs, proposal: null, approvals: [] };
    }
    case 'close':
      if (role !== 'initiator') throw forbidden(t, v.agent, v.verb, role);
      return resolved(t, 'closed', v.text);
    case 'cancel':
      if (role !== 'initiator') throw forbidden(t, v.agent, v.verb, role);
      return resolved(t, 'cancelled', v.text);
  }
}

/** Consensus once every voter other than the proposer approved in this round. */
function settleVotes(t: Thread): Thread {
  if (t.status !== 'resolving') return t;
  return voters(t).every((a) => t.approvals.includes(a)) ? resolved(t, 'consensus', t.proposal?.text ?? null) : t;
}

/** The round deadline passed with the thread still open or resolving. */
export function timeOut(t: Thread): Thread {
  const waiting = t.status === 'resolving' ? voters(t).filter((a) => !t.approvals.includes(a)) : respondents(t);
  return resolved(t, 'timeout', null, { unanswered: waiting });
}

/** A participant left (signed off or abandoned): the thread as it stands after, or unchanged when not its participant. */
export function departed(t: Thread, agent: string): Thread {
  if (isClosed(t)) return t;
  const role = roleOf(t, agent);
  if (!role) return t;
  if (role === 'initiator') return resolved(t, 'initiator_gone', null);
  const left = { ...t, participants: t.participants.filter((p) => p.agent !== agent), approvals: t.approvals.filter((a) => a !== agent) };
  if (t.kind !== 'consult' || role !== 'respondent') return left;
  if (respondents(left).length === 0) return resolved(left, 'no_respondents', null);
  if (left.proposal?.by === agent) return { ...left, status: 'open', proposal: null, approvals: [] };
  return settleVotes(left);
}

/** The event type a transition appends (one per transition). */
export function transitionEvent(before: Thread, after: Thread, verb: ThreadVerb | 'timeout' | 'departed'): 'thread.resolved' | 'thread.cancelled' | 'thread.proposed' | 'thread.approved' | 'thread.contested' | 'thread.joined' | 'thread.left' {
  if (after.status === 'cancelled') return 'thread.cancelled';
  if (after.status === 'resolved') return 'thread.resolved';
  if (verb === 'propose') return 'thread.proposed';
  if (verb === 'approve') return 'thread.approved';
  if (verb === 'contest') return 'thread.contested';
  if (verb === 'join' || verb === 'observe') return 'thread.joined';
  return before.status !== after.status ? 'thread.contested' : 'thread.left';
}
