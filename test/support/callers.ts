/**
 * @module One way to call a hub command whatever carries it: over REST (the route
 * table turns a command and its input into method, path, query and body) or
 * in-process through `hub.execute`. Race workers and their checkers share it, so a
 * scenario is written once and runs against both.
 */
import { isCoordinationError } from '../../src/core/errors.js';
import type { Hub } from '../../src/hub/hub.js';
import { API_PREFIX, ROUTES } from '../../src/transports/rest/routes.js';

export type CommandResult = Record<string, unknown>;

/** Runs a command; a refusal throws a `CallError` carrying the catalog code. */
export type CallCommand = (name: string, input?: Record<string, unknown>) => Promise<CommandResult>;

export class CallError extends Error {
  readonly code: string;
  readonly status: number | undefined;
  constructor(code: string, message: string, status?: number) {
    super(`${code}: ${message}`);
    this.code = code;
    this.status = status;
  }
}

export const errorCode = (error: unknown): string | undefined => (error instanceof CallError ? error.code : undefined);

export function restCaller(url: string, project: string, agent?: string): CallCommand {
  return async (name, input = {}) => {
    const route = ROUTES[name];
    if (!route) throw new Error(`No REST route for ${name}`);
    const rest: Record<string, unknown> = { ...input };
    const path = route.path.replace(/\{(\w+)\}/g, (_m, param: string) => {
      const value = rest[param];
      Reflect.deleteProperty(rest, param);
      return encodeURIComponent(String(value));
    });
    const target = new URL(`${API_PREFIX}${path}`, url);
    const headers: Record<string, string> = { 'x-baton-project': project, ...(agent ? { 'x-baton-agent': agent } : {}) };
    let body: string | undefined;
    if (route.method === 'GET' || route.method === 'DELETE') {
      for (const [key, value] of Object.entries(rest)) target.searchParams.set(key, Array.isArray(value) ? value.join(',') : String(value));
    } else {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(rest);
    }
    const res = await fetch(target, { method: route.method, headers, ...(body === undefined ? {} : { body }) });
    const parsed = (await res.json()) as CommandResult & { error?: { code: string; message: string } };
    if (!res.ok) throw new CallError(parsed.error?.code ?? `HTTP_${res.status}`, parsed.error?.message ?? '', res.status);
    return parsed;
  };
}

export function hubCaller(hub: Hub, project: string, agent?: string): CallCommand {
  return async (name, input = {}) => {
    try {
      return await hub.execute(name, input, { project, agentId: agent });
    } catch (error) {
      if (isCoordinationError(error)) throw new CallError(error.code, error.message);
      throw error;
    }
  };
}

/** Every task of the project, page after page (get_all_tasks pages at most 200). */
export async function allTasks(call: CallCommand, detail = false): Promise<CommandResult[]> {
  const tasks: CommandResult[] = [];
  let cursor: string | undefined;
  do {
    const page = await call('get_all_tasks', { limit: 200, detail, ...(cursor ? { cursor } : {}) });
    tasks.push(...(page['tasks'] as CommandResult[]));
    cursor = page['next_cursor'] as string | undefined;
  } while (cursor);
  return tasks;
}
