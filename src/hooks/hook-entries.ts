/**
 * @module What `baton init` merges into each client's hook file, and the git
 * pre-commit guard it installs: data only, no I/O, so init (which writes the files)
 * and doctor (which checks they are still there) agree on one description.
 *
 * Every entry names the same five decisions (hooks/decisions.ts), reached either
 * by an HTTP hook (Claude Code: no process per tool call) or by the command shim
 * `baton-hook <client> <event>` (a file that loads nothing of the server).
 * Formats, as each client's hook reference documents them (the references and
 * the client releases each format needs are cited in docs/clients/*): Claude Code `.claude/settings.json`
 * `hooks.<Event>[]`, Codex `.codex/hooks.json` (hooks on by default; `apply_patch`
 * emits PreToolUse/PostToolUse with the patch in `tool_input.command`), Cursor
 * `.cursor/hooks.json` (`version: 1`), Gemini CLI `.gemini/settings.json` `hooks.<Event>[]`.
 */

export type HookClient = 'claude-code' | 'codex' | 'cursor' | 'gemini';

export const HOOK_CLIENTS: readonly HookClient[] = ['claude-code', 'codex', 'cursor', 'gemini'];

/** The client-neutral moments a hook reports; each is one route `/hooks/<client>/<event>` and one shim argument. */
export type HookEvent = 'session-start' | 'pre-tool' | 'post-tool' | 'stop' | 'session-end';

export const HOOK_EVENTS: readonly HookEvent[] = ['session-start', 'pre-tool', 'post-tool', 'stop', 'session-end'];

export interface HookEntriesOptions {
  /**
   * Fail closed: when the server cannot answer, an edit is refused instead of allowed.
   * Claude Code's pre-tool hook then runs through the shim (exit 2 blocks), Cursor's
   * gets `failClosed`. Default false: a server that is down never stops an editor.
   */
  strict?: boolean;
  /** The server the HTTP hooks call (default http://127.0.0.1:3100, the local server's default; init passes the configured one). */
  serverUrl?: string;
  /** How to run the command shim (default `baton-hook`, the package's second bin). */
  shim?: string;
}

/** One group appended to the array of one event; never merged into another group. */
export interface HookGroup {
  /** The client's own event name (`PreToolUse`, `preToolUse`, `BeforeTool`, ...). */
  readonly event: string;
  /** The group object exactly as it goes into the event's array. */
  readonly group: Readonly<Record<string, unknown>>;
}

export interface HookEntries {
  readonly client: HookClient;
  readonly format: 'json' | 'toml';
  /** The hook file, relative to the repository root (project scope, the default). */
  readonly projectFile: string;
  /** The hook file, relative to the user's home directory (`--user`). */
  readonly userFile: string;
  /** Where the event arrays live in the file: `['hooks']` for all four clients. */
  readonly eventsPath: readonly string[];
  /** Top-level keys the file needs, set only when absent (Cursor's `version: 1`). */
  readonly defaults: Readonly<Record<string, unknown>>;
  /** What to append, event by event, in order. */
  readonly groups: readonly HookGroup[];
  /** The whole merge as one object: the file's content if it were empty (defaults + groups under eventsPath). */
  readonly merge: Readonly<Record<string, unknown>>;
  /** True for an entry Baton wrote: what uninstall and doctor look for (a shim command or a `/hooks/` URL of ours). */
  readonly isOurs: (hook: unknown) => boolean;
}

const DEFAULT_SERVER_URL = 'http://127.0.0.1:3100';
/** The package's second bin; the command hooks run it by name, so it must be on the client's PATH (shim-on-path.ts). */
export const SHIM_COMMAND = 'baton-hook';

/** Seconds a client waits for one decision; the server answers in milliseconds, this bounds a hung one. */
const TIMEOUT_SECONDS = 10;

/** The file edit tools each client names, and its shell tool (a write there is parsed for a path). */
const CLAUDE_EDIT_TOOLS = 'Edit|Write|MultiEdit|NotebookEdit|Bash';
const CODEX_EDIT_TOOLS = '^(apply_patch|Bash)$';
const CURSOR_EDIT_TOOLS = 'Write|StrReplace|Edit|MultiEdit|Delete|EditNotebook|Shell';
const GEMINI_EDIT_TOOLS = 'write_file|replace|run_shell_command';

export function hookEntries(client: HookClient, opts: HookEntriesOptions = {}): HookEntries {
  const serverUrl = (opts.serverUrl ?? DEFAULT_SERVER_URL).replace(/\/+$/, '');
  const shim = opts.shim ?? SHIM_COMMAND;
  const strict = opts.strict === true;
  const command = (event: HookEvent, strictHere = false): string => `${shim} ${client} ${event}${strictHere ? ' --strict' : ''}`;
  const isOurs = (hook: unknown): boolean => hookIsOurs(hook, shim);

  switch (client) {
    case 'claude-code': {
      // HTTP hooks where Claude Code takes them (PreToolUse, PostToolUse, Stop): no process per
      // tool call. SessionStart and SessionEnd take command hooks only, so they use the shim.
      // A failed HTTP hook is a non-blocking error in Claude Code (fail open); strict runs the
      // pre-tool decision through the shim, whose exit 2 blocks the edit when no server answers.
      const http = (event: HookEvent): Record<string, unknown> => ({
        type: 'http',
        url: `${serverUrl}/hooks/claude-code/${event}`,
        headers: { Authorization: 'Bearer $BATON_TOKEN', 'X-Baton-Project': '$BATON_PROJECT' },
        allowedEnvVars: ['BATON_TOKEN', 'BATON_PROJECT'],
        timeout: TIMEOUT_SECONDS,
      });
      const cmd = (event: HookEvent, strictHere = false): Record<string, unknown> => ({ type: 'command', command: command(event, strictHere), timeout: TIMEOUT_SECONDS });
      return build(client, 'json', '.claude/settings.json', '.claude/settings.json', {}, [
        { event: 'SessionStart', group: { hooks: [cmd('session-start')] } },
        { event: 'PreToolUse', group: { matcher: CLAUDE_EDIT_TOOLS, hooks: [strict ? cmd('pre-tool', true) : http('pre-tool')] } },
        { event: 'PostToolUse', group: { matcher: CLAUDE_EDIT_TOOLS, hooks: [http('post-tool')] } },
        { event: 'Stop', group: { hooks: [http('stop')] } },
        { event: 'SessionEnd', group: { hooks: [cmd('session-end')] } },
      ], isOurs);
    }
    case 'codex': {
      // Codex runs command hooks only; `timeout` is in seconds.
      const cmd = (event: HookEvent, strictHere = false): Record<string, unknown> => ({ type: 'command', command: command(event, strictHere), timeout: TIMEOUT_SECONDS });
      return build(client, 'json', '.codex/hooks.json', '.codex/hooks.json', {}, [
        { event: 'SessionStart', group: { hooks: [cmd('session-start')] } },
        { event: 'PreToolUse', group: { matcher: CODEX_EDIT_TOOLS, hooks: [cmd('pre-tool', strict)] } },
        { event: 'PostToolUse', group: { matcher: CODEX_EDIT_TOOLS, hooks: [cmd('post-tool')] } },
        { event: 'Stop', group: { hooks: [cmd('stop')] } },
      ], isOurs);
    }
    case 'cursor': {
      // Cursor: `{ version: 1, hooks: { <event>: [{ command, matcher?, timeout?, failClosed? }] } }`.
      const cmd = (event: HookEvent, extra: Record<string, unknown> = {}): Record<string, unknown> => ({ command: command(event, extra['failClosed'] === true), timeout: TIMEOUT_SECONDS, ...extra });
      return build(client, 'json', '.cursor/hooks.json', '.cursor/hooks.json', { version: 1 }, [
        { event: 'sessionStart', group: cmd('session-start') },
        { event: 'preToolUse', group: cmd('pre-tool', { matcher: CURSOR_EDIT_TOOLS, ...(strict ? { failClosed: true } : {}) }) },
        { event: 'postToolUse', group: cmd('post-tool', { matcher: CURSOR_EDIT_TOOLS }) },
        { event: 'stop', group: cmd('stop') },
        { event: 'sessionEnd', group: cmd('session-end') },
      ], isOurs);
    }
    case 'gemini': {
      // Gemini CLI: command hooks only; `timeout` is in milliseconds; each hook carries a `name`.
      const cmd = (event: HookEvent, strictHere = false): Record<string, unknown> => ({ type: 'command', name: `baton-${event}`, command: command(event, strictHere), timeout: TIMEOUT_SECONDS * 1000 });
      return build(client, 'json', '.gemini/settings.json', '.gemini/settings.json', {}, [
        { event: 'SessionStart', group: { hooks: [cmd('session-start')] } },
        { event: 'BeforeTool', group: { matcher: GEMINI_EDIT_TOOLS, hooks: [cmd('pre-tool', strict)] } },
        { event: 'AfterTool', group: { matcher: GEMINI_EDIT_TOOLS, hooks: [cmd('post-tool')] } },
        { event: 'AfterAgent', group: { hooks: [cmd('stop')] } },
        { event: 'SessionEnd', group: { hooks: [cmd('session-end')] } },
      ], isOurs);
    }
  }
}

function build(
  client: HookClient,
  format: 'json' | 'toml',
  projectFile: string,
  userFile: string,
  defaults: Record<string, unknown>,
  groups: HookGroup[],
  isOurs: (hook: unknown) => boolean,
): HookEntries {
  const events: Record<string, unknown[]> = {};
  for (const { event, group } of groups) (events[event] ??= []).push(group);
  return { client, format, projectFile, userFile, eventsPath: ['hooks'], defaults, groups, merge: { ...defaults, hooks: events }, isOurs };
}

/** A group (or a single hook) is ours when a command runs our shim or a URL points at a Baton `/hooks/` route. */
function hookIsOurs(hook: unknown, shim: string): boolean {
  if (typeof hook !== 'object' || hook === null) return false;
  const record = hook as Record<string, unknown>;
  const command = record['command'];
  if (typeof command === 'string' && (command.startsWith(`${shim} `) || /(^|[\s/])baton-hook\s/.test(command))) return true;
  const url = record['url'];
  if (typeof url === 'string' && /\/hooks\/(claude-code|codex|cursor|gemini)\/[a-z-]+$/.test(url)) return true;
  const inner = record['hooks'];
  return Array.isArray(inner) && inner.length > 0 && inner.every((h) => hookIsOurs(h, shim));
}

/** The first line of the guard; init finds its own hook (and doctor checks it) by this line. */
export const GIT_GUARD_MARKER = '# baton pre-commit guard';

/** The name init gives an existing pre-commit hook it chains to (restored by uninstall). */
export const GIT_GUARD_CHAINED = 'pre-commit.before-baton';

/**
 * The `.git/hooks/pre-commit` script (in the common git directory, so every worktree of
 * the repository has it). It first runs the hook that was there before, renamed to
 * `pre-commit.before-baton` by init (never overwritten), then asks Baton whether the staged
 * files are reserved exclusively by another live agent. `BATON_GUARD_BYPASS=1` skips the
 * check and the bypass is logged (server event and `<git-dir>/baton-guard.log`). A server
 * that is down, or a shim that is not installed, lets the commit through with a note.
 */
export function gitGuardScript(opts: { shim?: string } = {}): string {
  const shim = opts.shim ?? SHIM_COMMAND;
  return [
    '#!/bin/sh',
    `${GIT_GUARD_MARKER} (written by baton init; baton uninstall removes it and restores any hook it chained)`,
    '# Refuses a commit touching files reserved exclusively by another live agent.',
    '# Bypass once, logged: BATON_GUARD_BYPASS=1 git commit ...',
    `chained="$(dirname "$0")/${GIT_GUARD_CHAINED}"`,
    'if [ -x "$chained" ]; then "$chained" "$@" || exit $?; fi',
    `if command -v ${shellWord(shim.split(' ')[0] ?? shim)} >/dev/null 2>&1; then`,
    `  ${shim} git pre-commit || exit $?`,
    'else',
    `  echo "baton: ${shim} not found; commit not checked against file reservations" >&2`,
    'fi',
    '',
  ].join('\n');
}

const shellWord = (word: string): string => (/^[\w./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`);
