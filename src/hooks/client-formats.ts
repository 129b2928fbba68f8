/**
 * @module Each client's hook JSON, both ways: what arrives (read into one neutral
 * HookRequest: session id, directory, the files a tool writes) and what goes back
 * (a decision in the client's own output shape and exit code). Shapes as the
 * clients' hook references define them (cited in docs/clients/*). Hook input is
 * untrusted: any field may be missing or of another type, and nothing here throws.
 */
import { patchPaths, shellWritePaths } from './edit-paths.js';
import type { HookClient, HookEvent } from './hook-entries.js';

export interface HookRequest {
  readonly client: HookClient;
  readonly event: HookEvent;
  /** The client's session id: the hook's agent identity. */
  readonly sessionId: string | undefined;
  readonly cwd: string | undefined;
  readonly tool: string | undefined;
  /** Files the tool writes, as the input names them (absolute, or relative to cwd). */
  readonly paths: readonly string[];
  /** SessionStart's trigger (startup, resume, clear, compact) or SessionEnd's reason. */
  readonly reason: string | undefined;
}

/** A decision, client-neutral. `context` is text for the model (digest, notices); `deny` refuses the tool call. */
export type HookOutcome = { readonly deny: string } | { readonly context?: string };

/** What the client reads back: its JSON, and for command hooks the exit code and stderr. */
export interface HookReply {
  readonly body: Record<string, unknown>;
  readonly exitCode: 0 | 2;
  readonly stderr?: string;
}

type Json = Record<string, unknown>;

const str = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
const obj = (value: unknown): Json => {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Json;
  // Cursor has sent tool_input as a JSON string in some versions.
  if (typeof value === 'string' && value.startsWith('{')) {
    try {
      return obj(JSON.parse(value));
    } catch {
      return {};
    }
  }
  return {};
};
const commandOf = (input: Json): string | undefined => {
  const command = input['command'];
  if (Array.isArray(command)) return command.filter((p): p is string => typeof p === 'string').join(' ');
  return str(command);
};
const firstPath = (input: Json): string[] => {
  for (const key of ['file_path', 'notebook_path', 'path', 'target_file', 'filePath', 'absolute_path']) {
    const value = str(input[key]);
    if (value !== undefined) return [value];
  }
  return [];
};

const SHELL_TOOLS = new Set(['Bash', 'Shell', 'run_shell_command', 'shell', 'exec_command']);

/** The files a tool call writes, by tool name (Claude Code, Codex, Cursor and Gemini CLI names). */
function toolPaths(tool: string | undefined, input: Json): string[] {
  if (tool === undefined) return [];
  if (tool === 'apply_patch') {
    const patch = str(input['command']) ?? str(input['input']) ?? str(input['patch']);
    return patch === undefined ? [] : patchPaths(patch);
  }
  if (SHELL_TOOLS.has(tool)) {
    const command = commandOf(input);
    // Codex sends apply_patch through the shell too (`apply_patch <<'EOF' ...`).
    if (command?.includes('*** Begin Patch')) return patchPaths(command);
    return command === undefined ? [] : shellWritePaths(command);
  }
  if (tool === 'MultiEdit' || tool === 'Edit' || tool === 'Write' || tool === 'NotebookEdit') return firstPath(input);
  // Cursor (Write, StrReplace, Delete, EditNotebook, ...) and Gemini CLI (write_file, replace): a path field.
  return firstPath(input);
}

/** Reads one hook's JSON into a HookRequest; `raw` may be anything. */
export function readHookRequest(client: HookClient, event: HookEvent, raw: unknown): HookRequest {
  const body = obj(raw);
  const tool = str(body['tool_name']);
  const input = obj(body['tool_input']);
  const roots = body['workspace_roots'];
  const cwd = str(body['cwd']) ?? (Array.isArray(roots) ? str(roots[0]) : undefined);
  const sessionId = str(body['session_id']) ?? str(body['conversation_id']);
  const reason = str(body['source']) ?? str(body['reason']) ?? str(body['trigger']);
  let paths = toolPaths(tool, input);
  // Cursor's afterFileEdit names the file at the top level.
  if (paths.length === 0 && client === 'cursor') paths = firstPath(body);
  return { client, event, sessionId, cwd, tool, paths, reason };
}

/** The decision in the client's shape. */
export function formatReply(client: HookClient, event: HookEvent, outcome: HookOutcome): HookReply {
  const denied = 'deny' in outcome ? outcome.deny : undefined;
  const context = 'context' in outcome ? outcome.context : undefined;
  switch (client) {
    case 'claude-code':
    case 'codex': {
      // Claude Code and Codex share the shape: hookSpecificOutput with the event's own name.
      const eventName = CLAUDE_EVENT[event];
      if (denied !== undefined) {
        const body = { hookSpecificOutput: { hookEventName: eventName, permissionDecision: 'deny', permissionDecisionReason: denied } };
        // Codex also honours exit 2 with the reason on stderr; Claude Code's HTTP hooks read the body only.
        return client === 'codex' ? { body, exitCode: 2, stderr: denied } : { body, exitCode: 0 };
      }
      if (context !== undefined && (event === 'post-tool' || event === 'session-start')) {
        return { body: { hookSpecificOutput: { hookEventName: eventName, additionalContext: context } }, exitCode: 0 };
      }
      return { body: {}, exitCode: 0 };
    }
    case 'cursor': {
      if (denied !== undefined) return { body: { permission: 'deny', user_message: denied, agent_message: denied }, exitCode: 2, stderr: denied };
      if (context !== undefined && (event === 'post-tool' || event === 'session-start')) return { body: { additional_context: context }, exitCode: 0 };
      return { body: {}, exitCode: 0 };
    }
    case 'gemini': {
      if (denied !== undefined) return { body: { decision: 'deny', reason: denied }, exitCode: 2, stderr: denied };
      if (context !== undefined && (event === 'post-tool' || event === 'session-start')) {
        return { body: { hookSpecificOutput: { hookEventName: GEMINI_EVENT[event], additionalContext: context } }, exitCode: 0 };
      }
      return { body: {}, exitCode: 0 };
    }
  }
}

const CLAUDE_EVENT: Record<HookEvent, string> = { 'session-start': 'SessionStart', 'pre-tool': 'PreToolUse', 'post-tool': 'PostToolUse', stop: 'Stop', 'session-end': 'SessionEnd' };
const GEMINI_EVENT: Record<HookEvent, string> = { 'session-start': 'SessionStart', 'pre-tool': 'BeforeTool', 'post-tool': 'AfterTool', stop: 'AfterAgent', 'session-end': 'SessionEnd' };
