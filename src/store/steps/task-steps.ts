/**
 * @module Task steps: add a batch (DAG-checked), claim by id or best-ready,
 * update with the claim's fencing token, release, reset, cancel, and requeue
 * claims whose lease lapsed.
 */
import { CoordinationError, notFound } from '../../core/errors.js';
import { event } from '../../core/events/event.js';
import { initialStatus, orderBatch } from '../../core/tasks/task-graph.js';
import type { NewTask, Task, TaskStatus } from '../../core/tasks/task.js';
import type { ClaimTaskInput, ClaimTaskResult, UpdateTaskInput } from '../store.js';
import { read, type StepGen } from '../step/reads.js';
import type { StepContext } from '../step/runner.js';
import { intentsDoneFor } from './consult/intent-steps.js';

function* requireTask(s: StepContext, id: string): StepGen<Task> {
  const task = yield* read({ t: 'task', id });
  if (!task) throw notFound('task', id);
  return task;
}

function save(s: StepContext, task: Task): Task {
  const updated = { ...task, updatedAt: s.now };
  s.put('task', updated);
  return updated;
}

/** The statuses of `ids` (absent ids are left out). */
function* statusesOf(ids: Iterable<string>): StepGen<Map<string, TaskStatus>> {
  const statuses = new Map<string, TaskStatus>();
  for (const id of new Set(ids)) {
    const task = yield* read({ t: 'task', id });
    if (task) statuses.set(id, task.status);
  }
  return statuses;
}

export function* addTasks(s: StepContext, batch: NewTask[], actor: string | null): StepGen<Task[]> {
  const statuses = yield* statusesOf(batch.flatMap((t) => [t.id, ...t.dependencies]));
  const added = new Map<string, Task>();
  for (const item of orderBatch(batch, statuses)) {
    const status = initialStatus(item.dependencies, (id) => statuses.get(id));
    const task: Task = {
      ...item,
      project: s.project,
      status,
      output: null,
      error: null,
      progress: null,
      attempts: 0,
      claim: null,
      createdAt: s.now,
      updatedAt: s.now,
      seq: s.next('taskSeq'),
    };
    s.put('task', task);
    statuses.set(task.id, status);
    added.set(task.id, task);
    s.emit(event('task.added', actor, task.id, { title: task.title, status, priority: task.priority, dependencies: task.dependencies }));
  }
  return batch.flatMap((t) => added.get(t.id) ?? []);
}

/** Returns claims whose lease lapsed to `ready`; the sweep and every claim run this. */
export function* requeueLapsedClaims(s: StepContext): StepGen<number> {
  const lapsed = yield* read({ t: 'claimedTasks', expiredBy: s.now });
  for (const task of lapsed) {
    save(s, { ...task, status: 'ready', claim: null });
    s.emit(event('task.requeued', null, task.id, { agent: task.claim?.agent ?? '', reason: 'expired' }));
  }
  return lapsed.length;
}

/** Returns an agent's claims to `ready` (sign-off, abandonment). */
export function* requeueClaimsOf(s: StepContext, agent: string): StepGen<number> {
  const claimed = yield* read({ t: 'claimedTasks', agent });
  for (const task of claimed) {
    save(s, { ...task, status: 'ready', claim: null });
    s.emit(event('task.requeued', agent, task.id, { agent, reason: 'holder_gone' }));
  }
  return claimed.length;
}

const hasLabels = (task: Task, labels: string[] | undefined): boolean => !labels || labels.every((l) => task.labels.includes(l));

export function* claimTask(s: StepContext, input: ClaimTaskInput): StepGen<ClaimTaskResult> {
  yield* requeueLapsedClaims(s);
  let task: Task | undefined;
  if (input.taskId !== undefined) {
    const named = yield* requireTask(s, input.taskId);
    if (named.status === 'claimed') return { ok: false, reason: 'claimed', task: named };
    if (named.status !== 'ready') return { ok: false, reason: 'not_ready', task: named };
    task = named;
  } else {
    // Without labels the best ready task is the first; with labels, look further down the ready set.
    const candidates = yield* read({ t: 'readyTasks', limit: input.labels?.length ? 10_000 : 1 });
    task = candidates.find((t) => hasLabels(t, input.labels));
    if (!task) return { ok: false, reason: 'none_ready', task: null };
  }
  const token = s.next('token');
  const claimed = save(s, {
    ...task,
    status: 'claimed',
    attempts: task.attempts + 1,
    error: null,
    claim: { agent: input.agent, token, claimedAt: s.now, expiresAt: s.now + input.ttlMs, ttlMs: input.ttlMs },
  });
  s.emit(event('task.claimed', input.agent, task.id, { agent: input.agent, token, attempts: claimed.attempts }));
  return { ok: true, task: claimed };
}

/** The task, if `agent` holds its live claim with `token`; otherwise the error that says why not (never the live token). */
function* claimedBy(s: StepContext, taskId: string, agent: string, token: number): StepGen<Task> {
  const task = yield* requireTask(s, taskId);
  const claim = task.claim;
  if (task.status !== 'claimed' || !claim || claim.token !== token || claim.expiresAt <= s.now) {
    // A claimant holding a live claim under another token mistyped it; anyone else's token was superseded.
    const live = task.status === 'claimed' && claim && claim.expiresAt > s.now;
    const why = live && claim.token !== token ? (claim.agent === agent ? 'you still hold its claim under another token: use the one claim_task gave you' : 'it was claimed again since') : `the task is ${task.status}`;
    throw new CoordinationError('LEASE_LOST', `Your claim on task '${taskId}' (token ${token}) is no longer valid: ${why}.`, { task_id: taskId, status: task.status });
  }
  if (claim.agent !== agent) {
    throw new CoordinationError('NOT_HOLDER', `Task '${taskId}' is claimed by ${claim.agent}, not ${agent}.`, { task_id: taskId, holder: claim.agent });
  }
  return task;
}

/** Makes pending dependants of a finished task ready; returns their ids. */
function* promoteDependants(s: StepContext, doneId: string): StepGen<string[]> {
  const promoted: string[] = [];
  for (const dependant of yield* read({ t: 'dependants', id: doneId })) {
    if (dependant.status !== 'pending') continue;
    const statuses = yield* statusesOf(dependant.dependencies);
    if (initialStatus(dependant.dependencies, (id) => statuses.get(id)) !== 'ready') continue;
    save(s, { ...dependant, status: 'ready' });
    s.emit(event('task.ready', null, dependant.id, {}));
    promoted.push(dependant.id);
  }
  return promoted;
}

export function* updateTask(s: StepContext, input: UpdateTaskInput): StepGen<Task> {
  const task = yield* claimedBy(s, input.taskId, input.agent, input.token);
  const claim = task.claim;
  const base: Task = {
    ...task,
    ...(input.output !== undefined ? { output: input.output } : {}),
    ...(input.error !== undefined ? { error: input.error } : {}),
    ...(input.progress !== undefined ? { progress: input.progress } : {}),
  };
  if (input.status === 'done') {
    const done = save(s, { ...base, status: 'done', claim: null });
    s.emit(event('task.completed', input.agent, task.id, { agent: input.agent }));
    yield* promoteDependants(s, task.id);
    yield* intentsDoneFor(s, task.id);
    return done;
  }
  if (input.status === 'failed') {
    const failed = save(s, { ...base, status: 'failed', claim: null });
    s.emit(event('task.failed', input.agent, task.id, { agent: input.agent, error: failed.error }));
    return failed;
  }
  const renewed = input.renew && claim ? { ...claim, expiresAt: s.now + claim.ttlMs } : claim;
  const updated = save(s, { ...base, claim: renewed });
  s.emit(event('task.progress', input.agent, task.id, { agent: input.agent, progress: updated.progress }));
  return updated;
}

export function* releaseTask(s: StepContext, taskId: string, agent: string, token: number): StepGen<Task> {
  const task = yield* claimedBy(s, taskId, agent, token);
  const released = save(s, { ...task, status: 'ready', claim: null });
  s.emit(event('task.released', agent, taskId, { agent }));
  return released;
}

export function* resetTask(s: StepContext, taskId: string, actor: string | null): StepGen<Task> {
  const task = yield* requireTask(s, taskId);
  if (task.status !== 'failed') {
    throw new CoordinationError('TASK_STATE', `Task '${taskId}' is ${task.status}; only failed tasks can be reset.`, { task_id: taskId, status: task.status });
  }
  const statuses = yield* statusesOf(task.dependencies);
  const reset = save(s, { ...task, status: initialStatus(task.dependencies, (id) => statuses.get(id)), error: null, claim: null });
  s.emit(event('task.reset', actor, taskId, { attempts: reset.attempts }));
  return reset;
}

export function* cancelTask(s: StepContext, taskId: string, actor: string | null): StepGen<Task> {
  const task = yield* requireTask(s, taskId);
  if (task.status === 'done' || task.status === 'cancelled') {
    throw new CoordinationError('TASK_STATE', `Task '${taskId}' is already ${task.status}.`, { task_id: taskId, status: task.status });
  }
  const cancelled = save(s, { ...task, status: 'cancelled', claim: null });
  s.emit(event('task.cancelled', actor, taskId, { agent: task.claim?.agent ?? null }));
  return cancelled;
}
