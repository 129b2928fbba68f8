/**
 * @module Intent steps. An announce is one step: it supersedes the caller's live
 * intent with the same key, scores the new one against every live peer as the
 * project stands at this point of its log (steps of a project are serialised on
 * every engine, so of two simultaneous announces the later sees the earlier),
 * and opens a consult thread only when a peer is concerned — or joins the open
 * one between any of the same agents over overlapping files. Renew, withdraw and
 * done end or extend an intent; departures and task completion end them too.
 */
import type { Doc, EditBody } from '../../../core/consult/doc.js';
import { ended, isActiveIntent, renewed, type IntentBody, type IntentDoc } from '../../../core/consult/intent.js';
import { pathsMeet } from '../../../core/consult/paths.js';
import { agentsTouched, ConflictIndex, type AgentWork, type PeerIntent, type PeerReservation } from '../../../core/consult/conflict-index.js';
import { scoreIndexed, type IndexView, type Peer, type Verdict } from '../../../core/consult/scoring.js';
import type { Thread } from '../../../core/consult/thread.js';
import { CoordinationError, notFound } from '../../../core/errors.js';
import { event } from '../../../core/events/event.js';
import { isLive, type Lease } from '../../../core/leases/lease.js';
import { deriveStatus, hasEnded, type Member } from '../../../core/presence/member.js';
import type { AnnounceInput, AnnounceResult, IntentMode } from '../../consult-port.js';
import { read, type StepGen } from '../../step/reads.js';
import type { StepContext } from '../../step/runner.js';
import { depmapContext } from './activity-steps.js';
import { delivered, liveThreads, threadDoc } from './docs.js';
import { cancelThreadsOfIntent, wroteTransition } from './thread-steps.js';

/** Respondents of a new consult thread: the strongest five concerned peers; the rest observe. */
const RESPONDENTS = 5;

const overlapping = (a: readonly string[], b: readonly string[]): boolean => a.some((x) => b.some((y) => pathsMeet(x, y)));

/** A presence row as scoring counts it: live (active, idle) or stale peers; not the caller, not services, not the ended or unresponsive. */
function peerOf(m: Member, me: string, s: StepContext, policy: AnnounceInput['policy']): Peer | null {
  if (m.kind !== 'agent' || m.id === me) return null;
  const status = deriveStatus(m, s.now, policy.thresholds);
  if (hasEnded(status) || status === 'unresponsive') return null;
  return { agent: m.id, stale: status === 'stale', modules: m.modules };
}

type Building = { intents: PeerIntent[]; reservations: PeerReservation[]; tasks: AgentWork['tasks'][number][]; edits: AgentWork['edits'][number][] };
const building = (): Building => ({ intents: [], reservations: [], tasks: [], edits: [] });

const peerIntent = (d: Doc): PeerIntent => {
  const b = d.body as IntentBody;
  return { id: d.id, targets: b.targets, depends: b.depends, modules: b.modules, symbols: b.symbols, expiresAt: d.expiresAt };
};
const peerReservation = (l: Lease): PeerReservation => ({ leaseId: l.resource, paths: l.paths, exclusive: l.mode === 'exclusive', expiresAt: l.expiresAt });

/** Every agent's scored work as the store holds it now (the complete read: a cold index, or one that cannot be caught up). */
function* everyonesWork(s: StepContext, policy: AnnounceInput['policy']): StepGen<Map<string, AgentWork>> {
  const work = new Map<string, Building>();
  const of = (agent: string): Building => {
    let w = work.get(agent);
    if (!w) work.set(agent, (w = building()));
    return w;
  };
  for (const d of yield* read({ t: 'docs', kind: 'intent', status: 'active' })) if (d.owner && isActiveIntent(d, s.now)) of(d.owner).intents.push(peerIntent(d));
  for (const l of yield* read({ t: 'leases', kind: 'files' })) if (isLive(l, s.now)) of(l.holder).reservations.push(peerReservation(l));
  for (const t of yield* read({ t: 'claimedTasks' })) if (t.claim && t.files.length > 0) of(t.claim.agent).tasks.push({ taskId: t.id, files: t.files });
  for (const e of yield* read({ t: 'docs', kind: 'edit', from: s.now - policy.editDecayMs })) if (e.owner) of(e.owner).edits.push({ file: (e.body as EditBody).file, at: e.sort });
  return work;
}

/** One agent's scored work as the store holds it now (the same rows as everyonesWork, by owner). */
function* workOf(s: StepContext, agent: string, policy: AnnounceInput['policy']): StepGen<AgentWork> {
  const w = building();
  for (const d of yield* read({ t: 'docs', kind: 'intent', owner: agent, status: 'active' })) if (isActiveIntent(d, s.now)) w.intents.push(peerIntent(d));
  for (const l of yield* read({ t: 'leasesOf', holder: agent })) if (l.kind === 'files' && isLive(l, s.now)) w.reservations.push(peerReservation(l));
  for (const t of yield* read({ t: 'claimedTasks', agent })) if (t.files.length > 0) w.tasks.push({ taskId: t.id, files: t.files });
  for (const e of yield* read({ t: 'docs', kind: 'edit', owner: agent, from: s.now - policy.editDecayMs })) w.edits.push({ file: (e.body as EditBody).file, at: e.sort });
  return w;
}

/** Most events of the log a step reads to catch the index up; further behind, it reads everything. */
const CATCH_UP = 256;

interface Scoring {
  views: IndexView[];
  peers: Map<string, Peer>;
}

/**
 * What scoring looks up, exact at `at` (the log position this announce is decided at).
 * With the coordinator's index: the agents it holds as dirty, plus those named by the events
 * between what this process has seen and `at` (read from the log, the batch's own included),
 * are read again from the store inside this step and laid over the index; every other agent's
 * work is unchanged since the index had it, because any change to it is an event (see
 * agentsTouched), and every event up to `at` is either accounted for in the index or read
 * here. So the verdict is the one a complete read at `at` gives: of two announces, the later
 * sees the earlier. Presence is the exception, as heartbeats are no events: an index row can
 * only be older than the store's, so a peer it shows active or idle is live; any other is read
 * again. Without an index, or when it is too far behind, the step reads everything. Time-bound
 * things (intent and lease expiry, edit age, presence) are judged at `now` from the rows' own
 * times, as the complete read does. An index ahead of `at` can only meet a step working on a
 * stale cache, whose plan the engine then refuses (revision check) and reruns.
 */
function* scoringOf(s: StepContext, at: number, input: AnnounceInput): StepGen<Scoring> {
  const { policy, agent: me } = input;
  const snap = input.index?.snapshot() ?? null;
  const complete = function* (): StepGen<Scoring> {
    const work = yield* everyonesWork(s, policy);
    const rows = yield* read({ t: 'members', kind: 'agent' });
    input.index?.observed({ at, work, members: new Map(rows.map((m) => [m.id, m])), complete: true });
    const peers = new Map<string, Peer>();
    for (const m of rows) {
      const peer = peerOf(m, me, s, policy);
      if (peer) peers.set(peer.agent, peer);
    }
    return { views: [{ index: ConflictIndex.of(work) }], peers };
  };
  if (!snap) return yield* complete();
  const again = new Set(snap.dirty);
  if (snap.seenThrough < at) {
    const missed = (yield* read({ t: 'events', after: snap.seenThrough, limit: CATCH_UP })).filter((e) => e.id <= at);
    // Trimmed by retention, or too many: the log cannot say whose work changed.
    if (missed.length !== at - snap.seenThrough || missed[0]?.id !== snap.seenThrough + 1) return yield* complete();
    for (const e of missed) {
      const touched = agentsTouched(e, snap.index);
      if (touched === 'all') return yield* complete();
      for (const agent of touched) again.add(agent);
    }
  }
  const work = new Map<string, AgentWork>();
  const members = new Map<string, Member | null>();
  for (const agent of again) {
    work.set(agent, yield* workOf(s, agent, policy));
    members.set(agent, yield* read({ t: 'member', id: agent }));
  }
  const peers = new Map<string, Peer>();
  for (const m of snap.index.members()) {
    if (again.has(m.id)) continue;
    const status = deriveStatus(m, s.now, policy.thresholds);
    if (status === 'active' || status === 'idle') {
      const peer = peerOf(m, me, s, policy);
      if (peer) peers.set(peer.agent, peer);
    } else if (!hasEnded(status) || m.endReason === null) {
      // Silent by this row: the store's may be newer.
      members.set(m.id, yield* read({ t: 'member', id: m.id }));
    }
  }
  for (const m of members.values()) {
    const peer = m ? peerOf(m, me, s, policy) : null;
    if (peer) peers.set(peer.agent, peer);
  }
  input.index?.observed({ at, work, members, complete: false });
  return { views: [{ index: snap.index, skip: again }, { index: ConflictIndex.of(work) }], peers };
}

/** A consensus already reached between the same agents over these files, whose peer intents are still active. */
function* agreement(me: string, targets: string[], concerned: { agent: string; intents: string[] }[]): StepGen<string | null> {
  if (concerned.length === 0) return null;
  for (const doc of (yield* read({ t: 'docs', kind: 'thread', status: 'resolved' })) as Doc<Thread>[]) {
    const t = doc.body;
    if (t.kind !== 'consult' || t.resolution?.outcome !== 'consensus' || !t.participants.some((p) => p.agent === me)) continue;
    if (!targets.every((f) => t.files.some((g) => pathsMeet(f, g)))) continue;
    if (concerned.every((c) => c.intents.some((id) => t.intentIds.includes(id)))) return t.id;
  }
  return null;
}

export function* announce(s: StepContext, input: AnnounceInput): StepGen<AnnounceResult> {
  // Decided at this point of the log: before this step's own events.
  const at = s.header.lastEventId;
  const me = input.agent;
  const { policy } = input;
  if (input.taskId !== null) {
    const task = yield* read({ t: 'task', id: input.taskId });
    if (!task) throw notFound('task', input.taskId);
  }
  // Re-announcing a key replaces that intent.
  if (input.key !== null) {
    for (const d of (yield* read({ t: 'docs', kind: 'intent', owner: me, status: 'active' })) as IntentDoc[]) {
      if (d.body.key !== input.key) continue;
      s.put('doc', ended(d, 'superseded'));
      s.emit(event('intent.superseded', me, d.id, { agent: me, by: input.intentId }));
    }
  }
  const { views, peers } = yield* scoringOf(s, at, input);
  const mine = { targets: input.targets, depends: input.depends, modules: input.modules, symbols: input.symbols };
  const score = scoreIndexed(mine, peers, views, { now: s.now, editWindowMs: policy.editWindowMs, editDecayMs: policy.editDecayMs, ...(yield* depmapContext()) });
  const concerned = score.peers.filter((p) => p.category === 'concerned');
  const upcoming = (yield* read({ t: 'readyTasks', limit: 200 })).filter((t) => overlapping(t.files, input.targets)).map((t) => t.id).slice(0, 10);

  let verdict: Verdict = score.verdict;
  let threadId: string | null = null;
  let joined = false;
  const concernedIntents = concerned.map((p) => ({ agent: p.agent_id, intents: p.evidence.flatMap((e) => (typeof e.via['intent_id'] === 'string' ? [e.via['intent_id']] : [])) }));
  const agreedIn = yield* agreement(me, input.targets, concernedIntents.filter((c) => c.intents.length > 0));
  const files = [...input.targets];
  if (agreedIn !== null && concernedIntents.every((c) => c.intents.length > 0)) {
    verdict = 'concerned_agreed';
  } else if (concerned.length > 0) {
    const agents = new Set([me, ...concerned.map((p) => p.agent_id)]);
    const existing = (yield* liveThreads()).find((d) => d.body.kind === 'consult' && d.body.participants.some((p) => agents.has(p.agent)) && overlapping(d.body.files, files));
    if (existing) {
      // One thread per colliding file set: newcomers join as respondents.
      const t = existing.body;
      const present = new Set(t.participants.map((p) => p.agent));
      const added = [...agents].filter((a) => !present.has(a));
      const after: Thread = {
        ...t,
        participants: [...t.participants.map((p) => (agents.has(p.agent) && p.role === 'observer' ? { ...p, role: 'respondent' as const } : p)), ...added.map((agent) => ({ agent, role: 'respondent' as const }))],
        files: [...new Set([...t.files, ...files])],
        intentIds: [...t.intentIds, input.intentId],
      };
      wroteTransition(s, existing, after, 'join', me);
      if (added.length > 0) delivered(s, { thread: after, from: me, type: 'context', text: `${me} joins: ${input.description}`, importance: 'high', ackRequired: false, to: added.filter((a) => a !== me) });
      threadId = t.id;
      joined = true;
    } else {
      const respondents = concerned.slice(0, RESPONDENTS).map((p) => p.agent_id);
      const thread: Thread = {
        id: input.threadId, kind: 'consult', subject: input.description.slice(0, 200), initiator: me,
        participants: [{ agent: me, role: 'initiator' }, ...respondents.map((agent) => ({ agent, role: 'respondent' as const })), ...concerned.slice(RESPONDENTS).map((p) => ({ agent: p.agent_id, role: 'observer' as const }))],
        status: 'open', round: 1, maxRounds: policy.maxRounds, roundDeadline: s.now + policy.roundTimeoutMs, proposal: null, approvals: [], resolution: null,
        intentIds: [input.intentId, ...concernedIntents.flatMap((c) => c.intents)], files, createdAt: s.now,
        opening: concerned.slice(0, RESPONDENTS).map((p) => ({ agent: p.agent_id, score: p.score, layer: p.layer, reason: p.reason, files: [...new Set(p.evidence.map((e) => e.file))].slice(0, 3) })),
      };
      s.put('doc', threadDoc(thread, s.now));
      s.emit(event('thread.opened', me, thread.id, { kind: 'consult', initiator: me, participants: thread.participants.map((p) => p.agent), files: files.slice(0, 20) }));
      delivered(s, { thread, from: me, type: 'context', text: input.description, importance: 'high', ackRequired: false, to: respondents });
      threadId = thread.id;
    }
  }
  const intent: IntentDoc = {
    kind: 'intent', id: input.intentId, owner: me, status: 'active', sort: s.now, expiresAt: s.now + input.ttlMs,
    body: {
      description: input.description, targets: input.targets, depends: input.depends, modules: input.modules, symbols: input.symbols, taskId: input.taskId, key: input.key,
      ttlMs: input.ttlMs, createdAt: s.now, renewedAt: s.now, seq: 0, verdict, threadId,
    },
  };
  const e = s.emit(event('intent.announced', me, intent.id, { agent: me, targets: input.targets.slice(0, 20), verdict, thread_id: threadId, task_id: input.taskId }));
  intent.body.seq = e.id;
  s.put('doc', intent);
  return { intent, verdict, score, threadId, joined, agreedIn: verdict === 'concerned_agreed' ? agreedIn : null, upcoming };
}

/** Ends an intent with one event; a withdrawn or expired one cancels the consult threads it opened. */
export function* endIntent(s: StepContext, d: IntentDoc, status: 'withdrawn' | 'done' | 'expired', reason: 'withdrawn' | 'signed_off' | 'abandoned' = 'withdrawn'): StepGen<IntentDoc> {
  const after = ended(d, status);
  s.put('doc', after);
  const agent = d.owner ?? '';
  if (status === 'withdrawn') s.emit(event('intent.withdrawn', agent, d.id, { agent, reason }));
  else if (status === 'done') s.emit(event('intent.done', agent, d.id, { agent, task_id: d.body.taskId }));
  else s.emit(event('intent.expired', null, d.id, { agent }));
  if (status !== 'done') yield* cancelThreadsOfIntent(s, d.id, agent);
  return after;
}

export function* updateIntent(s: StepContext, agent: string, intentId: string, mode: IntentMode, ttlMs: number | undefined): StepGen<IntentDoc> {
  const d = (yield* read({ t: 'doc', kind: 'intent', id: intentId })) as IntentDoc | null;
  if (!d) throw notFound('intent', intentId);
  if (d.owner !== agent) throw new CoordinationError('FORBIDDEN', `Intent '${intentId}' is ${d.owner ?? 'nobody'}'s, not ${agent}'s.`, { intent_id: intentId });
  if (!isActiveIntent(d, s.now)) throw new CoordinationError('INVALID_STATE', `Intent '${intentId}' is ${d.status === 'active' ? 'expired' : d.status}; announce again.`, { intent_id: intentId, status: d.status });
  if (mode === 'renew') {
    const next = renewed(ttlMs === undefined ? d : { ...d, body: { ...d.body, ttlMs } }, s.now);
    s.put('doc', next);
    s.emit(event('intent.renewed', agent, d.id, { agent, expires_at: next.expiresAt ?? s.now }));
    return next;
  }
  return yield* endIntent(s, d, mode === 'done' ? 'done' : 'withdrawn');
}

/** A member left: its live intents are withdrawn. */
export function* withdrawIntentsOf(s: StepContext, agent: string, reason: 'signed_off' | 'abandoned'): StepGen<number> {
  const live = ((yield* read({ t: 'docs', kind: 'intent', owner: agent, status: 'active' })) as IntentDoc[]);
  for (const d of live) yield* endIntent(s, d, 'withdrawn', reason);
  return live.length;
}

/** A task completed: the live intents announced for it are done. */
export function* intentsDoneFor(s: StepContext, taskId: string): StepGen<void> {
  for (const d of (yield* read({ t: 'docs', kind: 'intent', status: 'active' })) as IntentDoc[]) {
    if (d.body.taskId === taskId) yield* endIntent(s, d, 'done');
  }
}
