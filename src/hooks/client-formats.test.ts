import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hookPayload } from '../../test/support/hook-payloads.js';
import { formatReply, readHookRequest } from './client-formats.js';
import { HOOK_CLIENTS, HOOK_EVENTS } from './hook-entries.js';

const ctx = { session: 'sess-1', cwd: '/repo', file: '/repo/src/a.ts', relative: 'src/a.ts' };

describe('readHookRequest', () => {
  it.each(HOOK_CLIENTS)('reads %s hook JSON: the session id, the directory and the written file', (client) => {
    const pre = readHookRequest(client, 'pre-tool', hookPayload(client, 'pre-tool', ctx));
    expect(pre.sessionId).toBe('sess-1');
    expect(pre.cwd).toBe('/repo');
    expect(pre.paths).toEqual([client === 'codex' ? 'src/a.ts' : '/repo/src/a.ts']);
    if (client !== 'cursor') expect(readHookRequest(client, 'session-start', hookPayload(client, 'session-start', ctx)).reason).toBe('startup');
  });

  it('reads Claude Code Bash writes, NotebookEdit and Cursor afterFileEdit', () => {
    expect(readHookRequest('claude-code', 'pre-tool', { session_id: 's', cwd: '/r', tool_name: 'Bash', tool_input: { command: 'echo x > src/out.ts' } }).paths).toEqual(['src/out.ts']);
    expect(readHookRequest('claude-code', 'pre-tool', { session_id: 's', tool_name: 'NotebookEdit', tool_input: { notebook_path: '/r/n.ipynb' } }).paths).toEqual(['/r/n.ipynb']);
    expect(readHookRequest('cursor', 'post-tool', { conversation_id: 'c', hook_event_name: 'afterFileEdit', file_path: '/r/a.ts', edits: [] }).paths).toEqual(['/r/a.ts']);
    expect(readHookRequest('codex', 'pre-tool', { session_id: 's', tool_name: 'Bash', tool_input: { command: ['bash', '-lc', "apply_patch <<'EOF'\n*** Begin Patch\n*** Add File: x.ts\n*** End Patch\nEOF"] } }).paths).toEqual(['x.ts']);
  });

  it('never throws on hostile input', () => {
    fc.assert(
      fc.property(fc.constantFrom(...HOOK_CLIENTS), fc.constantFrom(...HOOK_EVENTS), fc.anything(), (client, event, raw) => {
        const request = readHookRequest(client, event, raw);
        expect(Array.isArray(request.paths)).toBe(true);
      }),
      { numRuns: 500 },
    );
    expect(readHookRequest('cursor', 'pre-tool', { conversation_id: 'c', tool_name: 'Write', tool_input: '{"file_path": "/r/x"}' }).paths).toEqual(['/r/x']);
    expect(readHookRequest('cursor', 'pre-tool', { tool_name: 'Write', tool_input: '{broken' }).paths).toEqual([]);
  });
});

describe('formatReply', () => {
  it('denies in each client’s shape', () => {
    expect(formatReply('claude-code', 'pre-tool', { deny: 'no' })).toEqual({ body: { hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: 'deny', permissionDecisionReason: 'no' } }, exitCode: 0 });
    expect(formatReply('codex', 'pre-tool', { deny: 'no' })).toMatchObject({ exitCode: 2, stderr: 'no' });
    expect(formatReply('cursor', 'pre-tool', { deny: 'no' })).toMatchObject({ body: { permission: 'deny', agent_message: 'no' }, exitCode: 2 });
    expect(formatReply('gemini', 'pre-tool', { deny: 'no' })).toMatchObject({ body: { decision: 'deny', reason: 'no' }, exitCode: 2 });
  });

  it('adds context after a tool and at session start, and says nothing otherwise', () => {
    expect(formatReply('claude-code', 'post-tool', { context: 'news' }).body).toEqual({ hookSpecificOutput: { hookEventName: 'PostToolUse', additionalContext: 'news' } });
    expect(formatReply('gemini', 'session-start', { context: 'digest' }).body).toEqual({ hookSpecificOutput: { hookEventName: 'SessionStart', additionalContext: 'digest' } });
    expect(formatReply('cursor', 'post-tool', { context: 'news' }).body).toEqual({ additional_context: 'news' });
    for (const client of HOOK_CLIENTS) {
      expect(formatReply(client, 'pre-tool', {})).toEqual({ body: {}, exitCode: 0 });
      expect(formatReply(client, 'stop', { context: 'x' })).toEqual({ body: {}, exitCode: 0 });
    }
  });
});
