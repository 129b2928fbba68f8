/**
 * @module Shared state for the RedisRepository: one hash per scope (key → StateEntry
 * JSON), the set of scopes and a zset of expiries, read through a step's overlay
 * and written as commit.lua ops.
 */
import type { StateEntry } from '../../core/state/entry.js';
import { byString, merge, type ProjectStep, type RedisContext } from './project-step.js';
import { parseJson } from './records.js';

const stateId = (scope: string, key: string): string => `${scope}\u0000${key}`;

export async function getState(ctx: RedisContext, s: ProjectStep, scope: string, key: string): Promise<StateEntry | null> {
  const own = s.state.get(stateId(scope, key));
  if (own !== undefined) return own;
  if (s.clearedScopes.has(scope)) return null;
  const stored = await s.read(() => ctx.client.hget(s.keys.state(scope), key));
  return stored === null ? null : parseJson<StateEntry>(stored);
}

export function putState(s: ProjectStep, entry: StateEntry): void {
  const id = stateId(entry.scope, entry.key);
  s.op('hset', { key: s.keys.state(entry.scope) }, entry.key, JSON.stringify(entry));
  s.op('sadd', { key: s.keys.stateScopes }, entry.scope);
  if (entry.expiresAt === null) s.op('zrem', { key: s.keys.stateExpiry }, id);
  else s.op('zadd', { key: s.keys.stateExpiry }, entry.expiresAt, id);
  s.state.set(id, entry);
}

export async function deleteState(ctx: RedisContext, s: ProjectStep, scope: string, key: string): Promise<boolean> {
  if ((await getState(ctx, s, scope, key)) === null) return false;
  s.op('hdel', { key: s.keys.state(scope) }, key);
  s.op('zrem', { key: s.keys.stateExpiry }, stateId(scope, key));
  s.op('srem_if_empty', { key: s.keys.state(scope) }, { key: s.keys.stateScopes }, scope);
  s.state.set(stateId(scope, key), null);
  return true;
}

/** Every entry of a scope (expired ones included), as the step sees them. */
async function scopeRows(ctx: RedisContext, s: ProjectStep, scope: string): Promise<StateEntry[]> {
  const stored = s.clearedScopes.has(scope) ? [] : await s.read(() => ctx.client.hvals(s.keys.state(scope)));
  const overlay = [...s.state].filter(([id]) => id.startsWith(`${scope}\u0000`));
  return merge(stored.map((text): [string, StateEntry] => { const e = parseJson<StateEntry>(text); return [stateId(e.scope, e.key), e]; }), overlay);
}

export async function listState(ctx: RedisContext, s: ProjectStep, scope: string, prefix: string, limit: number): Promise<StateEntry[]> {
  const rows = await scopeRows(ctx, s, scope);
  return rows.filter((e) => e.key.startsWith(prefix)).sort((a, b) => byString(a.key, b.key)).slice(0, limit);
}

export async function listScopes(ctx: RedisContext, s: ProjectStep, now: number): Promise<{ scope: string; keys: number }[]> {
  const stored = await s.read(() => ctx.client.smembers(s.keys.stateScopes));
  const scopes = new Set([...stored, ...[...s.state.values()].flatMap((e) => (e ? [e.scope] : []))]);
  const counted = await Promise.all(
    [...scopes].map(async (scope) => ({ scope, keys: (await scopeRows(ctx, s, scope)).filter((e) => e.expiresAt === null || e.expiresAt > now).length })),
  );
  return counted.filter((c) => c.keys > 0).sort((a, b) => byString(a.scope, b.scope));
}

export async function deleteScope(ctx: RedisContext, s: ProjectStep, scope: string): Promise<number> {
  const rows = await scopeRows(ctx, s, scope);
  if (rows.length > 0) {
    s.op('del', { key: s.keys.state(scope) });
    for (const e of rows) s.op('zrem', { key: s.keys.stateExpiry }, stateId(scope, e.key));
    s.op('srem', { key: s.keys.stateScopes }, scope);
  }
  for (const id of [...s.state.keys()]) if (id.startsWith(`${scope}\u0000`)) s.state.delete(id);
  s.clearedScopes.add(scope);
  return rows.length;
}

export async function listExpiredState(ctx: RedisContext, s: ProjectStep, now: number): Promise<StateEntry[]> {
  const ids = await s.read(() => ctx.client.zrangebyscore(s.keys.stateExpiry, '-inf', now));
  const candidates = new Set([...ids, ...[...s.state].flatMap(([id, e]) => (e?.expiresAt !== null && e?.expiresAt !== undefined ? [id] : []))]);
  const entries = await Promise.all(
    [...candidates].map((id) => {
      const cut = id.indexOf('\u0000');
      return getState(ctx, s, id.slice(0, cut), id.slice(cut + 1));
    }),
  );
  return entries.filter((e): e is StateEntry => e !== null && e.expiresAt !== null && e.expiresAt <= now);
}
