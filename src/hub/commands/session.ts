/**
 * @module The session macros: start_session (register, and optionally reserve
 * files, claim a task and take locks, answering with a compact digest of the
 * project and the last handover note) and end_session (finish or return your
 * claims, leave a handover note, sign off). Each part is its own step, with a
 * request id derived from the caller's, so a retried macro repeats none of them.
 */
import { z } from 'zod';
import { invalidInput, isCoordinationError } from '../../core/errors.js';
import { mentioning } from '../../core/mentions.js';
import { assertLockName } from '../../core/leases/lock-name.js';
import { deriveStatus } from '../../core/presence/member.js';
import { compareForClaim } from '../../core/tasks/task-graph.js';
import { defineCommand, mutatingFields } from '../command.js';
import type { Call, HubContext } from '../context.js';
import { waitSeconds } from '../fields.js';
import { parseInput } from '../input.js';
import { agentSummary, agentSummarySchema } from '../views/members.js';
import { leaseSummary, leaseRowSchema } from '../views/leases.js';
import { taskSummary, taskSummarySchema } from '../views/tasks.js';
import { iso } from '../views/common.js';
import { fileCommands } from './files.js';
import { lockCommands } from './locks.js';
import { released, releasedSchema } from './next-steps.js';
import { registerAgent, registerInput } from './presence.js';
import { taskCommands } from './tasks.js';

/** Where handover notes live: one per project, the latest. */
const HANDOVER = { scope: 'baton', key: 'handover' } as const;
const AGENTS_SHOWN = 8;

/** start_session's next step, naming tools the connection lists, else saying how start_session or end_session does it. */
const NEXT = {
  finish: "finish your task with [[update_task|end_session (claims: 'done')]]",
  claim: '[[claim_task|start_session with claim: true]] takes the best ready task',
  edit: '[[reserve_files|start_session with reserve]] before editing; [[acquire_lock|start_session with locks]] around shared commands',
} as const;
const READY_SHOWN = 3;

const part = (call: Call, name: string): Call => (call.requestId === undefined ? call : { ...call, requestId: `${call.requestId}:${name}` });

const byName = (name: string) => {
  const command = [...fileCommands, ...lockCommands, ...taskCommands].find((c) => c.name === name);
  if (!command) throw new Error(`session macro: no command ${name}`);
  return command;
};

interface Part {
  readonly name: string;
  readonly input: Record<string, unknown>;
  readonly key: string;
}

interface PartDraft {
  readonly name: string;
  readonly raw: Record<string, unknown>;
  readonly key: string;
  /** The macro's own field this part comes from, named in a refusal. */
  readonly field: string;
}

/**
 * Validates every part of a macro against its own command's schema before any
 * of them runs, so bad input for the third part answers INVALID_INPUT without
 * the first two having happened.
 */
function checked(parts: readonly PartDraft[]): Part[] {
  return parts.map(({ name, raw, key, field }) => {
    try {
      const input = parseInput(byName(name), raw);
      if (name === 'acquire_lock' && input['name'] !== 'work') assertLockName(String(input['name']));
      return { name, key, input };
    } catch (error) {
      if (!isCoordinationError(error)) throw error;
      throw invalidInput(`In '${field}': ${error.message}`, { ...error.details, field });
    }
  });
}

/** Runs another command of the catalog as one part of a macro, with a request id derived from the macro's. */
async function runPart(ctx: HubContext, call: Call, { name, input, key }: Part): Promise<Record<string, unknown>> {
  return await byName(name).run(ctx, input, part(call, key));
}

const handoverSchema = z.object({ note: z.string(), by: z.string(), at: z.string() });

async function digest(ctx: HubContext, call: Call, me: string) {
  const now = ctx.now();
  const [members, counts, leases, ready, claimed, note] = await Promise.all([
    ctx.store.listMembers(call.project, 'agent'),
    ctx.store.countProject(call.project, now),
    ctx.store.listLeases(call.project, now),
    ctx.store.listTasks(call.project, { status: ['ready'], limit: 500 }),
    ctx.store.listTasks(call.project, { status: ['claimed'], limit: 500 }),
    ctx.store.getState(call.project, HANDOVER.scope, HANDOVER.key, now),
  ]);
  const live = members.filter((m) => m.id !== me && ['active', 'idle'].includes(deriveStatus(m, now, ctx.config.thresholds)));
  const best = [...ready].sort(compareForClaim).slice(0, READY_SHOWN);
  const handover = note && typeof (note.value as { note?: unknown }).note === 'string' ? (note.value as z.infer<typeof handoverSchema>) : undefined;
  return {
    others: { live: live.length, agents: live.slice(0, AGENTS_SHOWN).map((m) => agentSummary(m, now, ctx.config.thresholds)) },
    yours: {
      locks: leases.filter((l) => l.holder === me && l.kind !== 'files').map((l) => leaseSummary(l, now)),
      reservations: leases.filter((l) => l.holder === me && l.kind === 'files').map((l) => leaseSummary(l, now)),
      claims: claimed.filter((t) => t.claim?.agent === me).map(taskSummary),
    },
    tasks: { counts: counts.tasks, best_ready: best.map(taskSummary) },
    ...(handover ? { handover } : {}),
  };
}

export const sessionCommands = [
  defineCommand({
    name: 'start_session',
    toolset: 'presence',
    description: 'Start here: registers you; answers who is here, what you hold, the best ready tasks and the last handover note. Can also reserve, claim and lock.',
    mutating: true,
    blocking: true,
    advertise: ['agent_id'],
    input: z.object({
      ...mutatingFields,
      ...registerInput,
      reserve: z.array(z.string().min(1).max(500)).min(1).max(100).optional().describe('Path globs.'),
      claim: z.union([z.boolean(), z.string().min(1).max(128)]).optional().describe('true (best ready task) or a task id.'),
      locks: z.array(z.string().min(1).max(200)).max(10).optional(),
      wait_seconds: waitSeconds,
    }),
    output: z.object({
      agent_id: z.string(),
      project: z.string(),
      others: z.object({ live: z.number().int(), agents: z.array(agentSummarySchema) }),
      yours: z.object({ locks: z.array(leaseRowSchema), reservations: z.array(leaseRowSchema), claims: z.array(taskSummarySchema) }),
      tasks: z.object({ counts: z.record(z.string(), z.number()), best_ready: z.array(taskSummarySchema) }),
      handover: handoverSchema.optional(),
      reserved: z.record(z.string(), z.unknown()).optional().describe('The reserve_files answer.'),
      claimed: z.record(z.string(), z.unknown()).optional().describe('The claim_task answer.'),
      locked: z.array(z.record(z.string(), z.unknown())).optional().describe('An acquire_lock answer per lock.'),
      next: z.string(),
    }),
    async run(ctx, input, call) {
      const claim = input.claim;
      const parts = checked([
        ...(input.reserve ? [{ name: 'reserve_files', key: 'reserve_files', field: 'reserve', raw: { paths: input.reserve } }] : []),
        ...(claim === undefined || claim === false ? [] : [{ name: 'claim_task', key: 'claim_task', field: 'claim', raw: claim === true ? {} : { task_id: claim } }]),
        ...(input.locks ?? []).map((name) => ({ name: 'acquire_lock', key: name, field: 'locks', raw: { name, wait_seconds: input.wait_seconds } })),
      ]);
      const { agentId } = await registerAgent(ctx, part(call, 'register'), input);
      const me: Call = { ...call, agentId };
      const answers = new Map<string, Record<string, unknown>>();
      const locked: Record<string, unknown>[] = [];
      for (const step of parts) {
        const answer = await runPart(ctx, me, step);
        if (step.name === 'acquire_lock') locked.push(answer);
        else answers.set(step.name, answer);
      }
      const reserved = answers.get('reserve_files');
      const claimed = answers.get('claim_task');
      const view = await digest(ctx, me, agentId);
      const hint = view.yours.claims.length > 0 ? NEXT.finish : view.tasks.best_ready.length > 0 ? NEXT.claim : NEXT.edit;
      return {
        agent_id: agentId,
        project: call.project,
        ...view,
        ...(reserved ? { reserved } : {}),
        ...(claimed ? { claimed } : {}),
        ...(locked.length > 0 ? { locked } : {}),
        next: mentioning(`${hint}; end_session when you stop.`, call.tools),
      };
    },
  }),
  defineCommand({
    name: 'end_session',
    toolset: 'presence',
    description: 'Finish: return (default) or complete your claims, leave a handover note, sign off.',
    mutating: true,
    idempotent: true,
    input: z.object({
      ...mutatingFields,
      note: z.string().max(4_000).optional().describe('Done, next, risky.'),
      claims: z.enum(['return', 'done']).optional(),
    }),
    output: z.object({ signed_off: z.literal(true), completed: z.array(z.string()).optional(), note_saved: z.boolean().optional(), released: releasedSchema }),
    async run(ctx, input, call) {
      const me = ctx.agentOf(call);
      const mine = (await ctx.store.listTasks(call.project, { status: ['claimed'], limit: 500 })).filter((t) => t.claim?.agent === me);
      const completed: string[] = [];
      if (input.claims === 'done') {
        for (const task of mine) {
          const [done] = checked([{ name: 'update_task', key: `done:${task.id}`, field: 'claims', raw: { task_id: task.id, token: task.claim?.token, status: 'done' } }]);
          if (done) await runPart(ctx, call, done);
          completed.push(task.id);
        }
      }
      if (input.note !== undefined) {
        const value = { note: input.note, by: me, at: iso(ctx.now()) };
        ctx.publish(await ctx.store.putState(ctx.mutation(part(call, 'note')), { scope: HANDOVER.scope, key: HANDOVER.key, value, actor: me }));
      }
      const written = await ctx.store.signOff(ctx.mutation(part(call, 'sign_off')), me);
      ctx.publish(written);
      return { signed_off: true as const, ...(completed.length > 0 ? { completed } : {}), ...(input.note !== undefined ? { note_saved: true } : {}), released: released(written.events, me) };
    },
  }),
];
