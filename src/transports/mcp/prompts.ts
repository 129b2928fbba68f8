/**
 * @module The prompts that walk an agent through a session, built on the session
 * macros: `startup` (one start_session call, then act on its digest) and
 * `sign-off` (one end_session call with a handover note).
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { mentioning } from '../../core/mentions.js';

export function registerPrompts(mcp: McpServer, offered: ReadonlySet<string>): void {
  if (offered.has('start_session')) {
    mcp.registerPrompt(
      'startup',
      { description: 'Join the project in one call and see what to do.', argsSchema: { name: z.string().max(100).optional().describe('Your display name.') } },
      ({ name }) => ({
        messages: [
          {
            role: 'user',
            content: {
              type: 'text',
              text: [
                'You are starting work in a project coordinated by Baton.',
                `1. Call start_session with${name ? ` name "${name}" and` : ''} metadata {cwd, branch}; add reserve (the paths you will edit) and claim: true if you take work from the plan.`,
                '2. Read its digest: who else is here and on what, what you already hold, the best ready tasks, the last handover note. Avoid files others hold.',
                mentioning('3. Reserve files before editing them ([[reserve_files|start_session with reserve]]) and take a lock around shared commands ([[acquire_lock|start_session with locks]], with wait_seconds).', offered),
              ].join('\n'),
            },
          },
        ],
      }),
    );
  }
  if (offered.has('end_session')) {
    mcp.registerPrompt('sign-off', { description: 'Leave cleanly in one call, with a handover note.' }, () => ({
      messages: [
        {
          role: 'user',
          content: {
            type: 'text',
            text: 'You are done for now. Call end_session with a note for whoever continues (what is done, what is next, what is risky); pass claims: "done" if you finished the tasks you claimed, else they return to the pool. It releases your locks and reservations and signs you off.',
          },
        },
      ],
    }));
  }
}
