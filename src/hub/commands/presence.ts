/**
 * @module Presence commands: register, heartbeat, sign off (saying what it
 * released), and list the agents (live ones by default; with `count`, wait until
 * that many are active).
 */
import { z } from 'zod';
import { deriveStatus, type MemberStatus } from '../../core/presence/member.js';
import { callerFields, defineCommand, mutatingFields } from '../command.js';
import type { Call, HubContext } from '../context.js';
import { idField, ms, shortText, stringList, waitSeconds } from '../fields.js';
import { page, pageInput, pageOutput } from '../paging.js';
import { agentRowSchema, agentSummary, memberDetail } from '../views/members.js';
import { released, releasedSchema } from './next-steps.js';

const STATUSES = ['active', 'idle', 'stale', 'unresponsive', 'abandoned', 'offline'] as const;
const LIVE: readonly MemberStatus[] = ['active', 'idle', 'stale', 'unresponsive'];

const metadataField = z
  .object({
    cwd: z.string().max(1000).optional(),
    branch: z.string().max(300).optional(),
    worktree: z.string().max(1000).optional(),
    client: z.string().max(100).optional(),
  })
  .catchall(z.json())
  .optional()
  .describe('{cwd, branch, worktree, client, …}: where you run.');

export const registerInput = {
  agent_id: idField.optional().describe('Stable id to rejoin as (default: generated).'),
  name: shortText.optional(),
  modules: stringList(100).optional().describe('Areas you work on.'),
  metadata: metadataField,
};

/** Registers (or rejoins) the caller; the answer names its id and project. */
export async function registerAgent(ctx: HubContext, call: Call, input: { name?: string | undefined; modules?: string[] | undefined; metadata?: Record<string, unknown> | undefined }): Promise<{ agentId: string; status: MemberStatus }> {
  const id = call.agentId ?? ctx.ids.next('agent');
  const member = ctx.publish(await ctx.store.registerMember(ctx.mutation(call), { id, name: input.name ?? id, kind: 'agent', modules: input.modules ?? [], metadata: input.metadata ?? {}, service: null, maxMembers: ctx.config.limits.agentsPerProject || undefined }));
  return { agentId: id, status: deriveStatus(member, ctx.now(), ctx.config.thresholds) };
}

async function agentsOf(ctx: HubContext, call: Call, statuses: readonly MemberStatus[]) {
  const now = ctx.now();
  return (await ctx.store.listMembers(call.project, 'agent')).filter((m) => statuses.includes(deriveStatus(m, now, ctx.config.thresholds)));
}

export const presenceCommands = [
  defineCommand({
    name: 'register_agent',
    toolset: 'presence',
    description: 'Join the project (or rejoin with agent_id). start_session does more in one call.',
    mutating: true,
    idempotent: true,
    advertise: ['agent_id'],
    input: z.object({ ...mutatingFields, ...registerInput }),
    output: z.object({ agent_id: z.string(), project: z.string(), status: z.enum(STATUSES) }),
    async run(ctx, input, call) {
      const { agentId, status } = await registerAgent(ctx, call, input);
      return { agent_id: agentId, project: call.project, status };
    },
  }),
  defineCommand({
    name: 'heartbeat',
    toolset: 'presence',
    description: 'Say you are alive, with activity and current file.',
    mutating: true,
    idempotent: true,
    input: z.object({ ...mutatingFields, activity: z.enum(['working', 'waiting', 'idle']).optional(), current_file: z.string().max(1000).nullable().optional(), metadata: metadataField }),
    // The agent it acted as: the one check a client without a session (2026-07-28) has of who it is.
    output: z.object({ agent_id: z.string(), status: z.enum(STATUSES) }),
    async run(ctx, input, call) {
      const id = ctx.agentOf(call);
      const member = ctx.publish(await ctx.store.heartbeat(ctx.actAs(call), { id, activity: input.activity, currentFile: input.current_file, metadata: input.metadata }));
      return { agent_id: id, status: deriveStatus(member, ctx.now(), ctx.config.thresholds) };
    },
  }),
  defineCommand({
    name: 'sign_off',
    toolset: 'presence',
    description: 'Leave: releases all you hold and returns your claimed tasks.',
    mutating: true,
    idempotent: true,
    input: z.object({ ...mutatingFields }),
    output: z.object({ signed_off: z.literal(true), released: releasedSchema }),
    async run(ctx, _input, call) {
      const id = ctx.agentOf(call);
      const written = await ctx.store.signOff(ctx.mutation(call), id);
      ctx.publish(written);
      return { signed_off: true as const, released: released(written.events, id) };
    },
  }),
  defineCommand({
    name: 'list_agents',
    toolset: 'presence',
    description: 'Agents with status and activity (live ones by default).',
    mutating: false,
    idempotent: true,
    blocking: true,
    input: z.object({
      ...callerFields,
      status: z.array(z.enum(STATUSES)).max(6).optional().describe('Default: all but abandoned, offline.'),
      count: z.number().int().min(1).max(1000).optional().describe('With wait_seconds: until this many are active.'),
      wait_seconds: waitSeconds,
      ...pageInput(50),
    }),
    output: z.object({ agents: z.array(agentRowSchema), active: z.number().int(), timed_out: z.boolean().optional(), ...pageOutput }),
    async run(ctx, input, call) {
      await ctx.requireProject(call);
      const statuses = input.status ?? LIVE;
      const answer = async (timedOut?: boolean) => {
        const now = ctx.now();
        const members = await agentsOf(ctx, call, statuses);
        const active = members.filter((m) => deriveStatus(m, now, ctx.config.thresholds) === 'active').length;
        const { rows, ...paging } = page(members, (m) => [m.registeredAt, m.id], input.limit ?? 50, input.cursor);
        const view = input.detail ? (m: (typeof rows)[number]) => memberDetail(m, now, ctx.config.thresholds) : (m: (typeof rows)[number]) => agentSummary(m, now, ctx.config.thresholds);
        return { agents: rows.map(view), active, ...(timedOut === undefined ? {} : { timed_out: timedOut }), ...paging };
      };
      const count = input.count;
      if (count === undefined || !input.wait_seconds) return answer();
      const deadline = Date.now() + Math.min(ms(input.wait_seconds, 0), ctx.config.maxWaitMs);
      const watch = ctx.watch(call.project, (e) => e.type === 'agent.registered');
      try {
        for (;;) {
          const now = ctx.now();
          const active = (await agentsOf(ctx, call, ['active'])).filter((m) => deriveStatus(m, now, ctx.config.thresholds) === 'active').length;
          if (active >= count) return await answer(false);
          if ((await watch.next(deadline, call)) === null) return await answer(true);
        }
      } finally {
        watch.close();
      }
    },
  }),
];
