/**
 * @module The conflict index: every agent's scored work (active intents' targets
 * and dependencies, file reservations, claimed tasks' files, recent edits) as
 * posting lists by path, kept up to date one agent at a time instead of rebuilt
 * per announce. It is a pure cache: it holds no liveness (members are read when
 * scoring) and no rule (scoring.ts reads it). Whoever feeds it decides how fresh
 * it is; scoring takes a list of views so a caller can put the agents it re-read
 * on top of a shared index without changing it.
 */
import type { BatonEvent } from '../events/event.js';
import type { Member } from '../presence/member.js';
import { PathIndex } from './path-index.js';

export interface PeerIntent {
  id: string;
  targets: readonly string[];
  depends: readonly string[];
  modules: readonly string[];
  symbols?: readonly string[] | undefined;
  /** Its TTL (null: none): an intent past it no longer counts, even before the sweep ends it. */
  expiresAt?: number | null | undefined;
}

export interface PeerReservation {
  leaseId: string;
  paths: readonly string[];
  exclusive: boolean;
  expiresAt: number;
}

/** One agent's work as scoring sees it. */
export interface AgentWork {
  intents: readonly PeerIntent[];
  reservations: readonly PeerReservation[];
  tasks: readonly { taskId: string; files: readonly string[] }[];
  edits: readonly { file: string; at: number }[];
}

export const NO_WORK: AgentWork = { intents: [], reservations: [], tasks: [], edits: [] };

export type Posting = { agent: string } & (
  | { kind: 'target' | 'depend'; intent: string; expiresAt: number | null }
  | { kind: 'reservation'; leaseId: string; exclusive: boolean; expiresAt: number }
  | { kind: 'task'; taskId: string }
  | { kind: 'edit'; at: number }
);

/** Every path of a work with its posting, in the work's order. */
function* postingsOf(agent: string, w: AgentWork): Generator<[string, Posting]> {
  for (const i of w.intents) {
    const expiresAt = i.expiresAt ?? null;
    for (const f of i.targets) yield [f, { agent, kind: 'target', intent: i.id, expiresAt }];
    for (const f of i.depends) yield [f, { agent, kind: 'depend', intent: i.id, expiresAt }];
  }
  for (const r of w.reservations) for (const f of r.paths) yield [f, { agent, kind: 'reservation', leaseId: r.leaseId, exclusive: r.exclusive, expiresAt: r.expiresAt }];
  for (const t of w.tasks) for (const f of t.files) yield [f, { agent, kind: 'task', taskId: t.taskId }];
  for (const e of w.edits) yield [e.file, { agent, kind: 'edit', at: e.at }];
}

const isEmpty = (w: AgentWork): boolean => w.intents.length === 0 && w.reservations.length === 0 && w.tasks.length === 0 && w.edits.length === 0;

/** Whether an intent of the index still counts at `now`. */
export const intentLive = (i: Pick<PeerIntent, 'expiresAt'>, now: number): boolean => i.expiresAt === undefined || i.expiresAt === null || i.expiresAt > now;

export class ConflictIndex {
  private readonly paths = new PathIndex<Posting>();
  private readonly work = new Map<string, AgentWork>();
  /** Claimed task → the agent whose work lists it (a task event names the task, not always its holder). */
  private readonly holders = new Map<string, string>();
  /** Agents' presence rows as last read (heartbeats are not events: a row here may be older than the store's). */
  private readonly presence = new Map<string, Member>();

  static of(entries: Iterable<readonly [string, AgentWork]>): ConflictIndex {
    const index = new ConflictIndex();
    for (const [agent, w] of entries) index.set(agent, w);
    return index;
  }

  /** Replaces an agent's work; empty work forgets the agent. */
  set(agent: string, w: AgentWork): void {
    const prior = this.work.get(agent);
    if (prior) {
      const seen = new Set<string>();
      for (const [path] of postingsOf(agent, prior)) {
        if (seen.has(path)) continue;
        seen.add(path);
        this.paths.remove(path, (p) => p.agent === agent);
      }
      for (const t of prior.tasks) if (this.holders.get(t.taskId) === agent) this.holders.delete(t.taskId);
      this.work.delete(agent);
    }
    if (isEmpty(w)) return;
    this.work.set(agent, w);
    for (const [path, posting] of postingsOf(agent, w)) this.paths.add(path, posting);
    for (const t of w.tasks) this.holders.set(t.taskId, agent);
  }

  setMember(id: string, member: Member | null): void {
    if (member) this.presence.set(id, member);
    else this.presence.delete(id);
  }

  members(): IterableIterator<Member> {
    return this.presence.values();
  }

  workOf(agent: string): AgentWork | undefined {
    return this.work.get(agent);
  }

  agents(): IterableIterator<string> {
    return this.work.keys();
  }

  holderOfTask(taskId: string): string | undefined {
    return this.holders.get(taskId);
  }

  lookup(path: string, visit: (posting: Posting, theirs: string) => void): void {
    this.paths.lookup(path, visit);
  }

  exactly(path: string, visit: (posting: Posting) => void): void {
    this.paths.exactly(path, visit);
  }
}

/** Events that change nothing the index holds. */
const INERT = new Set<string>([
  'lease.queued', 'lease.wait_ended', 'task.added', 'task.ready', 'state.stored', 'state.deleted', 'state.scope_deleted',
  'service.registered', 'service.health_reported', 'thread.opened', 'thread.proposed', 'thread.approved', 'thread.contested', 'thread.joined',
  'thread.left', 'thread.resolved', 'thread.cancelled', 'message.posted', 'message.overdue', 'deps.map_set', 'action.logged', 'custom',
]);

/**
 * The agents whose indexed work an event may have changed, so that only they are read again;
 * 'all' for an event this function does not know (the index must be rebuilt).
 */
export function agentsTouched(e: BatonEvent, index: ConflictIndex | undefined): readonly string[] | 'all' {
  if (INERT.has(e.type)) return [];
  const data = e.data as { agent?: unknown; holder?: unknown; kind?: unknown };
  const named = (...xs: unknown[]): string[] => xs.filter((x): x is string => typeof x === 'string' && x !== '');
  if (e.type.startsWith('intent.') || e.type === 'file.edited') return named(data.agent);
  if (e.type.startsWith('lease.')) return data.kind === 'files' ? named(data.holder) : [];
  // A task event names its task; the holder is in the data, or known to the index, or the actor.
  if (e.type.startsWith('task.')) return [...new Set(named(data.agent, index?.holderOfTask(e.subject), e.actor))];
  if (e.type === 'agent.registered' || e.type === 'agent.signed_off' || e.type === 'agent.abandoned') return named(e.subject);
  return 'all';
}
