/**
 * @module Task-graph commands: add (one or a batch), list (paged, in insertion
 * order), get, claim (by id or the best ready one), update with the claim's
 * token (progress, done, failed, cancelled, or released back to the pool), and
 * reset a failed task.
 */
import { z } from 'zod';
import { invalidInput, notFound } from '../../core/errors.js';
import { TASK_STATUSES, type NewTask } from '../../core/tasks/task.js';
import { callerFields, defineCommand, mutatingFields } from '../command.js';
import type { HubContext } from '../context.js';
import { assertJsonSize, idField, jsonValue, longText, ms, shortText, stringList, ttlSeconds } from '../fields.js';
import { decodeCursor, encodeCursor, pageInput, pageOutput } from '../paging.js';
import { taskDetail, taskDetailSchema, taskRowSchema, taskSummarySchema, taskView } from '../views/tasks.js';
import { unblocked } from './next-steps.js';

const taskFields = {
  id: idField.optional().describe('Default: generated.'),
  title: shortText.min(1),
  description: longText.optional(),
  dependencies: stringList(100).optional().describe('Task ids to finish first.'),
  priority: z.number().int().min(-1000).max(1000).optional().describe('Higher first (default 0).'),
  labels: stringList(50, z.string().min(1).max(100)).optional(),
  files: stringList(200, z.string().min(1).max(500)).optional().describe('Files it will touch.'),
};
const taskSpec = z.strictObject(taskFields);
const taskId = idField;
const token = z.number().int().min(1).describe('Your claim token (from claim_task).');
const STATUSES = z.enum(TASK_STATUSES as [string, ...string[]]);

function toNewTask(ctx: HubContext, t: z.output<typeof taskSpec>): NewTask {
  return {
    id: t.id ?? ctx.ids.next('task'),
    title: t.title,
    description: t.description ?? '',
    dependencies: [...new Set(t.dependencies ?? [])],
    priority: t.priority ?? 0,
    labels: t.labels ?? [],
    files: t.files ?? [],
  };
}

export const taskCommands = [
  defineCommand({
    name: 'add_task',
    toolset: 'tasks',
    description: 'Add a task, or a batch in tasks (at most 500); dependencies must exist or be in the batch.',
    mutating: true,
    input: z.object({ ...mutatingFields, ...taskFields, title: shortText.min(1).optional(), tasks: z.array(taskSpec).min(1).max(500).optional().describe('A batch: objects with the fields above.') }),
    output: z.object({ added: z.array(taskSummarySchema) }),
    async run(ctx, input, call) {
      const { tasks, title } = input;
      const batch = tasks ?? (title !== undefined ? [{ ...input, title }] : undefined);
      if (!batch) throw invalidInput('Give a title (one task) or tasks (a batch).', { field: 'title' });
      const added = ctx.publish(await ctx.store.addTasks(ctx.mutation(call), batch.map((t) => toNewTask(ctx, t)), call.agentId ?? null));
      return { added: added.map((t) => taskView(t, ctx.now(), false)) };
    },
  }),
  defineCommand({
    name: 'get_all_tasks',
    toolset: 'tasks',
    description: 'Tasks in the order added, paged; filter by status and labels.',
    mutating: false,
    idempotent: true,
    input: z.object({ ...callerFields, status: z.array(STATUSES).max(6).optional(), labels: stringList(20).optional(), ...pageInput(50, 200) }),
    output: z.object({ tasks: z.array(taskRowSchema), counts: z.record(z.string(), z.number()).describe('Tasks by status in the project.'), ...pageOutput }),
    async run(ctx, input, call) {
      await ctx.requireProject(call);
      const limit = input.limit ?? 50;
      const after = decodeCursor(input.cursor)?.[0];
      const statuses = input.status as (typeof TASK_STATUSES)[number][] | undefined;
      const [rows, counts] = await Promise.all([
        ctx.store.listTasks(call.project, { status: statuses, labels: input.labels, limit: limit + 1, afterSeq: typeof after === 'number' ? after : 0 }),
        ctx.store.countProject(call.project, ctx.now()),
      ]);
      const taken = rows.slice(0, limit);
      const last = taken.at(-1);
      const truncated = rows.length > limit;
      const inStatuses = Object.entries(counts.tasks).filter(([s]) => !statuses || statuses.includes(s as (typeof TASK_STATUSES)[number]));
      const now = ctx.now();
      return {
        tasks: taken.map((t) => taskView(t, now, input.detail)),
        counts: counts.tasks,
        // With a label filter the total is the tasks of those statuses, an upper bound.
        total: inStatuses.reduce((n, [, c]) => n + c, 0),
        truncated,
        ...(truncated && last ? { next_cursor: encodeCursor([last.seq]) } : {}),
      };
    },
  }),
  defineCommand({
    name: 'get_task',
    toolset: 'tasks',
    description: 'One task in full: description, files, claim, progress, output.',
    mutating: false,
    idempotent: true,
    input: z.object({ ...callerFields, task_id: taskId }),
    output: z.object({ task: taskDetailSchema }),
    async run(ctx, input, call) {
      const task = await ctx.store.getTask(call.project, input.task_id);
      if (!task) throw notFound('task', input.task_id);
      return { task: taskDetail(task, ctx.now()) };
    },
  }),
  defineCommand({
    name: 'claim_task',
    toolset: 'tasks',
    description: 'Claim a task by id, or the best ready one (priority, then age). Keep the token: update_task needs it.',
    mutating: true,
    input: z.object({ ...mutatingFields, task_id: taskId.optional(), labels: stringList(20).optional().describe('Only tasks with all of them.'), ttl_seconds: ttlSeconds.describe('Seconds (default 1800).') }),
    output: z.object({
      claimed: z.boolean(),
      token: z.number().int().optional(),
      task: taskDetailSchema.optional(),
      reason: z.enum(['none_ready', 'not_ready', 'claimed']).optional(),
      pending: z.number().int().optional().describe('Tasks waiting on dependencies.'),
      claimed_by_others: z.number().int().optional(),
      next_claim_expires_in_s: z.number().optional().describe('When the first claim held by someone lapses (its task returns).'),
      message: z.string().optional(),
    }),
    async run(ctx, input, call) {
      const agent = ctx.agentOf(call);
      const ttlMs = Math.min(ms(input.ttl_seconds, ctx.config.defaultClaimTtlMs), ctx.config.maxLeaseTtlMs);
      const result = ctx.publish(await ctx.store.claimTask(ctx.actAs(call), { agent, taskId: input.task_id, labels: input.labels, ttlMs }));
      const now = ctx.now();
      if (result.ok) return { claimed: true, token: result.task.claim?.token, task: taskDetail(result.task, now) };
      if (result.reason !== 'none_ready') {
        const why = result.reason === 'claimed' ? 'Another agent claimed it.' : 'That task is not ready (dependencies, or finished).';
        return { claimed: false, reason: result.reason, ...(result.task ? { task: taskDetail(result.task, now) } : {}), message: why };
      }
      // Nothing ready: say what is coming, so the caller knows whether to wait.
      const [counts, claimed] = await Promise.all([ctx.store.countProject(call.project, now), ctx.store.listTasks(call.project, { status: ['claimed'], limit: 200 })]);
      // The caller's own claims are not coming back to it: count and time only the others'.
      const mine = claimed.filter((t) => t.claim?.agent === agent).length;
      const lapse = Math.min(...claimed.filter((t) => t.claim?.agent !== agent).map((t) => t.claim?.expiresAt ?? Infinity));
      const pending = counts.tasks.pending ?? 0;
      const yours = mine > 0 ? ` You hold ${mine} claim${mine === 1 ? '' : 's'}: finish with update_task.` : '';
      return {
        claimed: false,
        reason: 'none_ready' as const,
        pending,
        claimed_by_others: Math.max(0, (counts.tasks.claimed ?? 0) - mine),
        ...(Number.isFinite(lapse) ? { next_claim_expires_in_s: Math.round((lapse - now) / 1000) } : {}),
        message: `${pending > 0 ? `No task is ready: ${pending} wait${pending === 1 ? 's' : ''} on dependencies.` : 'No task is ready or pending.'}${yours}`,
      };
    },
  }),
  defineCommand({
    name: 'update_task',
    toolset: 'tasks',
    description: 'With your claim token: report progress (renews the claim) or set a status (released: back to the pool; cancelled needs no token).',
    mutating: true,
    input: z.object({
      ...mutatingFields,
      task_id: taskId,
      token: token.optional(),
      status: z.enum(['done', 'failed', 'released', 'cancelled']).optional(),
      output: jsonValue.optional(),
      error: z.string().max(20_000).optional(),
      progress: z.string().max(2_000).optional(),
    }),
    output: z.object({ task: taskSummarySchema, unblocked: z.array(z.string()).optional().describe('Tasks now ready because this one is done.') }),
    async run(ctx, input, call) {
      const agent = ctx.agentOf(call);
      const now = ctx.now();
      if (input.status === 'cancelled') return { task: taskView(ctx.publish(await ctx.store.cancelTask(ctx.actAs(call), input.task_id, agent)), now, false) };
      if (input.token === undefined) throw invalidInput('token is required: pass the token claim_task returned.', { field: 'token' });
      if (input.status === 'released') return { task: taskView(ctx.publish(await ctx.store.releaseTask(ctx.actAs(call), input.task_id, agent, input.token)), now, false) };
      assertJsonSize(input.output, ctx.config.maxValueBytes, 'output');
      const written = await ctx.store.updateTask(ctx.actAs(call), {
        taskId: input.task_id,
        agent,
        token: input.token,
        status: input.status,
        output: input.output,
        error: input.error,
        progress: input.progress,
        renew: input.status === undefined,
      });
      const ready = unblocked(written.events);
      return { task: taskView(ctx.publish(written), now, false), ...(ready.length > 0 ? { unblocked: ready } : {}) };
    },
  }),
  defineCommand({
    name: 'reset_failed_task',
    toolset: 'tasks',
    description: 'Make a failed task claimable again (ready, or pending until its dependencies are done).',
    mutating: true,
    input: z.object({ ...mutatingFields, task_id: taskId }),
    output: z.object({ task: taskSummarySchema }),
    async run(ctx, input, call) {
      return { task: taskView(ctx.publish(await ctx.store.resetTask(ctx.mutation(call), input.task_id, call.agentId ?? null)), ctx.now(), false) };
    },
  }),
];
