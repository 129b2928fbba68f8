/**
 * @module Loads the Lua scripts of ./scripts (each opens with its KEYS/ARGV/returns
 * header), pastes the `-- @include name` helpers from ./scripts/lib, and registers
 * them on a connection, which runs them by EVALSHA (loading them on NOSCRIPT).
 */
import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';

const DIR = new URL('./scripts/', import.meta.url);

const SCRIPT_NAMES = ['apply-plan', 'read-events', 'read-index', 'read-docs', 'read-state-keys', 'purge-requests', 'hit-windows', 'take-holds', 'count-project'] as const;
export type ScriptName = (typeof SCRIPT_NAMES)[number];

export type ScriptArg = string | number;
export type ScriptReply = string | number | null | ScriptReply[];

export type Scripts = Record<ScriptName, (keys: readonly string[], args: readonly ScriptArg[]) => Promise<ScriptReply>>;

const sources = new Map<ScriptName, string>();

function source(name: ScriptName): string {
  let text = sources.get(name);
  if (text === undefined) {
    text = readFileSync(new URL(`${name}.lua`, DIR), 'utf8').replace(/^-- @include (\w+)$/gm, (_, lib: string) => readFileSync(new URL(`lib/${lib}.lua`, DIR), 'utf8'));
    sources.set(name, text);
  }
  return text;
}

const commandName = (name: ScriptName): string => `baton_${name.replace(/-/g, '_')}`;

/** Registers every script on `client` and returns typed callers. */
export function defineScripts(client: Redis): Scripts {
  const scripts = {} as Scripts;
  for (const name of SCRIPT_NAMES) {
    const command = commandName(name);
    client.defineCommand(command, { lua: source(name) });
    const run = (client as unknown as Record<string, (...args: ScriptArg[]) => Promise<ScriptReply>>)[command];
    if (!run) throw new Error(`ioredis did not register the script ${name}.`);
    scripts[name] = (keys, args) => run.call(client, keys.length, ...keys, ...args);
  }
  return scripts;
}
