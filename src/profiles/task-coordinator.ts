/**
 * @module Profile `task-coordinator` (seed 001, agent-coordinate-mcp): numbered
 * worker slots, a task list with dependencies, claims by (taskId, workerId,
 * workerSlot), updates without a token. The mapping, all through hub commands:
 *
 * - A slot is a numbered lock `task-coordinator/slot-N`, N in 1..config.workerSlots
 *   (default 5, the seed's too): the lowest free one. Each acquire is one atomic
 *   step, so two workers never get one number, and the locks alone bound the count.
 * - A task is a Baton task (id, description as title and description,
 *   dependencies); the seed's statuses are shown: ready or pending → available,
 *   claimed → working, done, failed.
 * - workerId is the Baton agent that claims (registered on first use), so only
 *   that worker may update its task. update_task carries no token: the profile
 *   reads the task's live claim and passes its fencing token only when the claim is
 *   that worker's, so a worker whose claim lapsed and was taken over is refused
 *   (NOT_HOLDER, or LEASE_LOST when it lapses mid-call) instead of overwriting the new claim. Nothing is stored beside the claim, so a
 *   call cut between two steps leaves nothing behind.
 */
import { z } from 'zod';
import { CoordinationError } from '../core/errors.js';
import type { CommandOutput } from '../hub/command.js';
import { allPages } from './pages.js';
import { defineTool, type Profile, type ProfileContext } from './profile.js';

const slotLock = (slot: number): string => `task-coordinator/slot-${slot}`;
const SLOT_LOCK = /^task-coordinator\/slot-(\d+)$/;
/** Seconds a slot is held without a renewing claim_worker_slot (the seed held it until released). */
const SLOT_TTL_S = 3_600;

const taskId = z.string().min(1).max(128).describe('Task id, e.g. TASK-001.');
const workerId = z.string().min(1).max(128).describe("Your worker id, e.g. 'worker-1'.");

interface LockRow {
  name?: string;
  holder: string;
  expires_in_s: number;
}
interface TaskRow {
  id: string;
  title: string;
  status: string;
  claimed_by?: string;
  claim_token?: number;
  dependencies?: string[];
  description?: string;
  output?: unknown;
  error?: string;
  created_at?: string;
  updated_at?: string;
}

const SEED_STATUS: Readonly<Record<string, string>> = { ready: 'available', pending: 'available', claimed: 'working', done: 'done', failed: 'failed', cancelled: 'cancelled' };

/** A Baton task as the seed's Task: {id, description, status, worker?, dependencies, output?, error?}. */
function seedTask(t: TaskRow): Record<string, unknown> {
  return {
    id: t.id,
    description: t.description ?? t.title,
    status: SEED_STATUS[t.status] ?? t.status,
    ...(t.claimed_by ? { worker: t.claimed_by } : {}),
    dependencies: t.dependencies ?? [],
    ...(t.status === 'pending' ? { waiting_on_dependencies: true } : {}),
    ...(t.output === undefined ? {} : { output: t.output }),
    ...(t.error === undefined ? {} : { error: t.error }),
  };
}

/** The numbered slot locks as the seed's WorkerSlot rows, 1..slots. */
async function slotRows(ctx: ProfileContext): Promise<{ slot: number; workerId?: string; active: boolean; expires_in_s?: number }[]> {
  const { rows } = await allPages(ctx, 'list_locks', { limit: 200 }, 'locks');
  const held = new Map<number, LockRow>();
  for (const l of rows as LockRow[]) {
    const n = SLOT_LOCK.exec(l.name ?? '')?.[1];
    if (n !== undefined) held.set(Number(n), l);
  }
  return Array.from({ length: ctx.workerSlots }, (_, i) => {
    const lock = held.get(i + 1);
    return lock ? { slot: i + 1, workerId: lock.holder, active: true, expires_in_s: lock.expires_in_s } : { slot: i + 1, active: false };
  });
}

async function tasksOf(ctx: ProfileContext, status?: string[]): Promise<{ tasks: Record<string, unknown>[]; truncated: boolean }> {
  const { rows, truncated } = await allPages(ctx, 'get_all_tasks', { detail: true, limit: 200, ...(status ? { status } : {}) }, 'tasks');
  return { tasks: (rows as TaskRow[]).map(seedTask), truncated };
}

/**
 * The fencing token of `worker`'s live claim on `task`; NOT_HOLDER when another
 * worker holds it or nobody does (claim first). Between this read and the update
 * the claim may lapse: the hub then refuses the token (LEASE_LOST).
 */
async function tokenOf(ctx: ProfileContext, task: string, worker: string): Promise<number> {
  const row = (await ctx.read('get_task', { task_id: task }))['task'] as TaskRow;
  if (row.claimed_by === worker && typeof row.claim_token === 'number') return row.claim_token;
  if (row.claimed_by !== undefined) {
    throw new CoordinationError('NOT_HOLDER', `Task '${task}' is claimed by '${row.claimed_by}', not by '${worker}' (a claim of yours lapsed and was taken over, if you had one).`, { task_id: task, worker_id: worker, holder: row.claimed_by });
  }
  throw new CoordinationError('NOT_HOLDER', `Worker '${worker}' holds no claim on task '${task}': call claim_task first.`, { task_id: task, worker_id: worker });
}

export const claimWorkerSlot = defineTool({
  name: 'claim_worker_slot',
  description: 'Claim a free worker slot; answers its number (null when all are busy). Again renews yours.',
  mutating: true,
  idempotent: true,
  input: z.object({}),
  async run(ctx) {
    const me = await ctx.agent();
    const before = await slotRows(ctx);
    const mine = before.find((s) => s.workerId === me);
    // Yours first (a renewal), then the free ones lowest first; a race lost to a peer moves on to the next.
    const order = [...(mine ? [mine] : []), ...before.filter((s) => !s.active)];
    for (const candidate of order) {
      const got: CommandOutput = await ctx.run('acquire_lock', { name: slotLock(candidate.slot), ttl_seconds: SLOT_TTL_S });
      if (got['acquired'] === true) return { success: true, slot: candidate.slot };
    }
    return { success: false, slot: null, message: `All ${ctx.workerSlots} worker slots are busy; release_worker_slot frees one.` };
  },
});

export const releaseWorkerSlot = defineTool({
  name: 'release_worker_slot',
  description: 'Release a worker slot by number.',
  mutating: true,
  input: z.object({ slot: z.number().int().min(1).max(10_000) }),
  async run(ctx, input) {
    const row = (await slotRows(ctx)).find((s) => s.slot === input.slot);
    if (!row?.workerId) throw new CoordinationError('NOT_FOUND', `Worker slot ${input.slot} is not claimed.`, { slot: input.slot });
    // The seed releases a slot by its number, whoever took it: release as its holder.
    await ctx.runAs(row.workerId, 'release_lock', { name: slotLock(input.slot) });
    return { success: true, slot: input.slot };
  },
});

export const getWorkers = defineTool({
  name: 'get_workers',
  description: 'Every worker slot: active, and who holds it.',
  mutating: false,
  idempotent: true,
  input: z.object({}),
  async run(ctx) {
    return { success: true, workers: await slotRows(ctx) };
  },
});

export const addTask = defineTool({
  name: 'add_task',
  description: 'Add a task; dependencies are task ids that must be done first.',
  mutating: true,
  input: z.object({
    id: taskId,
    description: z.string().min(1).max(20_000),
    dependencies: z.array(z.string().min(1).max(128)).max(100).optional(),
    output: z.string().max(20_000).optional().describe('Expected output, kept with the description.'),
  }),
  async run(ctx, input) {
    const title = (input.description.split('\n')[0] ?? input.description).slice(0, 200);
    const description = input.output === undefined ? input.description : `${input.description}\n\nExpected output: ${input.output}`;
    const out = await ctx.read('add_task', { id: input.id, title, description, ...(input.dependencies ? { dependencies: input.dependencies } : {}) });
    const added = (out['added'] as TaskRow[])[0];
    return { success: true, task: added ? seedTask({ ...added, description: input.description }) : { id: input.id } };
  },
});

export const getAvailableTasks = defineTool({
  name: 'get_available_tasks',
  description: 'Tasks ready to work on: unclaimed, dependencies done.',
  mutating: false,
  idempotent: true,
  input: z.object({}),
  async run(ctx) {
    const { tasks, truncated } = await tasksOf(ctx, ['ready']);
    return { success: true, tasks, ...(truncated ? { truncated: true } : {}) };
  },
});

export const getAllTasks = defineTool({
  name: 'get_all_tasks',
  description: 'Every task with its status and worker.',
  mutating: false,
  idempotent: true,
  input: z.object({}),
  async run(ctx) {
    const { tasks, truncated } = await tasksOf(ctx);
    return { success: true, tasks, ...(truncated ? { truncated: true } : {}) };
  },
});

export const claimTask = defineTool({
  name: 'claim_task',
  description: 'Claim a ready task for workerId in workerSlot (from claim_worker_slot).',
  mutating: true,
  input: z.object({ taskId, workerId, workerSlot: z.number().int().min(1).max(10_000) }),
  async run(ctx, input) {
    const slot = (await slotRows(ctx)).find((s) => s.slot === input.workerSlot);
    if (!slot?.active) throw new CoordinationError('NOT_HOLDER', `Worker slot ${input.workerSlot} is not claimed: call claim_worker_slot first.`, { slot: input.workerSlot });
    const out = await ctx.runAs(input.workerId, 'claim_task', { task_id: input.taskId });
    if (out['claimed'] !== true) return { success: false, taskId: input.taskId, reason: out['reason'], message: out['message'] };
    return { success: true, task: seedTask(out['task'] as TaskRow) };
  },
});

const UPDATE_STATUS = ['working', 'in_progress', 'done', 'completed', 'failed', 'available'] as const;

export const updateTask = defineTool({
  name: 'update_task',
  description: 'Update your claimed task: working (progress, keeps the claim), done, failed, or available (give it back).',
  mutating: true,
  input: z.object({ taskId, status: z.enum(UPDATE_STATUS), workerId, output: z.string().max(20_000).optional(), error: z.string().max(20_000).optional() }),
  async run(ctx, input) {
    const token = await tokenOf(ctx, input.taskId, input.workerId);
    const base = { task_id: input.taskId, token };
    const hubInput =
      input.status === 'working' || input.status === 'in_progress'
        ? { ...base, progress: input.output ?? 'working' }
        : input.status === 'available'
          ? { ...base, status: 'released' }
          : { ...base, status: input.status === 'completed' ? 'done' : input.status, ...(input.output === undefined ? {} : { output: input.output }), ...(input.error === undefined ? {} : { error: input.error }) };
    const out = await ctx.runAs(input.workerId, 'update_task', hubInput);
    const unblocked = out['unblocked'] as string[] | undefined;
    return { success: true, task: seedTask(out['task'] as TaskRow), ...(unblocked ? { unblocked } : {}) };
  },
});

export const resetFailedTask = defineTool({
  name: 'reset_failed_task',
  description: 'Make a failed task available again.',
  mutating: true,
  input: z.object({ taskId }),
  async run(ctx, input) {
    const out = await ctx.read('reset_failed_task', { task_id: input.taskId });
    return { success: true, task: seedTask(out['task'] as TaskRow) };
  },
});

export const taskCoordinatorProfile: Profile = {
  name: 'task-coordinator',
  seed: '001 agent-coordinate-mcp (Task Coordinator MCP Server)',
  serverName: 'task-coordinator',
  instructions:
    'Shared task list for several Claude instances. Start with claim_worker_slot() (a slot number), then get_available_tasks() and claim_task(taskId, workerId, slot). Report with update_task(taskId, status, workerId, output?, error?): done, failed, or working for progress. release_worker_slot(slot) when you stop.',
  tools: [claimWorkerSlot, releaseWorkerSlot, getWorkers, addTask, getAvailableTasks, getAllTasks, claimTask, updateTask, resetFailedTask],
  resources: [],
  prompts: [],
};
