/**
 * @module The options every client command shares (--url, --data-dir, --project,
 * --agent) turned into a BatonClient: the server located (locate.ts), the project
 * of the current directory (project/identity.ts: flag, BATON_PROJECT, .baton.json,
 * else the repository), the agent (flag, BATON_AGENT, CLAUDE_CODE_SESSION_ID, else
 * this user at this host), and BATON_TOKEN.
 */
import { hostname, userInfo } from 'node:os';
import { resolveProject } from '../../project/identity.js';
import { UsageError } from './errors.js';
import { BatonClient } from './http-client.js';
import { locateServer } from './locate.js';

export interface ClientFlags {
  url?: string | undefined;
  dataDir?: string | undefined;
  project?: string | undefined;
  agent?: string | undefined;
}

export interface ClientPlace {
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
}

/** Letters, digits and `_ - . : @` (the agent id alphabet); anything else becomes `-`. */
const asId = (text: string): string => text.replace(/[^A-Za-z0-9_\-.:@]/g, '-').slice(0, 128);

/** The agent a shell user acts as when none is named: stable across their commands, so `lock acquire` then `lock release` match. */
function defaultAgent(env: ClientPlace['env']): string {
  const named = env['BATON_AGENT'] || env['CLAUDE_CODE_SESSION_ID'];
  if (named) return named;
  let user = env['USER'] ?? env['USERNAME'] ?? 'user';
  try {
    user = userInfo().username;
  } catch {
    // No passwd entry (a container's uid): the environment's name will do.
  }
  return asId(`cli:${user}@${hostname()}`);
}

export function connect(flags: ClientFlags, place: ClientPlace = { cwd: process.cwd(), env: process.env }): BatonClient {
  const location = locateServer({ url: flags.url, dataDir: flags.dataDir, env: place.env });
  let project: string;
  try {
    project = resolveProject({ cwd: place.cwd, explicit: flags.project, env: place.env }).id;
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error), 'Fix --project, BATON_PROJECT or .baton.json (1–64 of letters, digits, . _ -).');
  }
  return new BatonClient({ url: location.url, token: place.env['BATON_TOKEN'] || undefined, project, agent: flags.agent ?? defaultAgent(place.env) });
}
