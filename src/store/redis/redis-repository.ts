/**
 * @module The Repository over Redis for the shared operations: reads go to Redis
 * (merged with the step's own buffered writes), writes are buffered in a
 * ProjectStep and committed by commit.lua. A read-only repository (engine.read)
 * is the same thing that never commits.
 */
import { CoordinationError } from '../../core/errors.js';
import type { BatonEvent, NewEvent } from '../../core/events/event.js';
import type { Lease, LeaseKind, Waiter } from '../../core/leases/lease.js';
import { lockNamesRelated } from '../../core/leases/lock-name.js';
import type { Member, MemberKind } from '../../core/presence/member.js';
import type { StateEntry } from '../../core/state/entry.js';
import type { Task } from '../../core/tasks/task.js';
import type { TaskQuery } from '../store.js';
import type { Repository, SequenceName } from '../transactional/repository.js';
import { LEASE_KINDS, leaseNameMember, TASK_KEY, taskStatusKey } from './keys.js';
import { byString, merge, ProjectStep, type RedisContext } from './project-step.js';
import { decodeEvent, decodeTask, encodeEvent, encodeTask, parseJson, streamId } from './records.js';
import * as state from './redis-state.js';

const bySeq = (a: Task, b: Task): number => a.seq - b.seq;

/** Projects with at most this many tasks are read whole by a step that looks many up. */
const SMALL_TASK_COUNT = 2_000;

export class RedisRepository implements Repository {
  private readonly steps = new Map<string, ProjectStep>();

  private readonly ctx: RedisContext;
  private readonly writable: string | null;
  private readonly owner: string;

  /** `writable` is the one project a transaction may write (null: read only); `owner` holds its lock. */
  constructor(ctx: RedisContext, writable: string | null, owner = '') {
    this.ctx = ctx;
    this.writable = writable;
    this.owner = owner;
  }

  /** The step of the writable project, for the engine's commit. */
  get writeStep(): ProjectStep | undefined {
    return this.writable === null ? undefined : this.steps.get(this.writable);
  }

  private step(project: string): ProjectStep {
    let step = this.steps.get(project);
    if (!step) {
      const writable = project === this.writable;
      step = new ProjectStep(this.ctx, project, writable, writable ? this.owner : '');
      this.steps.set(project, step);
    }
    return step;
  }

  private writeTo(project: string): ProjectStep {
    if (project !== this.writable) throw new CoordinationError('INTERNAL', `A step of project '${String(this.writable)}' tried to write to project '${project}'.`);
    return this.step(project);
  }

  // ---- projects, sequences, events -------------------------------------------

  ensureProject(project: string, now: number): Promise<void> {
    this.writeTo(project).ensure(now);
    return Promise.resolve();
  }

  async projectExists(project: string): Promise<boolean> {
    const s = this.step(project);
    await s.loadMeta();
    return s.exists();
  }

  async listProjects(): Promise<string[]> {
    const { client, keys } = this.ctx;
    const ids = await client.smembers(keys.projects);
    const exists = await Promise.all(ids.map((id) => client.exists(keys.project(id).meta)));
    return ids.filter((_, i) => exists[i] === 1).sort(byString);
  }

  async nextSequence(project: string, name: SequenceName): Promise<number> {
    const s = this.writeTo(project);
    await s.loadMeta();
    const value = Number(s.metaField(`seq:${name}`) ?? 0) + 1;
    s.setMeta(`seq:${name}`, value);
    return value;
  }

  async appendEvent(project: string, now: number, e: NewEvent): Promise<BatonEvent> {
    const s = this.writeTo(project);
    await s.loadMeta();
    const id = Number(s.metaField('last') ?? 0) + 1;
    s.setMeta('last', id);
    s.op('xadd', { key: s.keys.events }, streamId(id), e.type, encodeEvent(e, now));
    const appended: BatonEvent = { ...e, project, id, at: now };
    s.events.push(appended);
    return appended;
  }

  async readEvents(project: string, after: number, limit: number, types: string[] | undefined): Promise<BatonEvent[]> {
    const s = this.step(project);
    const filter = types && types.length > 0 ? types : undefined;
    const reply = (await s.read(() => this.ctx.scripts['read-events']([s.keys.meta, s.keys.events], [after, limit, ...(filter ?? [])]))) as (string | number)[];
    const lastId = Number(reply[0]);
    const oldestId = Number(reply[1]);
    // The bounds the caller checked may be older than this read: a trim in between must not skip silently.
    if (after < oldestId - 1) {
      throw new CoordinationError('EVENTS_GAP', `Events after ${after} were trimmed; the oldest kept is ${oldestId}.`, { oldest_id: oldestId, last_id: lastId });
    }
    const events: BatonEvent[] = [];
    for (let i = 2; i + 1 < reply.length; i += 2) events.push(decodeEvent(project, Number.parseInt(String(reply[i]), 10), String(reply[i + 1])));
    for (const e of s.events) if (events.length < limit && e.id > after && (!filter || filter.includes(e.type))) events.push(e);
    return events;
  }

  async eventBounds(project: string): Promise<{ lastId: number; oldestId: number }> {
    const s = this.step(project);
    await s.loadMeta();
    return { lastId: Number(s.metaField('last') ?? 0), oldestId: Number(s.metaField('oldest') ?? 1) };
  }

  async trimEvents(project: string, keep: number): Promise<number> {
    const s = this.writeTo(project);
    await s.loadMeta();
    const floor = Number(s.metaField('last') ?? 0) - keep + 1;
    const oldest = Number(s.metaField('oldest') ?? 1);
    if (floor <= 1 || floor <= oldest) return 0;
    s.op('xtrim', { key: s.keys.events }, streamId(floor));
    s.setMeta('oldest', floor);
    return floor - oldest;
  }

  // ---- idempotency -----------------------------------------------------------

  async getRequest(project: string, requestId: string): Promise<{ result: unknown } | null> {
    const s = this.step(project);
    if (s.requests.has(requestId)) return { result: s.requests.get(requestId) };
    const stored = await s.read(() => this.ctx.client.hget(s.keys.requests, requestId));
    return stored === null ? null : { result: parseJson<unknown>(stored) };
  }

  putRequest(project: string, requestId: string, result: unknown, now: number): Promise<void> {
    const s = this.writeTo(project);
    s.op('hset', { key: s.keys.requests }, requestId, JSON.stringify(result ?? null));
    s.op('zadd', { key: s.keys.requestTimes }, now, requestId);
    s.requests.set(requestId, result ?? null);
    return Promise.resolve();
  }

  purgeRequests(project: string, before: number): Promise<void> {
    const s = this.writeTo(project);
    s.op('purge', { key: s.keys.requests }, { key: s.keys.requestTimes }, before);
    return Promise.resolve();
  }

  // ---- members ---------------------------------------------------------------

  async getMember(project: string, id: string): Promise<Member | null> {
    const s = this.step(project);
    const own = s.members.get(id);
    if (own) return own;
    // Deciding on holders looks members up one by one: from the second lookup on, read them all at once.
    if (!s.memberCache && s.memberLookups++ > 0) await this.allMembers(project);
    if (s.memberCache) return s.memberCache.get(id) ?? null;
    const stored = await s.read(() => this.ctx.client.hget(s.keys.members, id));
    return stored === null ? null : parseJson<Member>(stored);
  }

  putMember(member: Member): Promise<void> {
    const s = this.writeTo(member.project);
    s.op('hset', { key: s.keys.members }, member.id, JSON.stringify(member));
    s.members.set(member.id, member);
    return Promise.resolve();
  }

  private async allMembers(project: string): Promise<Member[]> {
    const s = this.step(project);
    const cache = s.memberCache ?? new Map((await s.read(() => this.ctx.client.hvals(s.keys.members))).map((text): [string, Member] => { const m = parseJson<Member>(text); return [m.id, m]; }));
    s.memberCache = cache;
    const rows = merge(cache, s.members);
    return rows.sort((a, b) => a.registeredAt - b.registeredAt || byString(a.id, b.id));
  }

  async listMembers(project: string, kind: MemberKind | undefined): Promise<Member[]> {
    return (await this.allMembers(project)).filter((m) => kind === undefined || m.kind === kind);
  }

  async listSilentMembers(project: string, before: number): Promise<Member[]> {
    return (await this.allMembers(project)).filter((m) => m.endReason === null && m.lastHeartbeat < before);
  }

  // ---- leases and waiters ----------------------------------------------------

  async listLeases(project: string, kind: LeaseKind | undefined): Promise<Lease[]> {
    const s = this.step(project);
    const kinds = kind ? [kind] : LEASE_KINDS;
    const stored = await s.read(() => Promise.all(kinds.map((k) => this.ctx.client.hvals(s.keys.leases[k]))));
    const base = stored.flat().map((text): [string, Lease] => {
      const lease = parseJson<Lease>(text);
      s.seenLeases.set(lease.id, lease);
      return [lease.id, lease];
    });
    const overlay = [...s.leases].filter(([, e]) => kinds.includes(e.kind)).map(([id, e]): [string, Lease | null] => [id, e.lease]);
    return merge(base, overlay).sort((a, b) => a.token - b.token);
  }

  /** The generic path reads the kind's hash; the acquire hot path already looks related names up by prefix. */
  async listLeasesOn(project: string, kind: LeaseKind, resource: string): Promise<Lease[]> {
    const leases = await this.listLeases(project, kind);
    return kind === 'files' ? leases : leases.filter((l) => lockNamesRelated(l.resource, resource));
  }

  async listLeasesOfHolder(project: string, holder: string): Promise<Lease[]> {
    return (await this.listLeases(project, undefined)).filter((l) => l.holder === holder);
  }

  getLease(project: string, id: string): Promise<Lease | null> {
    return this.findLease(this.step(project), id);
  }

  /** The lease with `id` as this step sees it, whatever its kind. */
  private async findLease(s: ProjectStep, id: string): Promise<Lease | null> {
    const own = s.leases.get(id);
    if (own) return own.lease;
    const seen = s.seenLeases.get(id);
    if (seen) return seen;
    const stored = await s.read(() => Promise.all(LEASE_KINDS.map((k) => this.ctx.client.hget(s.keys.leases[k], id))));
    const text = stored.find((t) => t !== null);
    return text ? parseJson<Lease>(text) : null;
  }

  insertLease(lease: Lease): Promise<void> {
    const s = this.writeTo(lease.project);
    s.op('hset', { key: s.keys.leases[lease.kind] }, lease.id, JSON.stringify(lease));
    s.op('zadd', { key: s.keys.leaseExpiry[lease.kind] }, lease.expiresAt, lease.id);
    if (lease.kind !== 'files') s.op('zadd', { key: s.keys.leaseNames[lease.kind] }, 0, leaseNameMember(lease.resource, lease.holder));
    s.leases.set(lease.id, { kind: lease.kind, lease });
    return Promise.resolve();
  }

  async updateLeaseExpiry(project: string, id: string, expiresAt: number, ttlMs: number): Promise<void> {
    const s = this.writeTo(project);
    const lease = await this.findLease(s, id);
    if (lease) await this.insertLease({ ...lease, expiresAt, ttlMs });
  }

  async deleteLease(project: string, id: string): Promise<void> {
    const s = this.writeTo(project);
    const lease = await this.findLease(s, id);
    if (!lease) return;
    s.op('hdel', { key: s.keys.leases[lease.kind] }, id);
    s.op('zrem', { key: s.keys.leaseExpiry[lease.kind] }, id);
    if (lease.kind !== 'files') s.op('zrem', { key: s.keys.leaseNames[lease.kind] }, leaseNameMember(lease.resource, lease.holder));
    s.leases.set(id, { kind: lease.kind, lease: null });
  }

  async listWaiters(project: string, kind: LeaseKind | undefined): Promise<Waiter[]> {
    const s = this.step(project);
    const kinds = kind ? [kind] : LEASE_KINDS;
    const stored = await s.read(() => Promise.all(kinds.map((k) => this.ctx.client.hvals(s.keys.waiters[k]))));
    const base = stored.flat().map((text): [string, Waiter] => {
      const waiter = parseJson<Waiter>(text);
      s.seenWaiters.set(waiter.ticket, waiter);
      return [String(waiter.ticket), waiter];
    });
    const overlay = [...s.waiters].filter(([, e]) => kinds.includes(e.kind)).map(([ticket, e]): [string, Waiter | null] => [String(ticket), e.waiter]);
    return merge(base, overlay).sort((a, b) => a.ticket - b.ticket);
  }

  insertWaiter(waiter: Waiter): Promise<void> {
    const s = this.writeTo(waiter.project);
    s.op('hset', { key: s.keys.waiters[waiter.request.kind] }, waiter.ticket, JSON.stringify(waiter));
    s.waiters.set(waiter.ticket, { kind: waiter.request.kind, waiter });
    return Promise.resolve();
  }

  async deleteWaiter(project: string, ticket: number): Promise<boolean> {
    const s = this.writeTo(project);
    let waiter: Waiter | null;
    const own = s.waiters.get(ticket);
    if (own) waiter = own.waiter;
    else {
      waiter = s.seenWaiters.get(ticket) ?? null;
      if (!waiter) {
        const stored = await s.read(() => Promise.all(LEASE_KINDS.map((k) => this.ctx.client.hget(s.keys.waiters[k], String(ticket)))));
        const text = stored.find((t) => t !== null);
        waiter = text ? parseJson<Waiter>(text) : null;
      }
    }
    if (!waiter) return false;
    s.op('hdel', { key: s.keys.waiters[waiter.request.kind] }, ticket);
    s.waiters.set(ticket, { kind: waiter.request.kind, waiter: null });
    return true;
  }

  // ---- tasks -----------------------------------------------------------------

  /** Tasks named by a range of one task index (read-tasks.lua), merged with the step's writes. */
  private async taskRange(s: ProjectStep, index: number, mode: 'rank' | 'score' | 'lex', min: string | number, max: string | number, form: 'id' | 'ready' | 'dep'): Promise<[string, Task][]> {
    const hash = s.keys.tasks[TASK_KEY.hash] ?? '';
    const reply = (await s.read(() => this.ctx.scripts['read-tasks']([hash, s.keys.tasks[index] ?? ''], [mode, min, max, form]))) as string[];
    const rows: [string, Task][] = [];
    for (let i = 0; i + 1 < reply.length; i += 2) {
      const id = String(reply[i]);
      rows.push([id, decodeTask(s.project, id, String(reply[i + 1]))]);
    }
    return rows;
  }

  async getTask(project: string, id: string): Promise<Task | null> {
    const s = this.step(project);
    const own = s.tasks.get(id);
    if (own) return own;
    const lookup = s.taskLookups++;
    if (!s.taskCache && lookup >= 2 && s.taskCount !== undefined && s.taskCount <= SMALL_TASK_COUNT) {
      // A batch looked up one by one in a small project: read every task once instead.
      const all = await s.read(() => this.ctx.client.hgetall(s.keys.tasks[TASK_KEY.hash] ?? ''));
      s.taskCache = new Map(Object.entries(all).map(([taskId, record]) => [taskId, decodeTask(project, taskId, record)]));
    }
    if (s.taskCache) return s.taskCache.get(id) ?? null;
    const hash = s.keys.tasks[TASK_KEY.hash] ?? '';
    const [stored, count] = await s.read(() => Promise.all([this.ctx.client.hget(hash, id), lookup === 1 ? this.ctx.client.hlen(hash) : undefined]));
    if (count !== undefined) s.taskCount = count;
    return stored === null ? null : decodeTask(project, id, stored);
  }

  insertTask(task: Task): Promise<void> {
    return this.updateTask(task);
  }

  updateTask(task: Task): Promise<void> {
    const s = this.writeTo(task.project);
    s.op('task', task.id, encodeTask(task));
    s.tasks.set(task.id, task);
    return Promise.resolve();
  }

  async listTasks(project: string, query: TaskQuery): Promise<Task[]> {
    const s = this.step(project);
    const statuses = query.status && query.status.length > 0 ? query.status : undefined;
    const base = statuses
      ? (await Promise.all(statuses.map((status) => this.taskRange(s, taskStatusKey(status), 'rank', 0, -1, 'id')))).flat()
      : await this.taskRange(s, TASK_KEY.bySeq, 'rank', 0, -1, 'id');
    const labels = query.labels && query.labels.length > 0 ? query.labels : undefined;
    const rows = merge(base, s.tasks, (t) => !statuses || statuses.includes(t.status));
    return rows.filter((t) => !labels || labels.every((l) => t.labels.includes(l))).sort(bySeq).slice(0, query.limit);
  }

  async listReadyTasks(project: string, limit: number): Promise<Task[]> {
    const s = this.step(project);
    // Overlay tasks may leave the ready set: fetch enough that the first `limit` stay complete.
    const base = await this.taskRange(s, TASK_KEY.ready, 'rank', 0, limit + s.tasks.size - 1, 'ready');
    const rows = merge(base, s.tasks, (t) => t.status === 'ready');
    return rows.sort((a, b) => b.priority - a.priority || a.seq - b.seq).slice(0, limit);
  }

  async listDependants(project: string, id: string): Promise<Task[]> {
    const s = this.step(project);
    const base = await this.taskRange(s, TASK_KEY.deps, 'lex', `[${id}\u0000`, `(${id}\u0001`, 'dep');
    const rows = merge(base, s.tasks, (t) => t.dependencies.includes(id));
    return rows.sort((a, b) => byString(a.id, b.id));
  }

  async listClaimedTasks(project: string, filter: { agent?: string; expiredBy?: number }): Promise<Task[]> {
    const s = this.step(project);
    const base = await this.taskRange(s, TASK_KEY.claimed, 'score', '-inf', filter.expiredBy ?? '+inf', 'id');
    const matches = (t: Task): boolean =>
      t.status === 'claimed' && t.claim !== null && (filter.agent !== undefined ? t.claim.agent === filter.agent : t.claim.expiresAt <= (filter.expiredBy ?? Number.MAX_SAFE_INTEGER));
    return merge(base, s.tasks, matches).filter(matches).sort(bySeq);
  }

  // ---- state (redis-state.ts) -------------------------------------------------

  getState(project: string, scope: string, key: string): Promise<StateEntry | null> {
    return state.getState(this.ctx, this.step(project), scope, key);
  }

  putState(entry: StateEntry): Promise<void> {
    state.putState(this.writeTo(entry.project), entry);
    return Promise.resolve();
  }

  deleteState(project: string, scope: string, key: string): Promise<boolean> {
    return state.deleteState(this.ctx, this.writeTo(project), scope, key);
  }

  listState(project: string, scope: string, prefix: string, limit: number): Promise<StateEntry[]> {
    return state.listState(this.ctx, this.step(project), scope, prefix, limit);
  }

  listScopes(project: string, now: number): Promise<{ scope: string; keys: number }[]> {
    return state.listScopes(this.ctx, this.step(project), now);
  }

  deleteScope(project: string, scope: string): Promise<number> {
    return state.deleteScope(this.ctx, this.writeTo(project), scope);
  }

  listExpiredState(project: string, now: number): Promise<StateEntry[]> {
    return state.listExpiredState(this.ctx, this.step(project), now);
  }
}
