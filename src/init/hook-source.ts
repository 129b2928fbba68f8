/**
 * @module The hooks module's description of each client's hooks
 * (hooks/hook-entries.ts) as init's writes: defaults set only when absent, each
 * group appended to its event's array (never merged into someone else's group),
 * at the project or user path, codex's under CODEX_HOME.
 */
import { GIT_GUARD_CHAINED, gitGuardScript, hookEntries } from '../hooks/hook-entries.js';
import type { JsonValue, JsonWrite } from './json-merge.js';
import type { HookConfig, HookSource } from './targets.js';

export const hookSource: HookSource = (client, scope, options): HookConfig[] => {
  const entries = hookEntries(client, { strict: options.strict, ...(options.serverUrl ? { serverUrl: options.serverUrl } : {}) });
  const file = scope === 'user' ? entries.userFile : entries.projectFile;
  const path = scope === 'user' && client === 'codex' ? file.replace(/^\.codex(?=\/)/, options.codexHome) : file;
  const writes: JsonWrite[] = [
    ...Object.entries(entries.defaults).map(([key, value]): JsonWrite => ({ op: 'default', path: [key], value: value as JsonValue })),
    ...entries.groups.map((group): JsonWrite => ({ op: 'append', path: [...entries.eventsPath, group.event], value: group.group as JsonValue })),
  ];
  return [{ path, format: entries.format, writes, events: [...new Set(entries.groups.map((group) => group.event))] }];
};

/** The git pre-commit guard as the hooks module writes it. */
export const gitGuard = (): { script: string; chained: string } => ({ script: gitGuardScript(), chained: GIT_GUARD_CHAINED });
