/**
 * @module The prompts that walk an agent through a session: `startup` (register,
 * read the situation, announce the work) and `sign-off` (release, hand over, sign
 * off). Steps name only tools this connection offers.
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';

type Step = [tool: string, text: string];

const STARTUP: Step[] = [
  ['register_agent', 'Call register_agent{{name}} with metadata {cwd, branch}; keep the agent_id it returns.'],
  ['coordinator_status', 'Read coordinator_status: who is here, what is locked, which tasks are open.'],
  ['list_agents', 'Look at list_agents to see what the others are doing.'],
  ['get_available_tasks', 'If you take work from the plan, get_available_tasks and claim_task one (keep its token).'],
  ['list_reservations', 'Check list_reservations; reserve_files the paths you will edit before editing them.'],
  ['heartbeat', 'Announce what you work on: heartbeat with activity "working" and your current file, and again every few minutes.'],
];

const SIGN_OFF: Step[] = [
  ['update_task', 'Finish each task you claimed: update_task with status done (and output) or failed (and error), or release_task to hand it back.'],
  ['release_lock', 'Release every lock you hold (list_locks shows them): release_lock.'],
  ['release_files', 'Release your file reservations: release_files.'],
  ['store_data', 'Leave a handover note for whoever continues: store_data in scope "handover" under your agent id (what is done, what is next, what is risky).'],
  ['sign_off', 'Call sign_off: it releases anything left and returns unfinished claims to the pool.'],
];

function render(steps: Step[], offered: ReadonlySet<string>, values: Record<string, string>): string {
  return steps
    .filter(([tool]) => offered.has(tool))
    .map(([, text], i) => `${i + 1}. ${text.replace(/\{\{(\w+)\}\}/g, (_m, key: string) => values[key] ?? '')}`)
    .join('\n');
}

export function registerPrompts(mcp: McpServer, offered: ReadonlySet<string>): void {
  mcp.registerPrompt(
    'startup',
    { description: 'Join the project: register, read the situation, announce your work.', argsSchema: { name: z.string().max(100).optional().describe('Your display name.') } },
    ({ name }) => ({
      messages: [
        {
          role: 'user',
          content: { type: 'text', text: `You are starting work in a project coordinated by Baton. Do this now:\n${render(STARTUP, offered, { name: name ? ` (name "${name}")` : '' })}` },
        },
      ],
    }),
  );
  mcp.registerPrompt('sign-off', { description: 'Leave cleanly: release, hand over, sign off.' }, () => ({
    messages: [{ role: 'user', content: { type: 'text', text: `You are done for now. Before you stop:\n${render(SIGN_OFF, offered, {})}` } }],
  }));
}
