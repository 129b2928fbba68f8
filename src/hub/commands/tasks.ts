/**
 * @module Task-graph commands: add (one or a batch), list, get, claim (by id or
 * best ready), update with the claim's token, release, reset failed.
 */
import { z } from 'zod';
import { invalidInput, notFound } from '../../core/errors.js';
import { TASK_STATUSES, type NewTask } from '../../core/tasks/task.js';
import { callerFields, defineCommand, mutatingFields } from '../command.js';
import type { HubContext } from '../context.js';
import { taskView } from '../views.js';
import { assertJsonSize, idField, jsonValue, longText, ms, shortText, stringList, ttlSeconds } from './fields.js';

const taskFields = {
  id: idField.optional().describe('Task id (generated when omitted); dependencies refer to it.'),
  title: shortText.min(1),
  description: longText.optional(),
  dependencies: stringList(100).optional().describe('Ids of tasks that must be done first.'),
  priority: z.number().int().min(-1000).max(1000).optional().describe('Higher is claimed first (default 0).'),
  labels: stringList(50, z.string().min(1).max(100)).optional(),
  files: stringList(200, z.string().min(1).max(500)).optional().describe('Files the task expects to touch.'),
};
const taskSpec = z.object(taskFields);
const taskId = idField.describe('Task id.');
const token = z.number().int().min(1).describe('Fencing token from claim_task.');

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
    description: 'Add a task, or a batch with `tasks`. Dependencies must exist or be in the batch; cycles are refused.',
    mutating: true,
    input: z.object({ ...mutatingFields, ...taskFields, title: shortText.min(1).optional(), tasks: z.array(taskSpec).min(1).max(500).optional() }),
    async run(ctx, input, call) {
      const { tasks, title } = input;
      const batch = tasks ?? (title !== undefined ? [{ ...input, title }] : undefined);
      if (!batch) throw invalidInput('Give a title (one task) or tasks (a batch).', { field: 'title' });
      const added = ctx.publish(await ctx.store.addTasks(ctx.mutation(call), batch.map((t) => toNewTask(ctx, t)), call.agentId ?? null));
      return { added: added.map(taskView) };
    },
  }),
  defineCommand({
    name: 'get_available_tasks',
    toolset: 'tasks',
    description: 'Ready tasks (dependencies done, unclaimed), best first.',
    mutating: false,
    input: z.object({ ...callerFields, labels: stringList(20).optional(), limit: z.number().int().min(1).max(500).optional() }),
    async run(ctx, input, call) {
      await ctx.requireProject(call);
      const ready = await ctx.store.listTasks(call.project, { status: ['ready'], labels: input.labels, limit: 10_000 });
      ready.sort((a, b) => b.priority - a.priority || a.seq - b.seq);
      return { tasks: ready.slice(0, input.limit ?? 50).map(taskView) };
    },
  }),
  defineCommand({
    name: 'get_all_tasks',
    toolset: 'tasks',
    description: 'Tasks in the project, optionally filtered by status and labels.',
    mutating: false,
    input: z.object({ ...callerFields, status: z.array(z.enum(TASK_STATUSES)).max(6).optional(), labels: stringList(20).optional(), limit: z.number().int().min(1).max(5000).optional() }),
    async run(ctx, input, call) {
      await ctx.requireProject(call);
      const tasks = await ctx.store.listTasks(call.project, { status: input.status, labels: input.labels, limit: input.limit ?? 1000 });
      return { tasks: tasks.map(taskView) };
    },
  }),
  defineCommand({
    name: 'get_task',
    toolset: 'tasks',
    description: 'One task with its status, claim and output.',
    mutating: false,
    input: z.object({ ...callerFields, task_id: taskId }),
    async run(ctx, input, call) {
      const task = await ctx.store.getTask(call.project, input.task_id);
      if (!task) throw notFound('task', input.task_id);
      return { task: taskView(task) };
    },
  }),
  defineCommand({
    name: 'claim_task',
    toolset: 'tasks',
    description: 'Claim a task by id, or the best ready one. Keep the token: update_task needs it.',
    mutating: true,
    input: z.object({ ...mutatingFields, task_id: taskId.optional(), labels: stringList(20).optional(), ttl_seconds: ttlSeconds }),
    async run(ctx, input, call) {
      const agent = ctx.agentOf(call);
      const ttlMs = Math.min(ms(input.ttl_seconds, ctx.config.defaultClaimTtlMs), ctx.config.maxLeaseTtlMs);
      const result = ctx.publish(await ctx.store.claimTask(ctx.actAs(call), { agent, taskId: input.task_id, labels: input.labels, ttlMs }));
      if (result.ok) return { claimed: true, token: result.task.claim?.token, task: taskView(result.task) };
      const why = { none_ready: 'No task is ready.', not_ready: 'The task is not ready (dependencies, or done).', claimed: 'Another agent claimed it.' }[result.reason];
      return { claimed: false, reason: result.reason, message: why, ...(result.task ? { task: taskView(result.task) } : {}) };
    },
  }),
  defineCommand({
    name: 'update_task',
    toolset: 'tasks',
    description: 'Report progress (renews the claim), or finish with status done/failed; status cancelled cancels. Needs your claim token.',
    mutating: true,
    input: z.object({
      ...mutatingFields,
      task_id: taskId,
      token: token.optional(),
      status: z.enum(['done', 'failed', 'cancelled']).optional(),
      output: jsonValue.optional(),
      error: z.string().max(20_000).optional(),
      progress: z.string().max(2_000).optional(),
    }),
    async run(ctx, input, call) {
      const agent = ctx.agentOf(call);
      if (input.status === 'cancelled') {
        return { task: taskView(ctx.publish(await ctx.store.cancelTask(ctx.actAs(call), input.task_id, agent))) };
      }
      if (input.token === undefined) throw invalidInput('token is required: pass the token claim_task returned.', { field: 'token' });
      const output = input.output;
      assertJsonSize(output, ctx.config.maxValueBytes, 'output');
      const task = ctx.publish(
        await ctx.store.updateTask(ctx.actAs(call), {
          taskId: input.task_id,
          agent,
          token: input.token,
          status: input.status,
          output,
          error: input.error,
          progress: input.progress,
          renew: input.status === undefined,
        }),
      );
      return { task: taskView(task) };
    },
  }),
  defineCommand({
    name: 'release_task',
    toolset: 'tasks',
    description: 'Give a claimed task back to the pool (ready) without finishing it.',
    mutating: true,
    input: z.object({ ...mutatingFields, task_id: taskId, token }),
    async run(ctx, input, call) {
      const agent = ctx.agentOf(call);
      return { task: taskView(ctx.publish(await ctx.store.releaseTask(ctx.actAs(call), input.task_id, agent, input.token))) };
    },
  }),
  defineCommand({
    name: 'reset_failed_task',
    toolset: 'tasks',
    description: 'Make a failed task claimable again (ready, or pending until its dependencies are done).',
    mutating: true,
    input: z.object({ ...mutatingFields, task_id: taskId }),
    async run(ctx, input, call) {
      return { task: taskView(ctx.publish(await ctx.store.resetTask(ctx.mutation(call), input.task_id, call.agentId ?? null))) };
    },
  }),
];
