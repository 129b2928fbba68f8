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
import { scoreAnnounce, type PeerWork, type Verdict } from '../../../core/consult/scoring.js';
import type { Thread } from '../../../core/consult/thread.js';
import { CoordinationError, notFound } from '../../../core/errors.js';
import { event } from '../../../core/events/event.js';
import { isLive } from '../../../core/leases/lease.js';
import { deriveStatus, hasEnded } from '../../../core/presence/member.js';
import type { AnnounceInput, AnnounceResult, IntentMode } from '../../consult-port.js';
import { read, type StepGen } from '../../step/reads.js';
import type { StepContext } from '../../step/runner.js';
import { depmapContext } from './activity-steps.js';
import { delivered, liveThreads, threadDoc } from './docs.js';
import { cancelThreadsOfIntent, wroteTransition } from './thread-steps.js';

/** Respondents of a new consult thread: the strongest five concerned peers; the rest observe. */
const RESPONDENTS = 5;

const overlapping = (a: readonly string[], b: readonly string[]): boolean => a.some((x) => b.some((y) => pathsMeet(x, y)));

/** Every live peer's work, as scoring sees it (the caller's own work excluded). */
function* peersOf(s: StepContext, me: string, input: AnnounceInput): StepGen<PeerWork[]> {
  const { policy } = input;
  const members = (yield* read({ t: 'members', kind: 'agent' })).filter((m) => m.id !== me);
  const peers = new Map<string, PeerWork & { intents: PeerWork['intents'][number][]; reservations: PeerWork['reservations'][number][]; tasks: PeerWork['tasks'][number][]; edits: PeerWork['edits'][number][] }>();
  for (const m of members) {
    const status = deriveStatus(m, s.now, policy.thresholds);
    if (hasEnded(status) || status === 'unresponsive') continue;
    peers.set(m.id, { agent: m.id, stale: status === 'stale', modules: m.modules, intents: [], reservations: [], tasks: [], edits: [] });
  }
  for (const d of yield* read({ t: 'docs', kind: 'intent', status: 'active' })) {
    if (!d.owner || !isActiveIntent(d, s.now)) continue;
    const b = d.body as IntentBody;
    peers.get(d.owner)?.intents.push({ id: d.id, targets: b.targets, depends: b.depends, modules: b.modules, symbols: b.symbols });
  }
  for (const l of yield* read({ t: 'leases', kind: 'files' })) {
    if (isLive(l, s.now)) peers.get(l.holder)?.reservations.push({ leaseId: l.resource, paths: l.paths, exclusive: l.mode === 'exclusive', expiresAt: l.expiresAt });
  }
  for (const t of yield* read({ t: 'claimedTasks' })) if (t.claim && t.files.length > 0) peers.get(t.claim.agent)?.tasks.push({ taskId: t.id, files: t.files });
  for (const e of yield* read({ t: 'docs', kind: 'edit', from: s.now - policy.editDecayMs })) {
    if (e.owner) peers.get(e.owner)?.edits.push({ file: (e.body as EditBody).file, at: e.sort });
  }
  return [...peers.values()];
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
  const peers = yield* peersOf(s, me, input);
  const mine = { targets: input.targets, depends: input.depends, modules: input.modules, symbols: input.symbols };
  const score = scoreAnnounce(mine, peers, { now: s.now, editWindowMs: policy.editWindowMs, editDecayMs: policy.editDecayMs, ...(yield* depmapContext()) });
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
