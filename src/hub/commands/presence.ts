/**
 * @module Presence commands: register, heartbeat, sign off, list, wait for peers.
 */
import { z } from 'zod';
import { deriveStatus, type MemberStatus } from '../../core/presence/member.js';
import { callerFields, defineCommand, mutatingFields } from '../command.js';
import type { Call, HubContext } from '../context.js';
import { memberView } from '../views.js';
import { idField, ms, shortText, stringList } from './fields.js';

const STATUSES = ['active', 'idle', 'stale', 'unresponsive', 'abandoned', 'offline'] as const;

const metadata = z
  .object({
    cwd: z.string().max(1000).optional(),
    branch: z.string().max(300).optional(),
    worktree: z.string().max(1000).optional(),
    client: z.string().max(100).optional(),
  })
  .catchall(z.json())
  .optional()
  .describe('Where the agent runs: cwd, branch, worktree, client, and any other fields.');

async function agentsIn(ctx: HubContext, call: Call, statuses?: readonly MemberStatus[]) {
  const now = ctx.now();
  const members = await ctx.store.listMembers(call.project, 'agent');
  return members.filter((m) => !statuses || statuses.includes(deriveStatus(m, now, ctx.config.thresholds))).map((m) => memberView(m, now, ctx.config.thresholds));
}

export const presenceCommands = [
  defineCommand({
    name: 'register_agent',
    toolset: 'presence',
    description: 'Join the project as an agent (or rejoin with the same agent_id). Returns your agent_id.',
    mutating: true,
    input: z.object({
      ...mutatingFields,
      agent_id: idField.optional().describe('Stable id to (re)join as; generated when omitted.'),
      name: shortText.optional().describe('Display name.'),
      modules: stringList(100).optional().describe('Modules or areas you work on.'),
      metadata,
    }),
    async run(ctx, input, call) {
      const id = call.agentId ?? ctx.ids.next('agent');
      const member = ctx.publish(
        await ctx.store.registerMember(ctx.mutation(call), { id, name: input.name ?? id, kind: 'agent', modules: input.modules ?? [], metadata: input.metadata ?? {}, service: null }),
      );
      return { agent_id: id, project: call.project, agent: memberView(member, ctx.now(), ctx.config.thresholds) };
    },
  }),
  defineCommand({
    name: 'heartbeat',
    toolset: 'presence',
    description: 'Report that you are alive, with your activity and current file.',
    mutating: true,
    input: z.object({
      ...mutatingFields,
      activity: z.enum(['working', 'waiting', 'idle']).optional(),
      current_file: z.string().max(1000).nullable().optional(),
      metadata,
    }),
    async run(ctx, input, call) {
      const id = ctx.agentOf(call);
      const member = ctx.publish(await ctx.store.heartbeat(ctx.actAs(call), { id, activity: input.activity, currentFile: input.current_file, metadata: input.metadata }));
      return { agent: memberView(member, ctx.now(), ctx.config.thresholds) };
    },
  }),
  defineCommand({
    name: 'sign_off',
    toolset: 'presence',
    description: 'Leave the project: releases your locks, reservations and slots, and returns your claimed tasks.',
    mutating: true,
    input: z.object({ ...mutatingFields }),
    async run(ctx, _input, call) {
      const id = ctx.agentOf(call);
      const summary = ctx.publish(await ctx.store.signOff(ctx.mutation(call), id));
      return { signed_off: true, released: summary.released, requeued_tasks: summary.requeued };
    },
  }),
  defineCommand({
    name: 'list_agents',
    toolset: 'presence',
    description: 'Agents in the project with their status tier and activity.',
    mutating: false,
    input: z.object({ ...callerFields, status: z.array(z.enum(STATUSES)).max(6).optional().describe('Only these statuses.') }),
    async run(ctx, input, call) {
      await ctx.requireProject(call);
      return { agents: await agentsIn(ctx, call, input.status) };
    },
  }),
  defineCommand({
    name: 'wait_for_peers',
    toolset: 'presence',
    description: 'Block until at least `count` agents are active (including you), or the wait ends.',
    mutating: false,
    blocking: true,
    input: z.object({ ...callerFields, count: z.number().int().min(1).max(1000), timeout_seconds: z.number().min(0).max(3600).optional() }),
    async run(ctx, input, call) {
      const deadline = Date.now() + Math.min(ms(input.timeout_seconds, ctx.config.defaultWaitMs), ctx.config.maxWaitMs);
      const watch = ctx.watch(call.project, (e) => e.type === 'agent.registered');
      try {
        for (;;) {
          const agents = await agentsIn(ctx, call, ['active']);
          if (agents.length >= input.count) return { agents, timed_out: false };
          if ((await watch.next(deadline, call)) === null) return { agents, timed_out: true, cancelled: call.signal?.aborted ?? false };
        }
      } finally {
        watch.close();
      }
    },
  }),
];
