/**
 * @module Hook JSON as each client sends it, shaped after the clients' own hook
 * references, with the client releases that introduced or last changed each format
 * (sources in docs/clients/*#hooks):
 * - Claude Code (https://code.claude.com/docs/en/hooks; anthropics/claude-code CHANGELOG.md):
 *   SessionStart 1.0.62, PreToolUse permissionDecision 1.0.59, SessionEnd 1.0.85 (its
 *   `reason`, incl. `resume` since 2.1.79), HTTP hooks 2.1.63.
 * - Codex (https://developers.openai.com/codex/hooks, revision 2026-05-18): hooks engine
 *   rust-v0.114.0; apply_patch PreToolUse/PostToolUse 0.123.0 (openai/codex#18391).
 * - Cursor: documented at https://cursor.com/docs/hooks as read for issue 10 (2026-12); hooks
 *   since Cursor 1.7, no release found for these generic events; `cursor_version` is a sample.
 * - Gemini CLI (https://geminicli.com/docs/hooks/reference): reference unchanged from v0.39.0
 *   to v0.56.0; hooks on by default since v0.27.0.
 * Only the fields differ per client; the tests feed these to the routes and the shim.
 */
import type { HookClient, HookEvent } from '../../src/hooks/hook-entries.js';

export interface PayloadContext {
  session: string;
  cwd: string;
  /** Absolute path of the file the tool writes. */
  file?: string;
  /** Repository-relative path, for clients that send patches. */
  relative?: string;
  /** SessionEnd's `reason` (default: the client's ordinary exit). */
  reason?: string;
}

const claude = (event: HookEvent, c: PayloadContext): Record<string, unknown> => {
  const base = { session_id: c.session, transcript_path: `/home/u/.claude/projects/p/${c.session}.jsonl`, cwd: c.cwd, permission_mode: 'default' };
  switch (event) {
    case 'session-start':
      return { ...base, hook_event_name: 'SessionStart', source: 'startup', model: 'claude-sonnet-4-6' };
    case 'pre-tool':
      return { ...base, hook_event_name: 'PreToolUse', tool_name: 'Edit', tool_input: { file_path: c.file, old_string: 'a', new_string: 'b', replace_all: false }, tool_use_id: 'toolu_01ABC' };
    case 'post-tool':
      return { ...base, hook_event_name: 'PostToolUse', tool_name: 'Edit', tool_input: { file_path: c.file, old_string: 'a', new_string: 'b' }, tool_response: { filePath: c.file, success: true }, tool_use_id: 'toolu_01ABC' };
    case 'stop':
      return { ...base, hook_event_name: 'Stop', stop_hook_active: false };
    case 'session-end':
      return { ...base, hook_event_name: 'SessionEnd', reason: c.reason ?? 'prompt_input_exit' };
  }
};

const patch = (relative: string | undefined): string => `*** Begin Patch\n*** Update File: ${relative ?? 'README.md'}\n@@\n-old\n+new\n*** End Patch\n`;

const codex = (event: HookEvent, c: PayloadContext): Record<string, unknown> => {
  const base = { session_id: c.session, transcript_path: null, cwd: c.cwd, model: 'gpt-5.5' };
  switch (event) {
    case 'session-start':
      return { ...base, hook_event_name: 'SessionStart', source: 'startup' };
    case 'pre-tool':
      return { ...base, hook_event_name: 'PreToolUse', turn_id: 't-1', tool_name: 'apply_patch', tool_use_id: 'call_1', tool_input: { command: patch(c.relative) } };
    case 'post-tool':
      return { ...base, hook_event_name: 'PostToolUse', turn_id: 't-1', tool_name: 'apply_patch', tool_use_id: 'call_1', tool_input: { command: patch(c.relative) }, tool_response: 'Success. Updated the following files:\nM x' };
    case 'stop':
      return { ...base, hook_event_name: 'Stop', turn_id: 't-1', stop_hook_active: false, last_assistant_message: 'done' };
    case 'session-end':
      return { ...base, hook_event_name: 'SessionEnd' };
  }
};

const cursor = (event: HookEvent, c: PayloadContext): Record<string, unknown> => {
  const base = { conversation_id: c.session, generation_id: 'gen-1', model: 'claude-4.5-sonnet', cursor_version: '2.1.0', workspace_roots: [c.cwd], user_email: 'dev@example.com' };
  switch (event) {
    case 'session-start':
      return { ...base, session_id: c.session, hook_event_name: 'sessionStart', is_background_agent: false, composer_mode: 'agent' };
    case 'pre-tool':
      return { ...base, hook_event_name: 'preToolUse', tool_name: 'Write', tool_input: { file_path: c.file, contents: 'x' }, tool_use_id: 'tu-1', cwd: c.cwd };
    case 'post-tool':
      return { ...base, hook_event_name: 'postToolUse', tool_name: 'Write', tool_input: { file_path: c.file, contents: 'x' }, tool_output: '{"ok":true}', tool_use_id: 'tu-1', cwd: c.cwd, duration: 12 };
    case 'stop':
      return { ...base, hook_event_name: 'stop', status: 'completed', loop_count: 0 };
    case 'session-end':
      return { ...base, session_id: c.session, hook_event_name: 'sessionEnd', reason: c.reason ?? 'completed', duration_ms: 1000 };
  }
};

const gemini = (event: HookEvent, c: PayloadContext): Record<string, unknown> => {
  const base = { session_id: c.session, transcript_path: `/home/u/.gemini/tmp/${c.session}.json`, cwd: c.cwd, timestamp: '2026-12-01T15:00:00.000Z' };
  switch (event) {
    case 'session-start':
      return { ...base, hook_event_name: 'SessionStart', source: 'startup' };
    case 'pre-tool':
      return { ...base, hook_event_name: 'BeforeTool', tool_name: 'replace', tool_input: { file_path: c.file, old_string: 'a', new_string: 'b', instruction: 'rename' } };
    case 'post-tool':
      return { ...base, hook_event_name: 'AfterTool', tool_name: 'replace', tool_input: { file_path: c.file, old_string: 'a', new_string: 'b' }, tool_response: { llmContent: 'ok' } };
    case 'stop':
      return { ...base, hook_event_name: 'AfterAgent', prompt: 'p', prompt_response: 'r', stop_hook_active: false };
    case 'session-end':
      return { ...base, hook_event_name: 'SessionEnd', reason: c.reason ?? 'exit' };
  }
};

export const hookPayload = (client: HookClient, event: HookEvent, c: PayloadContext): Record<string, unknown> =>
  ({ 'claude-code': claude, codex, cursor, gemini })[client](event, c);
