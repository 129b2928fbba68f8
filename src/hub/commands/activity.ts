/**
 * @module File-activity commands (toolset `activity`): record edits (the editor
 * hooks call this too; an edit renews your intents on the file), one read for
 * hot files, an agent's recent files, a conflict check on files and each live
 * agent's activity, and a line on the timeline.
 */
import { z } from 'zod';
import type { Doc, EditBody } from '../../core/consult/doc.js';
import type { IntentBody } from '../../core/consult/intent.js';
import { normalizePaths, pathsMeet } from '../../core/consult/paths.js';
import type { Thread } from '../../core/consult/thread.js';
import { CoordinationError } from '../../core/errors.js';
import { deriveStatus, hasEnded } from '../../core/presence/member.js';
import { callerFields, defineCommand, mutatingFields } from '../command.js';
import { policyOf } from '../consult/policy.js';
import { shortText, stringList } from '../fields.js';
import { cursorField, page, pageOutput } from '../paging.js';
import { iso } from '../views/common.js';

const files = stringList(100, z.string().min(1).max(500));
/** Edit rows read for one answer at most (the window bounds them first). */
const EDITS_READ = 50_000;

const fileRow = z.object({ file: z.string(), editors: z.array(z.string()), last_at: z.string(), edits: z.number().int().optional(), intents: z.array(z.string()).optional() });

export const activityCommands = [
  defineCommand({
    name: 'record_file_edit',
    toolset: 'activity',
    description: 'Record that you edited files (renews your intents on them).',
    mutating: true,
    input: z.object({ ...mutatingFields, files: files.min(1) }),
    output: z.object({ recorded: z.number().int(), renewed_intents: z.array(z.string()).optional() }),
    async run(ctx, input, call) {
      const agent = ctx.agentOf(call);
      const list = normalizePaths(input.files);
      const { renewed } = ctx.publish(await ctx.store.consult.recordEdits(ctx.actAs(call), agent, list, policyOf(ctx.config)));
      return { recorded: list.length, ...(renewed.length > 0 ? { renewed_intents: renewed } : {}) };
    },
  }),
  defineCommand({
    name: 'file_activity',
    toolset: 'activity',
    description: "mode hot: files edited by several agents lately; recent: an agent's files (default you); conflict: who else edits or intends `files`; agents: each live agent's activity.",
    mutating: false,
    idempotent: true,
    input: z.object({ ...callerFields, mode: z.enum(['hot', 'recent', 'conflict', 'agents']).optional(), files: files.optional(), agent: z.string().max(128).optional(), window_minutes: z.number().int().min(1).max(1440).optional(), limit: z.number().int().min(1).max(200).optional(), cursor: cursorField }),
    output: z
      .object({
        files: z.array(fileRow).optional(),
        conflict: z.boolean().optional(),
        agents: z.array(z.record(z.string(), z.unknown())).optional(),
        total: pageOutput.total.optional(),
        next_cursor: pageOutput.next_cursor,
        truncated: pageOutput.truncated.optional(),
      })
      .describe('hot, recent and agents page (default 20); conflict answers one row per file asked.'),
    async run(ctx, input, call) {
      await ctx.requireProject(call);
      const now = ctx.now();
      const since = now - (input.window_minutes === undefined ? ctx.config.editWindowMs : input.window_minutes * 60_000);
      const limit = input.limit ?? 20;
      const mode = input.mode ?? 'hot';
      if (mode === 'agents') {
        const members = (await ctx.store.listMembers(call.project, 'agent')).filter((m) => !hasEnded(deriveStatus(m, now, ctx.config.thresholds)));
        const threads = (await ctx.store.consult.listDocs(call.project, 'thread', { status: 'open' }, 5_000)) as Doc<Thread>[];
        const intents = (await ctx.store.consult.listDocs(call.project, 'intent', { status: 'active' }, 5_000)) as Doc<IntentBody>[];
        const { rows: agents, ...paging } = page(members, (m) => [m.registeredAt, m.id], limit, input.cursor);
        return {
          ...paging,
          agents: agents.map((m) => ({
            agent_id: m.id, status: deriveStatus(m, now, ctx.config.thresholds), activity: m.activity, ...(m.currentFile ? { current_file: m.currentFile } : {}),
            intents: intents.filter((d) => d.owner === m.id).length,
            ...(threads.some((t) => t.body.participants.some((p) => p.agent === m.id && p.role === 'respondent')) ? { awaited_in: threads.filter((t) => t.body.participants.some((p) => p.agent === m.id && p.role === 'respondent')).map((t) => t.id).slice(0, 5) } : {}),
          })),
        };
      }
      const edits = (await ctx.store.consult.listDocs(call.project, 'edit', { from: since, ...(mode === 'recent' ? { owner: input.agent ?? ctx.agentOf(call) } : {}) }, EDITS_READ)) as Doc<EditBody>[];
      const byFile = new Map<string, { editors: Set<string>; last: number; edits: number }>();
      for (const e of edits) {
        const row = byFile.get(e.body.file) ?? { editors: new Set<string>(), last: 0, edits: 0 };
        row.editors.add(e.owner ?? '');
        row.last = Math.max(row.last, e.sort);
        row.edits += e.body.count;
        byFile.set(e.body.file, row);
      }
      const view = (file: string, r: { editors: Set<string>; last: number; edits: number }) => ({ file, editors: [...r.editors].slice(0, 10), last_at: iso(r.last), edits: r.edits });
      if (mode === 'conflict') {
        if (!input.files) throw new CoordinationError('INVALID_INPUT', "mode 'conflict' needs files.", { field: 'files' });
        const me = call.agentId;
        const wanted = normalizePaths(input.files);
        const intents = (await ctx.store.consult.listDocs(call.project, 'intent', { status: 'active' }, 5_000)) as Doc<IntentBody>[];
        const rows = wanted.map((file) => {
          const editors = new Set<string>();
          let last = 0;
          for (const [f, r] of byFile) if (pathsMeet(f, file)) for (const a of r.editors) if (a !== me) { editors.add(a); last = Math.max(last, r.last); }
          const intended = intents.filter((d) => d.owner !== me && (d.expiresAt ?? Infinity) > now && d.body.targets.some((t) => pathsMeet(t, file))).map((d) => `${d.owner ?? ''}:${d.id}`);
          return { file, editors: [...editors], last_at: iso(last || now), ...(intended.length > 0 ? { intents: intended.slice(0, 5) } : {}) };
        });
        return { conflict: rows.some((r) => r.editors.length > 0 || (r.intents?.length ?? 0) > 0), files: rows };
      }
      // Most editors first, then the latest: an edit between pages can move a file (ranked lists shift as they change).
      const { rows, ...paging } = page([...byFile].filter(([, r]) => mode === 'recent' || r.editors.size > 1), ([f, r]) => [-r.editors.size, -r.last, f], limit, input.cursor);
      return { files: rows.map(([f, r]) => view(f, r)), ...paging };
    },
  }),
  defineCommand({
    name: 'log_action_summary',
    toolset: 'activity',
    description: 'Put one line about what you did on the project timeline.',
    mutating: true,
    input: z.object({ ...mutatingFields, summary: shortText.min(1) }),
    output: z.object({ event_id: z.number().int() }),
    async run(ctx, input, call) {
      const e = ctx.publish(await ctx.store.consult.logAction(ctx.actAs(call), ctx.agentOf(call), input.summary));
      return { event_id: e.id };
    },
  }),
];
