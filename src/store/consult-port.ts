/**
 * @module The consultation half of the Store port: each mutation one atomic
 * step (steps/consult), each read one engine query over the generic docs table.
 * Same contract as the Store port's module comment (request ids, acting member,
 * typed refusals).
 */
import type { AgentWork, ConflictIndex } from '../core/consult/conflict-index.js';
import type { Doc, DocFilter, DocKind } from '../core/consult/doc.js';
import type { IntentBody, IntentDoc } from '../core/consult/intent.js';
import type { ScoreResult, Verdict } from '../core/consult/scoring.js';
import type { Thread, ThreadVerb } from '../core/consult/thread.js';
import type { DependencyMap } from '../core/consult/dependency-map.js';
import type { BatonEvent } from '../core/events/event.js';
import type { Member, StatusThresholds } from '../core/presence/member.js';
import type { MutationContext, Written } from './mutation.js';

/** The tunables steps decide with (from the hub's config). */
export interface ConsultPolicy {
  thresholds: StatusThresholds;
  editWindowMs: number;
  editDecayMs: number;
  editRetentionMs: number;
  roundTimeoutMs: number;
  maxRounds: number;
  /** How long a recipient has to ack a message that asks for one, before it is overdue. */
  ackDueMs: number;
}

/** The conflict index as an announce step takes it: valid for its agents up to `seenThrough`, except the dirty ones. */
export interface IndexSnapshot {
  index: ConflictIndex;
  /** Every event up to this id is accounted for (the index is right for the agents it touched, or they are dirty). */
  seenThrough: number;
  /** Agents whose work changed after the index last had them: the step reads them again. */
  dirty: ReadonlySet<string>;
}

/** Agents' work and presence rows as an announce step read them at log position `at`. */
export interface IndexObservation {
  at: number;
  work: ReadonlyMap<string, AgentWork>;
  /** Presence rows read (null: no such agent). */
  members: ReadonlyMap<string, Member | null>;
  /** Every agent was read: the index is rebuilt from this. */
  complete: boolean;
}

/** The coordinator's conflict index of the project, lent to one announce step (the hub feeds it). */
export interface IndexHandle {
  /** The index now (taken once, at the start of the step), or null: none yet, read everything. */
  snapshot(): IndexSnapshot | null;
  /** What the step read at log position `at` (every agent when `complete`); kept only if the step commits. */
  observed(seen: IndexObservation): void;
}

export interface AnnounceInput extends Pick<IntentBody, 'description' | 'targets' | 'depends' | 'modules' | 'symbols' | 'taskId' | 'key' | 'ttlMs'> {
  agent: string;
  intentId: string;
  threadId: string;
  policy: ConsultPolicy;
  /** Without one, the step reads every agent's work (a rebuild per call). */
  index?: IndexHandle | undefined;
}

export interface AnnounceResult {
  intent: IntentDoc;
  verdict: Verdict;
  score: ScoreResult;
  threadId: string | null;
  joined: boolean;
  agreedIn: string | null;
  upcoming: string[];
}

export type IntentMode = 'renew' | 'withdraw' | 'done';

export interface ThreadActInput {
  threadId: string;
  agent: string;
  verb: ThreadVerb | 'post';
  /** For posts: context | warning | question | answer. */
  type?: string | undefined;
  text: string | null;
  policy: ConsultPolicy;
}

export interface PostBody {
  thread_id: string;
  from: string;
  type: string;
  text: string;
  importance: 'normal' | 'high';
  ack_required: boolean;
  to: string[];
}

export interface SendInput {
  agent: string;
  /** Agent ids, or 'project' for every live member. */
  to: string[] | 'project';
  subject: string;
  text: string;
  importance: 'normal' | 'high';
  ackRequired: boolean;
  /** Reply into an existing thread instead of opening one. */
  threadId: string | null;
  newThreadId: string;
  policy: ConsultPolicy;
}

export interface DeliveryBody {
  thread_id: string;
  post_id: string;
  from: string;
  importance: 'normal' | 'high';
  ack_required: boolean;
  acked_at: number | null;
  /** When an ack is due (ack_required only); absent on deliveries written before it was kept. */
  due_at?: number | null;
}

/** The dependency map doc (one per project, id 'current'), replaced whole. */
export interface DepmapBody {
  version: number;
  modules: DependencyMap;
  source: string | null;
  cochange: Record<string, Record<string, number>> | null;
  setAt: number;
}

export interface ConsultStore {
  announce(ctx: MutationContext, input: AnnounceInput): Promise<Written<AnnounceResult>>;
  updateIntent(ctx: MutationContext, agent: string, intentId: string, mode: IntentMode, ttlMs: number | undefined): Promise<Written<IntentDoc>>;
  actOnThread(ctx: MutationContext, input: ThreadActInput): Promise<Written<{ thread: Doc<Thread>; post: Doc<PostBody> | null }>>;
  sendMessage(ctx: MutationContext, input: SendInput): Promise<Written<{ thread: Doc<Thread>; post: Doc<PostBody>; recipients: string[] }>>;
  /** Acks deliveries by seq, or every one up to `upTo`; idempotent, answers each with its first ack time. */
  ackMessages(ctx: MutationContext, agent: string, seqs: number[] | null, upTo: number | null): Promise<Written<{ seq: number; acked_at: number }[]>>;
  recordEdits(ctx: MutationContext, agent: string, files: string[], policy: ConsultPolicy): Promise<Written<{ renewed: string[] }>>;
  setDependencyMap(ctx: MutationContext, actor: string | null, modules: DependencyMap, source: string | null, cochange: Record<string, Record<string, number>> | null): Promise<Written<{ version: number }>>;
  logAction(ctx: MutationContext, actor: string, summary: string): Promise<Written<BatonEvent>>;
  getDoc(project: string, kind: DocKind, id: string): Promise<Doc | null>;
  /** Docs of a kind by sort then id, narrowed by `filter`, at most `limit`. */
  listDocs(project: string, kind: DocKind, filter: DocFilter, limit: number): Promise<Doc[]>;
}
