/**
 * @module Task steps for transactional engines: add a batch (DAG-checked), claim
 * by id or best-ready, update with the claim's fencing token, release, reset,
 * cancel, and requeue claims whose lease lapsed.
 */
import { CoordinationError, notFound } from '../../../core/errors.js';
import { event } from '../../../core/events/event.js';
import { initialStatus, orderBatch } from '../../../core/tasks/task-graph.js';
import type { NewTask, Task, TaskStatus } from '../../../core/tasks/task.js';
import type { ClaimTaskInput, ClaimTaskResult, UpdateTaskInput } from '../../store.js';
import type { Unit } from './unit.js';

async function requireTask(u: Unit, id: string): Promise<Task> {
  const task = await u.tx.getTask(u.project, id);
  if (!task) throw notFound('task', id);
  return task;
}

async function save(u: Unit, task: Task): Promise<Task> {
  const updated = { ...task, updatedAt: u.now };
  await u.tx.updateTask(updated);
  return updated;
}

export async function addTasks(u: Unit, batch: NewTask[], actor: string | null): Promise<Task[]> {
  const statuses = new Map<string, TaskStatus>();
  for (const id of new Set(batch.flatMap((t) => [t.id, ...t.dependencies]))) {
    const existing = await u.tx.getTask(u.project, id);
    if (existing) statuses.set(id, existing.status);
  }
  const added = new Map<string, Task>();
  for (const item of orderBatch(batch, statuses)) {
    const status = initialStatus(item.dependencies, (id) => statuses.get(id));
    const task: Task = {
      ...item,
      project: u.project,
      status,
      output: null,
      error: null,
      progress: null,
      attempts: 0,
      claim: null,
      createdAt: u.now,
      updatedAt: u.now,
      seq: await u.tx.nextSequence(u.project, 'task'),
    };
    await u.tx.insertTask(task);
    statuses.set(task.id, status);
    added.set(task.id, task);
    await u.emit(event('task.added', actor, task.id, { title: task.title, status, priority: task.priority, dependencies: task.dependencies }));
  }
  return batch.flatMap((t) => added.get(t.id) ?? []);
}

/** Returns claims whose lease lapsed to `ready`; the sweep and every claim run this. */
export async function requeueLapsedClaims(u: Unit): Promise<number> {
  const lapsed = await u.tx.listClaimedTasks(u.project, { expiredBy: u.now });
  for (const task of lapsed) {
    await save(u, { ...task, status: 'ready', claim: null });
    await u.emit(event('task.requeued', null, task.id, { agent: task.claim?.agent ?? '', reason: 'expired' }));
  }
  return lapsed.length;
}

/** Returns an agent's claims to `ready` (sign-off, abandonment). */
export async function requeueClaimsOf(u: Unit, agent: string): Promise<number> {
  const claimed = await u.tx.listClaimedTasks(u.project, { agent });
  for (const task of claimed) {
    await save(u, { ...task, status: 'ready', claim: null });
    await u.emit(event('task.requeued', agent, task.id, { agent, reason: 'holder_gone' }));
  }
  return claimed.length;
}

const hasLabels = (task: Task, labels: string[] | undefined): boolean => !labels || labels.every((l) => task.labels.includes(l));

export async function claimTask(u: Unit, input: ClaimTaskInput): Promise<ClaimTaskResult> {
  await requeueLapsedClaims(u);
  let task: Task | undefined;
  if (input.taskId !== undefined) {
    const named = await requireTask(u, input.taskId);
    if (named.status === 'claimed') return { ok: false, reason: 'claimed', task: named };
    if (named.status !== 'ready') return { ok: false, reason: 'not_ready', task: named };
    task = named;
  } else {
    // Without labels the best ready task is the first row; with labels, scan the ready set.
    const candidates = await u.tx.listReadyTasks(u.project, input.labels?.length ? 10_000 : 1);
    task = candidates.find((t) => hasLabels(t, input.labels));
    if (!task) return { ok: false, reason: 'none_ready', task: null };
  }
  const token = await u.tx.nextSequence(u.project, 'token');
  const claimed = await save(u, {
    ...task,
    status: 'claimed',
    attempts: task.attempts + 1,
    error: null,
    claim: { agent: input.agent, token, claimedAt: u.now, expiresAt: u.now + input.ttlMs, ttlMs: input.ttlMs },
  });
  await u.emit(event('task.claimed', input.agent, task.id, { agent: input.agent, token, attempts: claimed.attempts }));
  return { ok: true, task: claimed };
}

/** The task, if `agent` holds its live claim with `token`; otherwise the error that says why not. */
async function claimedBy(u: Unit, taskId: string, agent: string, token: number): Promise<Task> {
  const task = await requireTask(u, taskId);
  const claim = task.claim;
  if (task.status !== 'claimed' || !claim || claim.token !== token || claim.expiresAt <= u.now) {
    throw new CoordinationError('LEASE_LOST', `Your claim on task '${taskId}' (token ${token}) is no longer valid: the task is ${task.status}${claim && claim.token !== token ? ` under token ${claim.token}` : ''}.`, { task_id: taskId, status: task.status });
  }
  if (claim.agent !== agent) {
    throw new CoordinationError('NOT_HOLDER', `Task '${taskId}' is claimed by ${claim.agent}, not ${agent}.`, { task_id: taskId, holder: claim.agent });
  }
  return task;
}

async function promoteDependants(u: Unit, doneId: string): Promise<void> {
  for (const dependant of await u.tx.listDependants(u.project, doneId)) {
    if (dependant.status !== 'pending') continue;
    const statuses = new Map<string, TaskStatus>();
    for (const dep of dependant.dependencies) statuses.set(dep, (await u.tx.getTask(u.project, dep))?.status ?? 'pending');
    if (initialStatus(dependant.dependencies, (id) => statuses.get(id)) !== 'ready') continue;
    await save(u, { ...dependant, status: 'ready' });
    await u.emit(event('task.ready', null, dependant.id, {}));
  }
}

export async function updateTask(u: Unit, input: UpdateTaskInput): Promise<Task> {
  const task = await claimedBy(u, input.taskId, input.agent, input.token);
  const claim = task.claim;
  const base: Task = {
    ...task,
    ...(input.output !== undefined ? { output: input.output } : {}),
    ...(input.error !== undefined ? { error: input.error } : {}),
    ...(input.progress !== undefined ? { progress: input.progress } : {}),
  };
  if (input.status === 'done') {
    const done = await save(u, { ...base, status: 'done', claim: null });
    await u.emit(event('task.completed', input.agent, task.id, { agent: input.agent }));
    await promoteDependants(u, task.id);
    return done;
  }
  if (input.status === 'failed') {
    const failed = await save(u, { ...base, status: 'failed', claim: null });
    await u.emit(event('task.failed', input.agent, task.id, { agent: input.agent, error: failed.error }));
    return failed;
  }
  const renewed = input.renew && claim ? { ...claim, expiresAt: u.now + claim.ttlMs } : claim;
  const updated = await save(u, { ...base, claim: renewed });
  await u.emit(event('task.progress', input.agent, task.id, { agent: input.agent, progress: updated.progress }));
  return updated;
}

export async function releaseTask(u: Unit, taskId: string, agent: string, token: number): Promise<Task> {
  const task = await claimedBy(u, taskId, agent, token);
  const released = await save(u, { ...task, status: 'ready', claim: null });
  await u.emit(event('task.released', agent, taskId, { agent }));
  return released;
}

export async function resetTask(u: Unit, taskId: string, actor: string | null): Promise<Task> {
  const task = await requireTask(u, taskId);
  if (task.status !== 'failed') {
    throw new CoordinationError('TASK_STATE', `Task '${taskId}' is ${task.status}; only failed tasks can be reset.`, { task_id: taskId, status: task.status });
  }
  const statuses = new Map<string, TaskStatus>();
  for (const dep of task.dependencies) statuses.set(dep, (await u.tx.getTask(u.project, dep))?.status ?? 'pending');
  const reset = await save(u, { ...task, status: initialStatus(task.dependencies, (id) => statuses.get(id)), error: null, claim: null });
  await u.emit(event('task.reset', actor, taskId, { attempts: reset.attempts }));
  return reset;
}

export async function cancelTask(u: Unit, taskId: string, actor: string | null): Promise<Task> {
  const task = await requireTask(u, taskId);
  if (task.status === 'done' || task.status === 'cancelled') {
    throw new CoordinationError('TASK_STATE', `Task '${taskId}' is already ${task.status}.`, { task_id: taskId, status: task.status });
  }
  const cancelled = await save(u, { ...task, status: 'cancelled', claim: null });
  await u.emit(event('task.cancelled', actor, taskId, { agent: task.claim?.agent ?? null }));
  return cancelled;
}
