/**
 * @module Shared-state steps for transactional engines: put with compare-and-set
 * and TTL, delete a key or a scope. Expired entries read as absent.
 */
import { CoordinationError } from '../../../core/errors.js';
import { event } from '../../../core/events/event.js';
import type { StateEntry } from '../../../core/state/entry.js';
import type { PutStateInput } from '../../store.js';
import type { Unit } from './unit.js';

export async function liveEntry(u: Pick<Unit, 'tx' | 'project' | 'now'>, scope: string, key: string): Promise<StateEntry | null> {
  const entry = await u.tx.getState(u.project, scope, key);
  return entry && (entry.expiresAt === null || entry.expiresAt > u.now) ? entry : null;
}

export async function putState(u: Unit, input: PutStateInput): Promise<StateEntry> {
  const current = await liveEntry(u, input.scope, input.key);
  if (input.ifVersion !== undefined && (current?.version ?? 0) !== input.ifVersion) {
    throw new CoordinationError(
      'VERSION_CONFLICT',
      `${input.scope}/${input.key} is at version ${current?.version ?? 0} (absent is 0), not ${input.ifVersion}.`,
      { scope: input.scope, key: input.key, current_version: current?.version ?? 0 },
    );
  }
  const entry: StateEntry = {
    project: u.project,
    scope: input.scope,
    key: input.key,
    value: input.value,
    version: (current?.version ?? 0) + 1,
    updatedAt: u.now,
    updatedBy: input.actor,
    expiresAt: input.ttlMs === undefined ? null : u.now + input.ttlMs,
  };
  await u.tx.putState(entry);
  await u.emit(event('state.stored', input.actor, `${input.scope}/${input.key}`, { scope: input.scope, key: input.key, version: entry.version }));
  return entry;
}

export async function deleteState(u: Unit, scope: string, key: string, actor: string | null): Promise<boolean> {
  const existed = (await liveEntry(u, scope, key)) !== null;
  await u.tx.deleteState(u.project, scope, key);
  if (existed) await u.emit(event('state.deleted', actor, `${scope}/${key}`, { scope, key }));
  return existed;
}

export async function deleteScope(u: Unit, scope: string, actor: string | null): Promise<number> {
  const count = await u.tx.deleteScope(u.project, scope);
  if (count > 0) await u.emit(event('state.scope_deleted', actor, scope, { scope, keys: count }));
  return count;
}

export async function deleteExpiredState(u: Unit): Promise<number> {
  const expired = await u.tx.listExpiredState(u.project, u.now);
  for (const entry of expired) {
    await u.tx.deleteState(u.project, entry.scope, entry.key);
    await u.emit(event('state.deleted', null, `${entry.scope}/${entry.key}`, { scope: entry.scope, key: entry.key }));
  }
  return expired.length;
}
